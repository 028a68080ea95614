#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser tests (packages/console), only when it is missing and we
# are root on a Debian-like system; playwright-core drives it, so no browser is downloaded from elsewhere.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: /usr/bin/chromium is missing; install Debian's chromium package for the console's browser tests" >&2
  exit 0
fi
echo "install-chromium: apt-get install chromium" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
