#!/usr/bin/env bash
# Install what nok-auditor and its tests need on a Debian/Ubuntu machine.
# System packages need root (or sudo); without them the browser, Redis and PostgreSQL tests skip.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
if [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # chromium: JS rendering (Playwright drives the system browser, no browser download);
  # redis-server and postgresql: the distributed batch mode; poppler-utils: PDF tools
  $SUDO apt-get install -y -qq chromium redis-server postgresql poppler-utils >/dev/null
else
  echo "Нет прав root: системные пакеты (chromium, redis-server, postgresql) не установлены." >&2
fi
python3 -m pip install -q -e '.[test]'
