"""Submit a Spark-shaped and a Flink-shaped application, and a Spark one whose driver fails, through yarn-api-client,
as a batch platform would, and wait for each to end. Prints one JSON line per event; exits non-zero on the first failure.

usage: run_apps.py BASE_URL USER TIMEOUT_SECONDS
"""
import json
import sys
import time

from yarn_api_client.auth import SimpleAuth
from yarn_api_client.resource_manager import ResourceManager


def say(**kv):
    print(json.dumps(kv), flush=True)


def main():
    base, user, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rm = ResourceManager(service_endpoints=[base], auth=SimpleAuth(user))
    apps = {
        "spark": {
            "application-name": "e2e-spark-pi",
            "queue": "spark",
            "application-type": "SPARK",
            "application-tags": {"tag": ["e2e", "sim.loom.dev/duration=8s"]},
            "resource": {"memory": 1408, "vCores": 1},
            "am-container-spec": {
                "environment": {"entry": [{"key": "SPARK_USER", "value": user}]},
                "commands": {
                    "command": "{{JAVA_HOME}}/bin/java -Dspark.executor.instances=2 -Dspark.executor.memory=1g "
                    "org.apache.spark.deploy.yarn.ApplicationMaster --class org.apache.spark.examples.SparkPi "
                    "--jar __app__.jar 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"
                },
            },
        },
        # A driver that exits 1 on each of its two allowed attempts.
        "spark-failing": {
            "application-name": "e2e-spark-failing",
            "queue": "spark",
            "application-type": "SPARK",
            "max-app-attempts": 2,
            "application-tags": {"tag": ["e2e", "sim.loom.dev/duration=2s", "sim.loom.dev/exit-code=1"]},
            "resource": {"memory": 1408, "vCores": 1},
            "am-container-spec": {
                "commands": {
                    "command": "{{JAVA_HOME}}/bin/java -Dspark.executor.instances=1 "
                    "org.apache.spark.deploy.yarn.ApplicationMaster --class org.example.Broken --jar __app__.jar"
                },
            },
        },
        "flink": {
            "application-name": "e2e-flink-wordcount",
            "queue": "flink",
            "application-type": "Apache Flink",
            "application-tags": {"tag": ["e2e", "sim.loom.dev/duration=8s"]},
            "resource": {"memory": 1600, "vCores": 1},
            "am-container-spec": {
                "commands": {
                    "command": "$JAVA_HOME/bin/java org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint "
                    "-D parallelism.default=4 -D taskmanager.numberOfTaskSlots=2 -D taskmanager.memory.process.size=2g "
                    "1> <LOG_DIR>/jobmanager.out 2> <LOG_DIR>/jobmanager.err"
                }
            },
        },
    }
    ids = {}
    for kind, body in apps.items():
        app_id = rm.cluster_new_application().data["application-id"]
        # The client raises APIError unless the answer is 200 or 202, so returning is success.
        rm.cluster_submit_application(dict(body, **{"application-id": app_id}))
        ids[kind] = app_id
        say(event="submitted", kind=kind, id=app_id)
    deadline = time.time() + timeout
    pending = dict(ids)
    # The most live containers each app showed while RUNNING: its AM plus the executors/TaskManagers it started.
    seen = {kind: 0 for kind in ids}
    while pending and time.time() < deadline:
        for kind, app_id in list(pending.items()):
            state = rm.cluster_application_state(app_id).data["state"]
            if state == "RUNNING":
                attempts = rm.cluster_application_attempts(app_id).data["appAttempts"]["appAttempt"]
                listed = rm.cluster_application_attempt_containers(app_id, attempts[-1]["appAttemptId"]).data
                containers = (listed.get("container") or []) if isinstance(listed, dict) else []
                seen[kind] = max(seen[kind], len(containers))
            if state in ("FINISHED", "FAILED", "KILLED"):
                app = rm.cluster_application(app_id).data["app"]
                attempts = rm.cluster_application_attempts(app_id).data["appAttempts"]["appAttempt"]
                say(event="final", kind=kind, id=app_id, state=state, finalStatus=app["finalStatus"],
                    memorySeconds=app["memorySeconds"], vcoreSeconds=app["vcoreSeconds"],
                    attempts=[a["appAttemptState"] for a in attempts], amContainerLogs=app.get("amContainerLogs", ""),
                    containersSeen=seen[kind])
                del pending[kind]
        time.sleep(0.5)
    if pending:
        raise SystemExit(f"not finished within {timeout}s: {pending}")
    say(event="done")


if __name__ == "__main__":
    main()
