#!/usr/bin/env bash
# Make sure Debian's `chromium` is on this machine, for the web UI tests (test/ui/*-browser.test.ts
# drive it headless with puppeteer-core; no browser is downloaded).
#   bash scripts/ui/setup.sh
# Instant when chromium is there; otherwise installs the package with apt-get (needs root).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != "0" ]; then
    echo "ui/setup.sh: chromium not found and not root: run 'apt-get install chromium' as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  command -v chromium >/dev/null 2>&1 || { echo "ui/setup.sh: installed chromium but it is not on PATH" >&2; exit 1; }
fi
echo "chromium ready: $(chromium --version 2>/dev/null || echo "$(command -v chromium)")"
