#!/usr/bin/env bash
# Installs Debian's chromium when it is missing: the browser test (test/browser/) drives it with playwright-core.
# Playwright's own browser download cannot be used (only Debian packages, npm and PyPI are reachable), and Debian's
# build is the one every machine of this project can install.
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_="sudo"
echo "[ensure-chromium] installing chromium (apt-get)" >&2
$sudo_ apt-get update -qq >&2
log="$(mktemp)"
if ! DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >"$log" 2>&1; then
  cat "$log" >&2; exit 1
fi
rm -f "$log"
chromium --version >&2
