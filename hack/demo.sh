#!/usr/bin/env bash
# `make demo`: the local cluster (20 kwok nodes), Redis and every Loom component that exists (gateway, translator,
# scheduler),
# then a Spark-shaped YARN application submitted, translated and killed through the REST API with curl.
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
id="$(curl -sf -X POST "$ws/apps/new-application?user.name=demo" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)["application-id"]))')"
echo "new-application: $id"
curl -sf -X POST "$ws/apps?user.name=demo" -H 'Content-Type: application/json' -d @- <<JSON >/dev/null
{"application-id":"$id","application-name":"demo-spark-pi","queue":"spark","application-type":"SPARK",
 "application-tags":{"tag":["demo","sim.loom.dev/duration=30s"]},"resource":{"memory":1024,"vCores":1},
 "am-container-spec":{"commands":{"command":"{{JAVA_HOME}}/bin/java -Dspark.executor.instances=4 -Dspark.executor.memory=2g org.apache.spark.deploy.yarn.ApplicationMaster --class org.apache.spark.examples.SparkPi"}}}
JSON
echo "submitted: $(curl -sf "$ws/apps/$id/state")"
state() { curl -sf "$ws/apps/$id/state" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).state))'; }
for _ in $(seq 1 60); do [ "$(state)" = ACCEPTED ] && break; sleep 0.5; done
echo "translated: $(state) — the translator made a gang SchedulingUnit and its pods; the scheduler says why it waits:"
kubectl get schedulingunits,pods -n yarn -l "yarn.loom.dev/application-id=$id"
sleep 2
kubectl get schedulingunits -n yarn -l "yarn.loom.dev/application-id=$id" \
  -o jsonpath='{range .items[*]}  {.metadata.name}: {.status.phase}: {.status.conditions[0].message}{"\n"}{end}'
curl -sf "$ws/apps?states=SUBMITTED,ACCEPTED,RUNNING" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const a of JSON.parse(s).apps.app??[])console.log(`  ${a.id}  ${a.user}  ${a.queue}  ${a.applicationType}  ${a.state}  ${a.diagnostics}`)})'
echo "kill: $(curl -s -X PUT "$ws/apps/$id/state?user.name=demo" -H 'Content-Type: application/json' -d '{"state":"KILLED"}')"
for _ in $(seq 1 60); do [ "$(state)" = KILLED ] && break; sleep 0.5; done
echo "after kill: $(state); pods left: $(kubectl get pods -n yarn -l "yarn.loom.dev/application-id=$id" --no-headers 2>/dev/null | wc -l)"
echo
echo "== an online service through plain kubectl: Loom's scheduler places default-scheduler pods too"
kubectl create deployment web --image=nginx --replicas=6 --dry-run=client -o yaml | kubectl apply -f -
for _ in $(seq 1 60); do
  [ "$(kubectl get pods -l app=web --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)" -ge 6 ] && break
  sleep 0.5
done
kubectl get pods -l app=web -o wide --no-headers | awk '{print "  " $1 "  " $3 "  " $7}'
cat <<MSG

Loom is running. From this shell:

  eval "\$(npx loom cluster env)"          # KUBECONFIG, REDIS_URL, kubectl on PATH
  kubectl get nodes,schedulingunits,queues
  curl $ws/apps

Spot queues run on reclaimed capacity, which the node agent (next issue) publishes; until it runs, their units wait
and say so. Online pods need nothing: kubectl create deployment web --image=nginx --replicas=5
Stop everything with: npx loom down
MSG
