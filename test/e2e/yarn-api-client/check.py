"""Drives a YARN ResourceManager REST endpoint with the real `yarn-api-client` (PyPI), as its users do.

    python check.py BASE_URL [--user alice] [--trace FILE] [--min-nodes 1] [--probe-gaps]

BASE_URL is the RM web address (http://127.0.0.1:8088): Loom's gateway, or a real ResourceManager (the assertions
hold for both; they only rely on what Hadoop 3.4.1 answers). Every check prints one JSON line on stdout,
{"check": name, "ok": true, ...facts}; the first failing check prints {"check": name, "ok": false, "error": ...},
a clear message on stderr, and exits 1.

--trace FILE writes one JSON line per HTTP exchange the client makes (method, path, query, the headers that matter,
status), recorded at the transport, so the SimpleAuth probe requests are in it too.
--min-nodes N is the number of NodeManagers the cluster must report (0 for hack/yarn-rm's reference RM, which has none).
--probe-gaps additionally calls client methods the gateway may not serve yet and prints {"probe": name, ...} lines
for them; they never fail the run.
"""

import argparse
import json
import re
import sys
import time
import traceback
import uuid
from urllib.parse import parse_qsl, urlsplit

from requests.adapters import HTTPAdapter

import yarn_api_client
from yarn_api_client.auth import SimpleAuth
from yarn_api_client.errors import APIError
from yarn_api_client.resource_manager import ResourceManager

NON_FINAL = {"NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING"}
FINAL = {"FINISHED", "FAILED", "KILLED"}
# RMAppState values the RM's /state and kill answers show while a kill is being processed.
IN_KILL = {"KILLING", "FINAL_SAVING"}


class CheckFailed(Exception):
    pass


def expect(cond, message):
    if not cond:
        raise CheckFailed(message)


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=False) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------------------------------------------------------
# Transport trace: every request `requests` sends (the client's session and SimpleAuth's own probe session).


class Trace:
    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8") if path else None
        self.exchanges = []

    def install(self):
        original = HTTPAdapter.send
        trace = self

        def send(adapter, request, **kwargs):
            response = original(adapter, request, **kwargs)
            trace.record(request, response)
            return response

        HTTPAdapter.send = send

    def record(self, request, response):
        url = urlsplit(request.url)
        cookie = request.headers.get("Cookie", "")
        entry = {
            "method": request.method,
            "path": url.path,
            "query": dict(parse_qsl(url.query, keep_blank_values=True)),
            "accept": request.headers.get("Accept"),
            "contentType": request.headers.get("Content-Type"),
            # The token is signed per run; keep only whose it is.
            "cookie": re.sub(r"(hadoop\.auth=\"?u=[^&]*)[^;]*", r"\1&...", cookie) or None,
            "bodyBytes": len(request.body or b""),
            "status": response.status_code,
            "responseType": response.headers.get("Content-Type"),
            "setCookie": "hadoop.auth" in response.headers.get("Set-Cookie", ""),
        }
        self.exchanges.append(entry)
        if self.file:
            self.file.write(json.dumps(entry) + "\n")
            self.file.flush()


class LastResponse:
    """A response hook on the client's session: the client returns only the parsed body, users read the rest here."""

    def __init__(self, rm):
        self.response = None
        rm.session.hooks["response"].append(self.hook)

    def hook(self, response, *args, **kwargs):
        self.response = response
        return response


# ---------------------------------------------------------------------------------------------------------------


def spark_submission(app_id, user, run_tag):
    """What Spark's YARN client puts in an ApplicationSubmissionContext (spark-submit --master yarn --deploy-mode
    cluster --queue spark SparkPi), written out as the RM's JSON submission body."""
    staging = "hdfs://namenode:8020/user/{}/.sparkStaging/{}".format(user, app_id)
    log_dir = "<LOG_DIR>"
    command = (
        "{{JAVA_HOME}}/bin/java -server -Xmx1024m -Djava.io.tmpdir={{PWD}}/tmp "
        "-Dspark.yarn.app.container.log.dir=" + log_dir + " "
        "org.apache.spark.deploy.yarn.ApplicationMaster --class org.apache.spark.examples.SparkPi "
        "--jar __app__.jar --arg 1000 "
        "--properties-file {{PWD}}/__spark_conf__/__spark_conf__.properties "
        "--dist-cache-conf {{PWD}}/__spark_conf__/__spark_dist_cache__.properties "
        "1> " + log_dir + "/stdout 2> " + log_dir + "/stderr"
    )
    return {
        "application-id": app_id,
        "application-name": "Spark Pi " + run_tag,
        "queue": "spark",
        "priority": 0,
        "am-container-spec": {
            "local-resources": {
                "entry": [
                    {
                        "key": "__spark_conf__",
                        "value": {
                            "resource": staging + "/__spark_conf__.zip",
                            "type": "ARCHIVE",
                            "visibility": "PRIVATE",
                            "size": 284113,
                            "timestamp": 1764230400000,
                        },
                    },
                    {
                        "key": "__app__.jar",
                        "value": {
                            "resource": staging + "/spark-examples_2.12-3.5.3.jar",
                            "type": "FILE",
                            "visibility": "PRIVATE",
                            "size": 1567446,
                            "timestamp": 1764230400000,
                        },
                    },
                ]
            },
            "environment": {
                "entry": [
                    {"key": "SPARK_USER", "value": user},
                    {"key": "SPARK_YARN_STAGING_DIR", "value": staging},
                    {
                        "key": "CLASSPATH",
                        "value": "{{PWD}}<CPS>{{PWD}}/__spark_conf__<CPS>{{PWD}}/__spark_libs__/*"
                        "<CPS>{{HADOOP_CONF_DIR}}<CPS>{{PWD}}/__spark_conf__/__hadoop_conf__",
                    },
                    {"key": "SPARK_PUBLIC_DNS", "value": ""},
                ]
            },
            "commands": {"command": command},
            "application-acls": {
                "entry": [
                    {"key": "VIEW_APP", "value": "{} sparkops".format(user)},
                    {"key": "MODIFY_APP", "value": user},
                ]
            },
        },
        "unmanaged-AM": False,
        "max-app-attempts": 2,
        "resource": {"memory": 1408, "vCores": 1},
        "application-type": "SPARK",
        "keep-containers-across-application-attempts": False,
        # Spark passes spark.yarn.tags through; the RM lower-cases tags and answers them comma-joined.
        "application-tags": {"tag": ["Loom-E2E", run_tag]},
    }


