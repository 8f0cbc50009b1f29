#!/usr/bin/env bash
# `make demo`: brings the local cluster and Redis up, shows them working, and leaves them running for you.
# Later issues grow this into the full batch-on-reclaimed-capacity demo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
loom() { node "$root/bin/loom.mjs" "$@"; }
loom up --nodes "${LOOM_DEMO_NODES:-20}"
eval "$(loom cluster env)"
echo
loom cluster status
echo
kubectl get nodes -L topology.kubernetes.io/zone,topology.loom.dev/rack | head -8
echo "..."
kubectl get crd -l '!x' -o name | grep loom || true
echo
cat <<MSG
The local cluster is running. Use it from this shell with:

  eval "\$(npx loom cluster env)"
  kubectl get nodes,schedulingunits,queues

Redis for Loom's components: $REDIS_URL
Stop everything with: npx loom down
MSG
