#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries (Debian's `postgresql` package) are on this machine, for
# the JDBC / postgres tests (test/support/postgres-server.ts starts a throwaway cluster from them).
#   bash scripts/postgres/setup.sh
# Instant when the binaries are there; otherwise installs the package with apt-get (needs root).
set -euo pipefail
find_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}
BIN="$(find_bindir)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "postgres/setup.sh: PostgreSQL server binaries not found and not root: run 'apt-get install postgresql' as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends postgresql >/dev/null; }
  BIN="$(find_bindir)"
  [ -n "$BIN" ] || { echo "postgres/setup.sh: installed postgresql but found no initdb under /usr/lib/postgresql/*/bin" >&2; exit 1; }
fi
echo "postgres ready: $("$BIN/postgres" --version)"
