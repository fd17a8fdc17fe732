#!/usr/bin/env bash
# Build the S3-compatible test server (scripts/s3/main.go, gofakes3 from the Go module proxy) into
# .s3/bin/s3-test-server (git-ignored), for the object-store tests (scripts/s3/server.ts starts it).
#   bash scripts/s3/setup.sh
# Cached: a second run finds the binary stamped with the same sources and builds nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SRC="$ROOT/scripts/s3"
BIN="$ROOT/.s3/bin/s3-test-server"
STAMP="$ROOT/.s3/bin/.complete"
WANT="$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -d' ' -f1)"
if [ -x "$BIN" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  echo "s3 test server ready: .s3/bin/s3-test-server"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "s3/setup.sh: go not found; building the S3 test server needs the Go toolchain" >&2; exit 1; }
mkdir -p "$(dirname "$BIN")"
(cd "$SRC" && go build -o "$BIN" .)
echo "$WANT" > "$STAMP"
echo "s3 test server ready: .s3/bin/s3-test-server"
