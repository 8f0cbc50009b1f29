#!/usr/bin/env bash
# `make demo`: the local cluster (20 kwok nodes), Redis and every Loom component (gateway, translator, scheduler, node
# agent in fleet mode); an online Deployment with a simulated daily load; a Spark app through the YARN REST API (curl)
# running on reclaimed capacity to FINISHED; then an online spike taking capacity back (the AM evicted, YARN reports
# it preempted and starts attempt 2 elsewhere).
# Everything keeps running afterwards for you to explore; `npx loom down` stops it.
# Later issues grow this into the full batch-on-reclaimed-capacity demo with its utilization report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
loom() { node "$root/bin/loom.mjs" "$@"; }
loom up --nodes "${LOOM_DEMO_NODES:-20}" --gateway-port "${LOOM_DEMO_GATEWAY_PORT:-8088}"
eval "$(loom cluster env)"
rm_url="$(loom cluster status --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const c=JSON.parse(s).components.find(x=>x.name==="gateway");console.log(c?c.endpoint:"")})')"
ws="$rm_url/ws/v1/cluster"
echo
loom cluster status
echo
kubectl get nodes -L topology.kubernetes.io/zone,topology.loom.dev/rack | awk 'NR<=6'
echo "... ($(kubectl get nodes --no-headers | wc -l) nodes)"
kubectl get queues
echo
echo "== YARN REST API at $ws"
curl -sf "$ws/info" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const i=JSON.parse(s).clusterInfo;console.log(`clusterInfo: id=${i.id} haState=${i.haState} version=${i.resourceManagerVersion}`)})'
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(eval(process.argv[1]))})' "$1"; }
state() { curl -sf "$ws/apps/$1/state" | json v.state; }
wait_state() { for _ in $(seq 1 120); do [ "$(state "$1")" = "$2" ] && return 0; sleep 0.5; done; echo "  (still $(state "$1"))"; }
submit() { # id name queue type duration command
  curl -sf -X POST "$ws/apps?user.name=demo" -H 'Content-Type: application/json' -d @- <<JSON >/dev/null
{"application-id":"$1","application-name":"$2","queue":"$3","application-type":"$4",
 "application-tags":{"tag":["demo","sim.loom.dev/duration=$5"]},"resource":{"memory":1024,"vCores":1},
 "am-container-spec":{"commands":{"command":"$6"}}}
JSON
}
new_app() { curl -sf -X POST "$ws/apps/new-application?user.name=demo" | json 'v["application-id"]'; }
reclaimed_nodes() {
  kubectl get nodes --no-headers -o custom-columns='NAME:.metadata.name,CPU:.status.allocatable.cpu,RECLAIMED_MILLICPU:.status.allocatable.resource\.katalyst\.kubewharf\.io/reclaimed_millicpu,REPORTED:.metadata.annotations.node\.loom\.dev/reclaimed-report-time' | awk 'NR<=4'
}

echo
echo "== an online service through plain kubectl (Loom's scheduler places default-scheduler pods too); its load follows"
echo "   a daily curve compressed into 2 minutes (sim.loom.dev/usage-* annotations read by the node agent's model)"
kubectl apply -f - <<'YAML' >/dev/null
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 6
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
      annotations:
        sim.loom.dev/usage-base: "0.3"
        sim.loom.dev/usage-amplitude: "0.2"
        sim.loom.dev/usage-period: "120s"
    spec:
      containers:
        - name: web
          image: nginx
          resources: { requests: { cpu: "8", memory: 16Gi } }
YAML
for _ in $(seq 1 60); do
  [ "$(kubectl get pods -l app=web --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)" -ge 6 ] && break
  sleep 0.5
done
kubectl get pods -l app=web -o wide --no-headers | awk '{print "  " $1 "  " $3 "  " $7}'
sleep 3
echo "the node agent publishes what online pods leave unused as reclaimed capacity (allocatable − 5 % − Σ estimate):"
reclaimed_nodes

echo
echo "== a Spark app through the YARN REST API (curl), on the spot queue: it runs on reclaimed capacity"
id="$(new_app)"
submit "$id" demo-spark-pi spark SPARK 15s '{{JAVA_HOME}}/bin/java -Dspark.executor.instances=4 -Dspark.executor.memory=2g org.apache.spark.deploy.yarn.ApplicationMaster --class org.apache.spark.examples.SparkPi'
echo "submitted $id: $(state "$id")"
wait_state "$id" RUNNING
echo "running: $(state "$id"); its gang unit and pods:"
kubectl get schedulingunits,pods -n yarn -l "yarn.loom.dev/application-id=$id" -o wide | awk '{print "  " $0}' | cut -c1-140
wait_state "$id" FINISHED
curl -sf "$ws/apps/$id" | json '`finished: ${v.app.state}/${v.app.finalStatus} after ${v.app.elapsedTime} ms, ${v.app.memorySeconds} MB·s, ${v.app.vcoreSeconds} vcore·s`'

echo
echo "== online needs its capacity back: a long app's AM node gets an online spike; the node agent evicts the AM"
id="$(new_app)"
submit "$id" demo-long-job default YARN 600s 'sleep 600'
wait_state "$id" RUNNING
node_name="$(kubectl get pods -n yarn -l "yarn.loom.dev/application-id=$id,yarn.loom.dev/role=am" -o jsonpath='{.items[0].spec.nodeName}')"
echo "AM of $id runs on $node_name; an online pod there goes to full load"
kubectl apply -f - <<YAML >/dev/null
apiVersion: v1
kind: Pod
metadata:
  name: online-spike
  annotations: { sim.loom.dev/usage-base: "1", sim.loom.dev/usage-noise: "0" }
spec:
  nodeName: $node_name
  containers: [{ name: spike, image: nginx, resources: { requests: { cpu: "32" } } }]
YAML
for _ in $(seq 1 60); do
  [ "$(curl -sf "$ws/apps/$id" | json v.app.numAMContainerPreempted)" -ge 1 ] && break
  sleep 0.5
done
kubectl get events -n yarn --field-selector reason=Evicted -o jsonpath='{range .items[*]}  {.involvedObject.name}: {.message}{"\n"}{end}'
wait_state "$id" RUNNING
curl -sf "$ws/apps/$id" | json '`YARN view: ${v.app.state}, numAMContainerPreempted=${v.app.numAMContainerPreempted}`'
curl -sf "$ws/apps/$id/appattempts/appattempt_${id#application_}_000001" | json '`attempt 1: ${v.appAttemptState}: ${v.diagnosticsInfo.split("\n")[0]}`'
echo "attempt 2 runs on $(kubectl get pods -n yarn -l "yarn.loom.dev/application-id=$id,yarn.loom.dev/attempt=2,yarn.loom.dev/role=am" -o jsonpath='{.items[0].spec.nodeName}')"
curl -s -X PUT "$ws/apps/$id/state?user.name=demo" -H 'Content-Type: application/json' -d '{"state":"KILLED"}' >/dev/null
wait_state "$id" KILLED
echo "killed: $(state "$id")"
kubectl delete pod online-spike --wait=false >/dev/null
cat <<MSG

Loom is running. From this shell:

  eval "\$(npx loom cluster env)"          # KUBECONFIG, REDIS_URL, kubectl on PATH
  kubectl get nodes,schedulingunits,queues
  curl $ws/apps

Spot queues (default, spark, flink) run on the reclaimed capacity the node agent publishes; annotate an online pod
(sim.loom.dev/usage-base=1.2) to watch reclaimed capacity shrink and batch pods be evicted.
Stop everything with: npx loom down
MSG