def mapreduce_submission(app_id, run_tag):
    """A second, different app (another user, queue, type and tag) so that every filter has something to exclude."""
    return {
        "application-id": app_id,
        "application-name": "word count " + run_tag,
        "queue": "default",
        "am-container-spec": {"commands": {"command": "sleep 3"}},
        "max-app-attempts": 1,
        "resource": {"memory": 1024, "vCores": 1},
        "application-type": "MAPREDUCE",
        "application-tags": {"tag": "etl-" + run_tag},
    }


class Run:
    def __init__(self, base, user, trace, probe_gaps, min_nodes):
        self.base = base
        self.min_nodes = min_nodes
        self.user = user
        self.trace = trace
        self.probe_gaps = probe_gaps
        self.run_tag = "e2e-" + uuid.uuid4().hex[:8]
        self.current = None

    # -- helpers ------------------------------------------------------------------------------------------------

    def check(self, name, fn):
        self.current = name
        try:
            facts = fn() or {}
        except CheckFailed as e:
            self.fail(name, str(e))
        except APIError as e:
            self.fail(name, "yarn_api_client.errors.APIError: {}".format(e))
        except Exception as e:  # a KeyError in the client's own helpers is a shape problem of the server
            self.fail(name, "{}: {}\n{}".format(type(e).__name__, e, traceback.format_exc()))
        out = {"check": name, "ok": True}
        out.update(facts)
        emit(out)

    def fail(self, name, message):
        first = message.splitlines()[0] if message else ""
        emit({"check": name, "ok": False, "error": first[:500]})
        sys.stderr.write("check.py: check '{}' failed against {}:\n  {}\n".format(name, self.base, message[:4000]))
        sys.exit(1)

    def probe(self, name, fn):
        try:
            value = fn()
            emit({"probe": name, "ok": True, "value": value})
        except Exception as e:
            emit({"probe": name, "ok": False, "error": "{}: {}".format(type(e).__name__, e)[:500]})

    def apps(self, rm=None, **filters):
        data = (rm or self.rm).cluster_applications(**filters).data
        expect(isinstance(data.get("apps"), dict), "cluster_applications: 'apps' is not an object: {!r}".format(data))
        listed = data["apps"].get("app", [])
        expect(isinstance(listed, list), "cluster_applications: apps.app is not a list: {!r}".format(listed))
        return listed

    def ours(self, listed):
        return sorted(a["id"] for a in listed if a["id"] in (self.app_a, self.app_b))

    def wait_state(self, app_id, wanted, timeout_s=30.0):
        deadline = time.time() + timeout_s
        seen = []
        while True:
            state = self.rm.cluster_application_state(app_id).data.get("state")
            if not seen or seen[-1] != state:
                seen.append(state)
            if state in wanted:
                return state, seen
            if time.time() > deadline:
                raise CheckFailed(
                    "{} never reached {} within {}s; states seen: {}".format(app_id, wanted, timeout_s, seen)
                )
            time.sleep(0.25)

    # -- the checks ---------------------------------------------------------------------------------------------

    def main(self):
        self.check("connect", self.connect)
        self.check("cluster_information", self.cluster_information)
        self.check("cluster_metrics", self.cluster_metrics_before)
        self.check("cluster_scheduler", self.cluster_scheduler)
        self.check("cluster_scheduler_queue", self.cluster_scheduler_queue)
        self.check("cluster_nodes", self.cluster_nodes)
        self.check("cluster_node", self.cluster_node)
        self.check("anonymous_write_refused", self.anonymous_write_refused)
        self.check("cluster_new_application", self.new_application)
        self.check("cluster_submit_application", self.submit)
        self.check("cluster_application", self.application)
        self.check("cluster_application_state", self.application_state)
        self.check("cluster_application_attempts", self.application_attempts)
        self.check("cluster_application_timeouts", self.application_timeouts)
        self.check("cluster_applications", self.applications_unfiltered)
        self.check("cluster_applications_states", self.filter_states)
        self.check("cluster_applications_queue", self.filter_queue)
        self.check("cluster_applications_types", self.filter_types)
        self.check("cluster_applications_tags", self.filter_tags)
        self.check("cluster_applications_user", self.filter_user)
        self.check("cluster_applications_name", self.filter_name)
        self.check("cluster_applications_started_time", self.filter_started_time)
        self.check("cluster_applications_limit", self.filter_limit)
        self.check("cluster_applications_combined", self.filter_combined)
        self.check("cluster_applications_invalid_state", self.filter_invalid)
        self.check("cluster_application_kill_forbidden", self.kill_forbidden)
        self.check("cluster_application_queue", self.move)
        self.check("cluster_application_priority", self.priority)
        self.check("cluster_application_timeout", self.timeout)
        self.check("cluster_application_kill", self.kill)
        self.check("cluster_application_killed", self.killed)
        self.check("cluster_application_kill_again", self.kill_again)
        self.check("cluster_applications_after_kill", self.filters_after_kill)
        self.check("cluster_application_statistics", self.statistics)
        self.check("cluster_metrics_after", self.cluster_metrics_after)
        if self.probe_gaps:
            self.gaps()
        self.check("cleanup", self.cleanup)

    def connect(self):
        self.auth = SimpleAuth(self.user)
        self.rm = ResourceManager(service_endpoints=[self.base], auth=self.auth, timeout=30)
        self.last = LastResponse(self.rm)
        endpoint = self.rm.get_active_endpoint()
        expect(endpoint == self.base, "active endpoint {} != {}".format(endpoint, self.base))
        expect(self.auth.auth_done, "SimpleAuth did not authenticate on the /cluster probe")
        token = (self.auth.auth_token or "").strip('"')
        expect(
            token.startswith("u={}&p={}&t=simple&".format(self.user, self.user)),
            "hadoop.auth cookie is not a simple-auth token for {}: {!r}".format(self.user, self.auth.auth_token),
        )
        return {"endpoint": endpoint, "client": yarn_api_client.__version__, "cookieUser": self.user}

    def cluster_information(self):
        info = self.rm.cluster_information().data["clusterInfo"]
        expect(isinstance(info["id"], int) and info["id"] > 0, "clusterInfo.id is not a timestamp: {!r}".format(info))
        expect(info["state"] == "STARTED", "clusterInfo.state {!r}".format(info["state"]))
        expect(info["haState"] == "ACTIVE", "clusterInfo.haState {!r}".format(info["haState"]))
        expect(str(info["hadoopVersion"]).startswith("3."), "hadoopVersion {!r}".format(info["hadoopVersion"]))
        expect(info["startedOn"] > 0, "startedOn {!r}".format(info["startedOn"]))
        self.cluster_id = info["id"]
        return {"id": info["id"], "hadoopVersion": info["hadoopVersion"], "haState": info["haState"]}

    def cluster_metrics_before(self):
        m = self.rm.cluster_metrics().data["clusterMetrics"]
        for key in (
            "appsSubmitted",
            "appsCompleted",
            "appsPending",
            "appsRunning",
            "appsFailed",
            "appsKilled",
            "availableMB",
            "allocatedMB",
            "totalMB",
            "availableVirtualCores",
            "totalVirtualCores",
            "containersAllocated",
            "totalNodes",
            "activeNodes",
            "lostNodes",
            "unhealthyNodes",
            "decommissionedNodes",
        ):
            expect(isinstance(m.get(key), int) and m[key] >= 0, "clusterMetrics.{} = {!r}".format(key, m.get(key)))
        expect(
            m["totalNodes"] >= self.min_nodes,
            "clusterMetrics.totalNodes = {}, expected at least {}".format(m["totalNodes"], self.min_nodes),
        )
        expect(m["activeNodes"] <= m["totalNodes"], "activeNodes > totalNodes")
        self.metrics_before = m
        return {k: m[k] for k in ("appsSubmitted", "appsKilled", "totalNodes", "activeNodes", "totalMB")}

    def cluster_scheduler(self):
        info = self.rm.cluster_scheduler().data["scheduler"]["schedulerInfo"]
        expect(info["type"] == "capacityScheduler", "scheduler type {!r}".format(info.get("type")))
        expect(info["queueName"] == "root", "root queueName {!r}".format(info.get("queueName")))
        children = info["queues"]["queue"]
        expect(isinstance(children, list), "schedulerInfo.queues.queue is not a list")
        names = [q["queueName"] for q in children]
        expect("spark" in names and "default" in names, "root has no spark/default children: {}".format(names))
        total = sum(q["capacity"] for q in children)
        expect(abs(total - 100.0) < 0.01, "child capacities sum to {} not 100".format(total))
        return {"queues": [q["queuePath"] for q in children]}

    def cluster_scheduler_queue(self):
        spark = self.rm.cluster_scheduler_queue("spark")
        expect(spark is not None, "cluster_scheduler_queue('spark') found nothing")
        expect(spark["queuePath"] == "root.spark", "spark queuePath {!r}".format(spark.get("queuePath")))
        expect(spark["type"] == "capacitySchedulerLeafQueueInfo", "spark type {!r}".format(spark.get("type")))
        expect(spark["state"] == "RUNNING", "spark state {!r}".format(spark.get("state")))
        expect("queues" not in spark, "a leaf queue carries 'queues'")
        missing = self.rm.cluster_scheduler_queue("no-such-queue-" + self.run_tag)
        expect(missing is None, "cluster_scheduler_queue found a queue that does not exist: {!r}".format(missing))
        return {
            "queuePath": spark["queuePath"],
            "capacity": spark["capacity"],
            "absoluteCapacity": spark["absoluteCapacity"],
        }

    def cluster_nodes(self):
        listed = self.rm.cluster_nodes().data["nodes"]
        expect(isinstance(listed, dict), "'nodes' is not an object: {!r}".format(listed))
        nodes = listed.get("node", [])
        expect(isinstance(nodes, list), "nodes.node is not a list: {!r}".format(nodes))
        expect(len(nodes) >= self.min_nodes, "{} nodes listed, expected at least {}".format(len(nodes), self.min_nodes))
        for n in nodes:
            expect(re.match(r"^[^:]+:\d+$", n["id"]), "node id is not host:port: {!r}".format(n["id"]))
            expect(
                n["nodeHostName"] == n["id"].split(":")[0],
                "nodeHostName {!r} vs id {!r}".format(n["nodeHostName"], n["id"]),
            )
            expect(n["rack"].startswith("/"), "rack {!r}".format(n["rack"]))
            expect(isinstance(n["numContainers"], int), "numContainers {!r}".format(n.get("numContainers")))
        running = self.rm.cluster_nodes(states=["RUNNING"]).data["nodes"]
        running = running.get("node", []) if isinstance(running, dict) else []
        expect(all(n["state"] == "RUNNING" for n in running), "states=RUNNING returned other states")
        expect(
            len(running) == sum(1 for n in nodes if n["state"] == "RUNNING"),
            "states=RUNNING returned {} nodes, the unfiltered list has {} RUNNING".format(
                len(running), sum(1 for n in nodes if n["state"] == "RUNNING")
            ),
        )
        expect(
            len(nodes) == self.metrics_before["totalNodes"],
            "{} nodes listed, clusterMetrics.totalNodes = {}".format(len(nodes), self.metrics_before["totalNodes"]),
        )
        self.node_id = (running or nodes)[0]["id"] if nodes else None
        return {"nodes": len(nodes), "running": len(running)}

    def cluster_node(self):
        if self.node_id is None:
            return {"skipped": "no nodes"}
        node = self.rm.cluster_node(self.node_id).data["node"]
        expect(node["id"] == self.node_id, "cluster_node({}) answered {!r}".format(self.node_id, node.get("id")))
        expect("totalResource" in node and "memory" in node["totalResource"], "node has no totalResource")
        try:
            self.rm.cluster_node("no-such-host:1234")
        except APIError as e:
            expect("404" in str(e), "unknown node: expected a 404 APIError, got {}".format(e))
        else:
            raise CheckFailed("cluster_node('no-such-host:1234') did not fail")
        return {"id": node["id"], "state": node["state"]}

    def anonymous_write_refused(self):
        anonymous = ResourceManager(service_endpoints=[self.base], timeout=30)
        anonymous.cluster_information()  # reads need no user
        try:
            anonymous.cluster_new_application()
        except APIError as e:
            expect("401" in str(e), "anonymous new-application: expected 401, got {}".format(e))
            return {"status": 401}
        raise CheckFailed("anonymous cluster_new_application() was accepted")

    def new_application(self):
        data = self.rm.cluster_new_application().data
        app_id = data["application-id"]
        expect(
            re.match(r"^application_{}_\d{{4,}}$".format(self.cluster_id), app_id),
            "application-id {!r} does not embed the cluster id {}".format(app_id, self.cluster_id),
        )
        cap = data["maximum-resource-capability"]
        expect(cap["memory"] >= 1408 and cap["vCores"] >= 1, "maximum-resource-capability too small: {!r}".format(cap))
        self.app_a = app_id
        self.max_capability = cap
        return {"id": app_id, "maxMemory": cap["memory"], "maxVCores": cap["vCores"]}

    def submit(self):
        self.submitted_after = int(time.time() * 1000) - 1
        body = spark_submission(self.app_a, self.user, self.run_tag)
        self.app_a_name = body["application-name"]
        data = self.rm.cluster_submit_application(body).data
        r = self.last.response
        expect(r.status_code == 202, "submit answered {} (expected 202)".format(r.status_code))
        expect(data == {}, "submit answered a body: {!r}".format(data))
        location = r.headers.get("Location", "")
        expect(
            location.endswith("/ws/v1/cluster/apps/" + self.app_a),
            "Location {!r} does not point at the app".format(location),
        )
        # The second app: another user, queue, type and tag, so filters have something to leave out.
        self.bob = ResourceManager(service_endpoints=[self.base], auth=SimpleAuth("bob"), timeout=30)
        self.app_b = self.bob.cluster_new_application().data["application-id"]
        self.bob.cluster_submit_application(mapreduce_submission(self.app_b, self.run_tag))
        self.submitted_before = int(time.time() * 1000) + 1
        return {"id": self.app_a, "status": r.status_code, "location": location, "other": self.app_b}

    def application(self):
        app = self.rm.cluster_application(self.app_a).data["app"]
        expect(app["id"] == self.app_a, "id {!r}".format(app["id"]))
        expect(app["user"] == self.user, "user {!r}".format(app["user"]))
        expect(app["name"] == self.app_a_name, "name {!r}".format(app["name"]))
        expect(app["queue"] == "root.spark", "queue {!r} (expected root.spark)".format(app["queue"]))
        expect(app["applicationType"] == "SPARK", "applicationType {!r}".format(app["applicationType"]))
        tags = set(app["applicationTags"].split(","))
        expect(tags == {"loom-e2e", self.run_tag}, "applicationTags {!r}".format(app["applicationTags"]))
        expect(app["state"] in NON_FINAL | FINAL, "state {!r}".format(app["state"]))
        expect(app["finalStatus"] in ("UNDEFINED", "FAILED"), "finalStatus {!r}".format(app["finalStatus"]))
        expect(app["clusterId"] == self.cluster_id, "clusterId {!r} != {}".format(app["clusterId"], self.cluster_id))
        expect(
            self.submitted_after <= app["startedTime"] <= self.submitted_before,
            "startedTime {} not within the submission window [{}, {}]".format(
                app["startedTime"], self.submitted_after, self.submitted_before
            ),
        )
        expect(app["priority"] == 0, "priority {!r}".format(app["priority"]))
        expect(app["unmanagedApplication"] is False, "unmanagedApplication {!r}".format(app["unmanagedApplication"]))
        other = self.rm.cluster_application(self.app_b).data["app"]
        expect(
            other["user"] == "bob" and other["queue"] == "root.default",
            "bob's app: {!r}".format({k: other.get(k) for k in ("user", "queue")}),
        )
        expect(other["applicationType"] == "MAPREDUCE", "bob's applicationType {!r}".format(other["applicationType"]))
        return {k: app[k] for k in ("id", "queue", "state", "applicationType", "applicationTags")}

    def application_state(self):
        state = self.rm.cluster_application_state(self.app_a).data
        expect(set(state) == {"state"}, 'state answer is not {{"state": ...}}: {!r}'.format(state))
        expect(state["state"] in NON_FINAL, "fresh app is already {!r}".format(state["state"]))
        return {"state": state["state"]}

    def application_attempts(self):
        data = self.rm.cluster_application_attempts(self.app_a).data
        attempts = data["appAttempts"]
        expect(isinstance(attempts, dict), "appAttempts is not an object: {!r}".format(data))
        listed = attempts.get("appAttempt", [])
        expect(isinstance(listed, list), "appAttempts.appAttempt is not a list: {!r}".format(listed))
        for a in listed:
            expect(
                a["appAttemptId"].startswith("appattempt_" + self.app_a[len("application_") :]),
                "attempt id {!r}".format(a),
            )
        return {"attempts": len(listed)}

    def application_timeouts(self):
        timeouts = self.rm.cluster_application_timeouts(self.app_a).data["timeouts"]["timeout"]
        expect(isinstance(timeouts, list) and len(timeouts) == 1, "timeouts {!r}".format(timeouts))
        t = timeouts[0]
        expect(
            t["type"] == "LIFETIME" and t["expiryTime"] == "UNLIMITED" and t["remainingTimeInSeconds"] == -1,
            "default LIFETIME timeout {!r}".format(t),
        )
        return {"timeout": t}

    def applications_unfiltered(self):
        listed = self.apps()
        expect(
            self.ours(listed) == sorted([self.app_a, self.app_b]), "both apps not listed: {}".format(self.ours(listed))
        )
        return {"listed": len(listed)}

    def filter_states(self):
        listed = self.apps(states=sorted(NON_FINAL))
        expect(
            all(a["state"] in NON_FINAL for a in listed),
            "states filter returned {}".format({a["state"] for a in listed}),
        )
        expect(self.app_a in self.ours(listed), "states={} misses {}".format(sorted(NON_FINAL), self.app_a))
        finals = self.apps(states=["KILLED", "FINISHED"])
        expect(self.app_a not in self.ours(finals), "states=KILLED,FINISHED lists the live app")
        legacy = self.apps(state=self.rm.cluster_application_state(self.app_a).data["state"])
        expect(self.app_a in self.ours(legacy), "the deprecated 'state' parameter misses the app")
        return {"nonFinal": self.ours(listed), "killedOrFinished": self.ours(finals)}

    def filter_queue(self):
        listed = self.apps(queue="spark")
        expect(
            all(a["queue"] == "root.spark" for a in listed),
            "queue=spark returned {}".format({a["queue"] for a in listed}),
        )
        expect(self.ours(listed) == [self.app_a], "queue=spark: ours {}".format(self.ours(listed)))
        by_path = self.apps(queue="root.default")
        expect(self.ours(by_path) == [self.app_b], "queue=root.default: ours {}".format(self.ours(by_path)))
        try:
            self.apps(queue="no-such-queue")
        except APIError as e:
            expect("400" in str(e) and "Unknown queue: no-such-queue" in str(e), "unknown queue: {}".format(e))
        else:
            raise CheckFailed("queue=no-such-queue was not refused (the RM answers 400 Unknown queue)")
        return {"spark": self.ours(listed), "root.default": self.ours(by_path)}

    def filter_types(self):
        spark = self.apps(application_types=["SPARK"])
        expect(all(a["applicationType"] == "SPARK" for a in spark), "applicationTypes=SPARK returned other types")
        expect(self.ours(spark) == [self.app_a], "applicationTypes=SPARK: ours {}".format(self.ours(spark)))
        both = self.apps(application_types=["spark", "mapreduce"])
        expect(
            self.ours(both) == sorted([self.app_a, self.app_b]),
            "applicationTypes=spark,mapreduce: {}".format(self.ours(both)),
        )
        return {"SPARK": self.ours(spark), "spark,mapreduce": self.ours(both)}

    def filter_tags(self):
        mine = self.apps(application_tags=[self.run_tag])
        expect(self.ours(mine) == [self.app_a], "applicationTags={}: {}".format(self.run_tag, self.ours(mine)))
        expect(all(self.run_tag in a["applicationTags"].split(",") for a in mine), "tag filter returned untagged apps")
        upper = self.apps(application_tags=["LOOM-E2E"])
        expect(self.app_a in self.ours(upper), "applicationTags is case-sensitive (the RM is not)")
        any_of = self.apps(application_tags=["etl-" + self.run_tag, self.run_tag])
        expect(
            self.ours(any_of) == sorted([self.app_a, self.app_b]),
            "tags match any of the list: {}".format(self.ours(any_of)),
        )
        return {"tag": self.ours(mine), "anyOf": self.ours(any_of)}

    def filter_user(self):
        mine = self.apps(user=self.user)
        expect(all(a["user"] == self.user for a in mine), "user filter returned other users")
        expect(self.ours(mine) == [self.app_a], "user={}: {}".format(self.user, self.ours(mine)))
        bobs = self.apps(user="bob")
        expect(self.ours(bobs) == [self.app_b], "user=bob: {}".format(self.ours(bobs)))
        return {self.user: self.ours(mine), "bob": self.ours(bobs)}

    def filter_name(self):
        named = self.apps(name=self.app_a_name)
        expect(self.ours(named) == [self.app_a], "name={!r}: {}".format(self.app_a_name, self.ours(named)))
        return {"name": self.ours(named)}

    def filter_started_time(self):
        window = self.apps(started_time_begin=str(self.submitted_after), started_time_end=str(self.submitted_before))
        expect(
            self.ours(window) == sorted([self.app_a, self.app_b]), "startedTime window: {}".format(self.ours(window))
        )
        before = self.apps(started_time_end=str(self.submitted_after - 1))
        expect(self.ours(before) == [], "startedTimeEnd before the submissions lists {}".format(self.ours(before)))
        return {"window": self.ours(window), "before": self.ours(before)}

    def filter_limit(self):
        listed = self.apps(limit="1")
        expect(len(listed) == 1, "limit=1 returned {} apps".format(len(listed)))
        return {"limit1": [a["id"] for a in listed]}

    def filter_combined(self):
        listed = self.apps(
            states=sorted(NON_FINAL),
            queue="spark",
            application_types=["SPARK"],
            application_tags=[self.run_tag],
            user=self.user,
            limit="10",
            de_selects=["resourceRequests", "timeouts"],
        )
        expect(self.ours(listed) == [self.app_a], "combined filters: {}".format(self.ours(listed)))
        app = [a for a in listed if a["id"] == self.app_a][0]
        expect("timeouts" not in app and "resourceRequests" not in app, "deSelects ignored: {}".format(sorted(app)))
        nobody = self.apps(queue="spark", user="bob")
        expect(self.ours(nobody) == [], "queue=spark&user=bob lists {}".format(self.ours(nobody)))
        return {"combined": self.ours(listed)}

    def filter_invalid(self):
        # The client validates states itself; a raw bad value shows what the server answers.
        try:
            self.rm.request("/ws/v1/cluster/apps", params={"states": "BOGUS"})
        except APIError as e:
            expect("400" in str(e) and "Invalid application-state BOGUS" in str(e), "states=BOGUS: {}".format(e))
            return {"status": 400}
        raise CheckFailed("states=BOGUS was accepted")

    def kill_forbidden(self):
        mallory = ResourceManager(service_endpoints=[self.base], auth=SimpleAuth("mallory"), timeout=30)
        state = self.bob.cluster_application_state(self.app_b).data["state"]
        if state in FINAL:
            # The RM answers a final app's state to anyone without an ACL check; nothing to refuse any more.
            return {"skipped": "bob's app already " + state}
        try:
            mallory.cluster_application_kill(self.app_b)
        except APIError as e:
            expect("403" in str(e), "mallory killing bob's app: expected 403, got {}".format(e))
            expect(
                "Unauthorized attempt to kill appid {} by remote user mallory".format(self.app_b) in str(e),
                "403 text: {}".format(e),
            )
            return {"status": 403}
        raise CheckFailed("mallory was allowed to kill bob's app")

    def move(self):
        # A third app (bob's, queue default) for the updates, so the filter checks above keep their two apps.
        self.app_c = self.bob.cluster_new_application().data["application-id"]
        self.bob.cluster_submit_application(mapreduce_submission(self.app_c, self.run_tag))
        before = self.bob.cluster_get_application_queue(self.app_c).data
        expect(before == {"queue": "root.default"}, "queue before the move: {!r}".format(before))
        try:
            self.rm.cluster_change_application_queue(self.app_c, "spark")
        except APIError as e:
            expect("403" in str(e), "{} moving bob's app: expected 403, got {}".format(self.user, e))
        else:
            raise CheckFailed("{} was allowed to move bob's app".format(self.user))
        moved = self.bob.cluster_change_application_queue(self.app_c, "spark").data
        expect(moved == {"queue": "root.spark"}, "move answered {!r} (the RM answers the full path)".format(moved))
        after = self.rm.cluster_application(self.app_c).data["app"]["queue"]
        expect(after == "root.spark", "app queue after the move: {!r}".format(after))
        return {"id": self.app_c, "from": before["queue"], "to": moved["queue"]}

    def priority(self):
        before = self.bob.cluster_get_application_priority(self.app_c).data
        # A REST submission without "priority": Hadoop 3.4.1 records -1 (Priority.UNDEFINED), Loom 0.
        expect(before in ({"priority": -1}, {"priority": 0}), "priority before: {!r}".format(before))
        listed = self.rm.cluster_application(self.app_c).data["app"]["priority"]
        expect(listed == before["priority"], "/priority says {} but the app says {}".format(before, listed))
        changed = self.bob.cluster_change_application_priority(self.app_c, 5).data
        # The RM clamps silently to yarn.cluster.max-application-priority, whatever that is on this cluster.
        expect(
            isinstance(changed.get("priority"), int) and 0 <= changed["priority"] <= 5, "answered {!r}".format(changed)
        )
        now = self.rm.cluster_application(self.app_c).data["app"]["priority"]
        expect(now == changed["priority"], "app priority {} after the change answered {}".format(now, changed))
        return {"before": before["priority"], "requested": 5, "answered": changed["priority"]}

    def timeout(self):
        default = self.bob.cluster_application_timeout(self.app_c, "LIFETIME").data
        expect(default.get("timeout", {}).get("expiryTime") == "UNLIMITED", "default LIFETIME {!r}".format(default))
        expiry = "2099-12-31T23:59:59.000+0000"
        updated = self.bob.cluster_update_application_timeout(self.app_c, "LIFETIME", expiry).data["timeout"]
        expect(updated["type"] == "LIFETIME" and updated["expiryTime"] == expiry, "answered {!r}".format(updated))
        expect(updated["remainingTimeInSeconds"] > 2_000_000_000, "remainingTimeInSeconds {!r}".format(updated))
        listed = self.rm.cluster_application_timeouts(self.app_c).data["timeouts"]["timeout"]
        expect([t["expiryTime"] for t in listed] == [expiry], "timeouts after the update: {!r}".format(listed))
        return {"expiryTime": expiry, "remainingTimeInSeconds": updated["remainingTimeInSeconds"]}

    def kill(self):
        data = self.rm.cluster_application_kill(self.app_a).data
        status = self.last.response.status_code
        expect(status in (200, 202), "kill answered {}".format(status))
        # The RM answers the state read right after the kill: a YARN state, or an RMAppState on the way out.
        expect(
            data.get("state") in NON_FINAL | IN_KILL | {"KILLED"}, "kill answered state {!r}".format(data.get("state"))
        )
        state, seen = self.wait_state(self.app_a, {"KILLED", "FAILED", "FINISHED"})
        expect(state == "KILLED", "after kill the app is {} (states seen: {})".format(state, seen))
        return {"status": status, "answered": data.get("state"), "statesSeen": seen}

    def killed(self):
        app = self.rm.cluster_application(self.app_a).data["app"]
        expect(app["state"] == "KILLED", "state {!r}".format(app["state"]))
        expect(app["finalStatus"] == "KILLED", "finalStatus {!r}".format(app["finalStatus"]))
        expect(
            "killed by user {}".format(self.user) in app["diagnostics"],
            "diagnostics do not name the killer: {!r}".format(app["diagnostics"]),
        )
        expect(
            app["finishedTime"] >= app["startedTime"] > 0,
            "finishedTime {} startedTime {}".format(app["finishedTime"], app["startedTime"]),
        )
        return {"state": app["state"], "finalStatus": app["finalStatus"], "diagnostics": app["diagnostics"]}

    def kill_again(self):
        data = self.rm.cluster_application_kill(self.app_a).data
        expect(self.last.response.status_code == 200, "second kill answered {}".format(self.last.response.status_code))
        expect(data == {"state": "KILLED"}, "second kill answered {!r}".format(data))
        return {"answered": data["state"]}

    def filters_after_kill(self):
        killed = self.apps(states=["KILLED"])
        expect(self.ours(killed) == [self.app_a], "states=KILLED: {}".format(self.ours(killed)))
        by_status = self.apps(final_status="KILLED")
        expect(self.ours(by_status) == [self.app_a], "finalStatus=KILLED: {}".format(self.ours(by_status)))
        expect(all(a["finalStatus"] == "KILLED" for a in by_status), "finalStatus filter returned other statuses")
        live = self.apps(states=sorted(NON_FINAL), queue="spark")
        expect(self.app_a not in self.ours(live), "the killed app is still listed as live")
        return {"KILLED": self.ours(killed), "finalStatus=KILLED": self.ours(by_status)}

    def statistics(self):
        items = self.rm.cluster_application_statistics(states=["KILLED"], application_types=["SPARK"]).data
        items = items["appStatInfo"]["statItem"]
        expect(isinstance(items, list) and len(items) == 1, "statItem {!r}".format(items))
        item = items[0]
        expect(item["state"] == "KILLED" and item["type"].lower() == "spark", "statItem {!r}".format(item))
        expect(item["count"] >= 1, "no KILLED SPARK app counted: {!r}".format(item))
        every = self.rm.cluster_application_statistics().data["appStatInfo"]["statItem"]
        expect(
            {i["state"] for i in every} >= {"KILLED", "ACCEPTED", "RUNNING"}, "unfiltered statItems {!r}".format(every)
        )
        expect(all(i["type"] == "*" for i in every), "unfiltered statItems are not type '*'")
        return {"KILLED/spark": item["count"]}

    def cluster_metrics_after(self):
        m = self.rm.cluster_metrics().data["clusterMetrics"]
        b = self.metrics_before
        expect(
            m["appsSubmitted"] >= b["appsSubmitted"] + 3,
            "appsSubmitted {} -> {}".format(b["appsSubmitted"], m["appsSubmitted"]),
        )
        expect(m["appsKilled"] >= b["appsKilled"] + 1, "appsKilled {} -> {}".format(b["appsKilled"], m["appsKilled"]))
        # Hadoop's appsCompleted counts FINISHED apps only (QueueMetrics.finishApp: KILLED and FAILED have their own
        # counters), so a kill must not lower it; nothing here finishes successfully.
        expect(
            m["appsCompleted"] >= b["appsCompleted"],
            "appsCompleted {} -> {}".format(b["appsCompleted"], m["appsCompleted"]),
        )
        return {k: m[k] for k in ("appsSubmitted", "appsCompleted", "appsKilled", "appsPending")}

    def cleanup(self):
        answered = {}
        for app_id in (self.app_b, self.app_c):
            answered[app_id] = self.bob.cluster_application_kill(app_id).data.get("state")
        return {"killed": answered}

    # -- client calls the gateway may not serve yet -------------------------------------------------------------

    def gaps(self):
        rm, a = self.rm, self.app_a
        spark = rm.cluster_scheduler_queue("spark")
        self.probe("cluster_queue_partition('spark', '')", lambda: rm.cluster_queue_partition(spark, ""))
        attempts = rm.cluster_application_attempts(a).data["appAttempts"].get("appAttempt", [])
        attempt = attempts[0]["appAttemptId"] if attempts else "appattempt_" + a[len("application_") :] + "_000001"
        self.probe("cluster_application_attempt_info", lambda: rm.cluster_application_attempt_info(a, attempt).data)
        self.probe(
            "cluster_application_attempt_containers", lambda: rm.cluster_application_attempt_containers(a, attempt).data
        )
        self.probe("cluster_reservations", lambda: rm.cluster_reservations(queue="spark").data)
        self.probe("cluster_scheduler_conf_mutation", lambda: rm.cluster_scheduler_conf_mutation().data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="ResourceManager web address, e.g. http://127.0.0.1:8088")
    parser.add_argument("--user", default="alice", help="the user SimpleAuth authenticates as (default alice)")
    parser.add_argument("--trace", help="write every HTTP exchange as a JSON line to this file")
    parser.add_argument("--min-nodes", type=int, default=1, help="nodes the cluster must report (default 1)")
    parser.add_argument("--probe-gaps", action="store_true", help="also try client calls that may be unsupported")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    trace = Trace(args.trace)
    trace.install()
    Run(base, args.user, trace, args.probe_gaps, args.min_nodes).main()
    emit({"check": "done", "ok": True, "requests": len(trace.exchanges)})


if __name__ == "__main__":
    main()
