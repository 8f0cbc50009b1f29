#!/usr/bin/env bash
# `make demo`: batch on reclaimed capacity, end to end, on the local cluster — then a report, and a clean exit.
#
# 1. `loom up`: 20 kwok nodes, Redis, and every Loom component (gateway, translator, scheduler, node agent in fleet
#    mode, simulated AM).
# 2. An online service applied with kubectl: requests half the cluster, uses a quarter of that, on a daily curve
#    compressed into two minutes (the node agent's usage model reads the pods' sim.loom.dev/usage-* annotations).
# 3. Spark apps through the YARN REST API with curl (queue spark) and Flink jobs with yarn-api-client (queue flink),
#    more batch than fits in what online pods leave unrequested.
# 4. Halfway, one online pod spikes: the node agent takes its node's reclaimed cpu back and evicts batch there.
# 5. The report: apps finished, cpu utilization with reclaimed cores vs the same workload without them (from the same
#    samples), online interference. Then `loom down` (LOOM_DEMO_KEEP=1 keeps everything running to explore).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
loom() { node "$root/bin/loom.mjs" "$@"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"; }
nodes="${LOOM_DEMO_NODES:-20}"
duration="${LOOM_DEMO_APP_SECONDS:-90}s"

loom up --nodes "$nodes" --gateway-port "${LOOM_DEMO_GATEWAY_PORT:-8088}"
eval "$(loom cluster env)"
rm_url="$(loom cluster status --json | json 'v.components.find((x) => x.name === "gateway")?.endpoint ?? ""')"
ws="$rm_url/ws/v1/cluster"
stop_file="$(mktemp -u)"
cleanup() {
  [[ -n ${report_pid:-} ]] && kill "$report_pid" 2>/dev/null || true
  rm -f "$stop_file"
  if [[ ${LOOM_DEMO_KEEP:-0} != 1 ]]; then loom down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

echo
loom cluster status
kubectl get queues
echo
echo "== online service (kubectl): 20 replicas × 16 cpu requested, using ~25% of it on a 2-minute daily curve"
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 20
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations:
        sim.loom.dev/usage-base: "0.25"
        sim.loom.dev/usage-amplitude: "0.12"
        sim.loom.dev/usage-period: "120s"
    spec:
      # Spread like a real service: at most one replica per node.
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: { matchLabels: { app: web } }
              topologyKey: kubernetes.io/hostname
      containers:
        - name: web
          image: nginx
          resources: { requests: { cpu: "16", memory: 32Gi } }
YAML
for _ in $(seq 1 120); do
  [[ $(kubectl get pods -l app=web --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l) -ge 20 ]] && break
  sleep 0.5
done
echo "$(kubectl get pods -l app=web --field-selector=status.phase=Running --no-headers | wc -l) web replicas running"
sleep 4
loom top --limit 5

echo
echo "== batch through the YARN REST API: Spark with curl (queue spark), Flink with yarn-api-client (queue flink)"
npx tsx "$root/hack/demo-report.ts" --kubeconfig "$KUBECONFIG" --rm-url "$rm_url" --until-file "$stop_file" &
report_pid=$!
ids=()
for i in 1 2 3 4 5 6; do
  id="$(curl -sf -X POST "$ws/apps/new-application?user.name=demo" | json 'v["application-id"]')"
  curl -sf -X POST "$ws/apps?user.name=demo" -H 'Content-Type: application/json' -d @- >/dev/null <<JSON
{"application-id":"$id","application-name":"demo-spark-etl-$i","queue":"spark","application-type":"SPARK",
 "application-tags":{"tag":["demo","sim.loom.dev/duration=$duration"]},"resource":{"memory":2048,"vCores":1},
 "am-container-spec":{"commands":{"command":"{{JAVA_HOME}}/bin/java -Dspark.executor.instances=16 -Dspark.executor.cores=4 -Dspark.executor.memory=8g org.apache.spark.deploy.yarn.ApplicationMaster --class org.example.Etl --jar etl.jar"}}}
JSON
  echo "curl → $id (spark, 1 driver + 16 × 4-core executors)"
  ids+=("$id")
done
python="$(bash "$root/hack/ensure-yarn-api-client.sh")"
while read -r id; do
  echo "yarn-api-client → $id (flink, 1 JobManager + 8 × 4-slot TaskManagers)"
  ids+=("$id")
done < <("$python" "$root/hack/demo/submit_flink.py" "$rm_url" demo 2 32 4 "$duration")

sleep 30
spike="$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}')"
spike_node="$(kubectl get pod "$spike" -o jsonpath='{.spec.nodeName}')"
echo "== online spike: $spike on $spike_node goes to 140% of its request"
kubectl annotate pod "$spike" --overwrite sim.loom.dev/usage-base=1.4 sim.loom.dev/usage-amplitude=0 >/dev/null

final() { curl -sf "$ws/apps/$1/state" | json '["FINISHED","FAILED","KILLED"].includes(v.state) ? "yes" : "no"'; }
for _ in $(seq 1 300); do
  done_=0
  for id in "${ids[@]}"; do [[ $(final "$id") == yes ]] && done_=$((done_ + 1)); done
  [[ $done_ -eq ${#ids[@]} ]] && break
  sleep 1
done
kubectl get events -A --field-selector reason=Evicted -o jsonpath='{range .items[*]}  {.involvedObject.name}: {.message}{"\n"}{end}' | head -5
touch "$stop_file"
wait "$report_pid" || true
report_pid=""
loom apps --all --user demo

cat <<MSG

YARN REST API: $ws    web UI: $rm_url/ui    (kubectl: eval "\$(npx loom cluster env)")
MSG
if [[ ${LOOM_DEMO_KEEP:-0} == 1 ]]; then
  echo "Everything keeps running (LOOM_DEMO_KEEP=1); stop it with: npx loom down"
else
  echo "Stopping the local cluster (LOOM_DEMO_KEEP=1 keeps it running)."
fi
