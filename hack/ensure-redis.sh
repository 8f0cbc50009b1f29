#!/usr/bin/env bash
# Installs redis-server from Debian packages when it is missing. Debian's post-install script would start a
# system-wide Redis on :6379; a temporary policy-rc.d forbids that, because Loom starts its own instances.
set -euo pipefail
command -v redis-server >/dev/null 2>&1 && exit 0
sudo_=""; [[ $(id -u) -eq 0 ]] || sudo_="sudo"
echo "[ensure-redis] installing redis-server (apt-get)" >&2
policy=/usr/sbin/policy-rc.d
created_policy=false
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo_ tee "$policy" >/dev/null
  $sudo_ chmod +x "$policy"
  created_policy=true
fi
trap '$created_policy && $sudo_ rm -f "$policy"' EXIT
$sudo_ apt-get update -qq >&2
log="$(mktemp)"
if ! DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends redis-server >"$log" 2>&1; then
  cat "$log" >&2; exit 1
fi
rm -f "$log"
# Stop a system Redis if one started anyway (no init system honours policy-rc.d in some images).
if command -v redis-cli >/dev/null && redis-cli -p 6379 ping >/dev/null 2>&1; then
  redis-cli -p 6379 shutdown nosave >/dev/null 2>&1 || true
fi
redis-server --version >&2
