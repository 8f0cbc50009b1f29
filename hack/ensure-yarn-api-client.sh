#!/usr/bin/env bash
# Installs (once) the real Python YARN client `yarn-api-client` from PyPI into a virtualenv outside the repository,
# for the gateway's end-to-end test (test/e2e/yarn-api-client.test.ts).
#
#   hack/ensure-yarn-api-client.sh        prints the venv's python path on stdout; progress goes to stderr
#
# Idempotent: when the venv already holds the pinned version nothing is downloaded. The venv lives in
# $LOOM_CACHE/venv-yarn-api-client (default ~/.cache/loom); a bump of the pin below reinstalls in place.
# Needs python3 (with the venv module) and PyPI; nothing else is fetched.
set -euo pipefail

YARN_API_CLIENT_VERSION=1.0.3

venv="${LOOM_CACHE:-$HOME/.cache/loom}/venv-yarn-api-client"
py="$venv/bin/python"

log() { printf '[ensure-yarn-api-client] %s\n' "$*" >&2; }

installed_version() {
  [[ -x "$py" ]] || return 1
  "$py" - <<'EOF' 2>/dev/null
import importlib.metadata as m
import yarn_api_client  # noqa: F401  (the import must work, not only the metadata)
print(m.version("yarn-api-client"))
EOF
}

if [[ "$(installed_version || true)" == "$YARN_API_CLIENT_VERSION" ]]; then
  echo "$py"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || { log "python3 is required"; exit 1; }
mkdir -p "$(dirname "$venv")"
# Two runs at once (parallel test sessions) must not build the same venv together: the second waits, then finds it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$venv.lock"
  flock 9
  if [[ "$(installed_version || true)" == "$YARN_API_CLIENT_VERSION" ]]; then
    echo "$py"
    exit 0
  fi
fi
start=$(date +%s)
if [[ ! -x "$py" ]] || ! "$py" -c 'import sys' >/dev/null 2>&1; then
  log "creating virtualenv $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
fi
log "installing yarn-api-client==$YARN_API_CLIENT_VERSION from PyPI"
pip_log="$(mktemp)"
trap 'rm -f "$pip_log"' EXIT
if ! "$py" -m pip install --disable-pip-version-check --no-input --quiet \
  "yarn-api-client==$YARN_API_CLIENT_VERSION" >"$pip_log" 2>&1; then
  cat "$pip_log" >&2
  exit 1
fi
got="$(installed_version || true)"
if [[ "$got" != "$YARN_API_CLIENT_VERSION" ]]; then
  cat "$pip_log" >&2
  log "expected yarn-api-client $YARN_API_CLIENT_VERSION in $venv, found '${got:-nothing}'"
  exit 1
fi
log "yarn-api-client $got ready in $(($(date +%s) - start))s"
echo "$py"
