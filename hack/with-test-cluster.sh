#!/usr/bin/env bash
# Runs a command against a fresh local cluster (kwok nodes + Redis) in its own state folder, and always tears the
# cluster down afterwards, whether the command passed, failed or was interrupted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes="${LOOM_TEST_NODES:-5}"
state="$(mktemp -d "${TMPDIR:-/tmp}/loom-test-XXXXXX")"
export LOOM_STATE_DIR="$state"
cleanup() {
  local rc=$?
  node "$root/bin/loom.mjs" cluster down || true
  rm -rf "$state"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
start=$(date +%s)
node "$root/bin/loom.mjs" cluster up --nodes "$nodes"
echo "[with-test-cluster] cluster with $nodes nodes up in $(( $(date +%s) - start ))s" >&2
eval "$(node "$root/bin/loom.mjs" cluster env)"
"$@"
