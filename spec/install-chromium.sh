#!/usr/bin/env bash
# Installs Debian's chromium for `make docs-check` when it is missing, so that `make test`
# passes on a fresh machine as the README promises. Quiet unless something goes wrong.
set -euo pipefail
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] && exit 0
if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
  echo "docs-check needs Debian's chromium: run 'apt-get install chromium' as root" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
echo "installing Debian's chromium for docs-check (apt-get)..." >&2
log=$(mktemp)
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
