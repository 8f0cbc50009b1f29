"""`make demo`: submit Flink jobs the way a batch platform does, through the real yarn-api-client (PyPI).

usage: submit_flink.py RM_URL USER COUNT PARALLELISM SLOTS DURATION

Prints one application id per line.
"""
import sys

from yarn_api_client.auth import SimpleAuth
from yarn_api_client.resource_manager import ResourceManager


def main():
    base, user, count, parallelism, slots, duration = sys.argv[1:7]
    rm = ResourceManager(service_endpoints=[base], auth=SimpleAuth(user))
    for i in range(int(count)):
        app_id = rm.cluster_new_application().data["application-id"]
        rm.cluster_submit_application({
            "application-id": app_id,
            "application-name": f"demo-flink-sessionize-{i}",
            "queue": "flink",
            "application-type": "Apache Flink",
            "application-tags": {"tag": ["demo", f"sim.loom.dev/duration={duration}"]},
            "resource": {"memory": 1600, "vCores": 1},
            "am-container-spec": {
                "commands": {
                    "command": "$JAVA_HOME/bin/java org.apache.flink.yarn.entrypoint.YarnApplicationClusterEntryPoint "
                    f"-D parallelism.default={parallelism} -D taskmanager.numberOfTaskSlots={slots} "
                    "-D taskmanager.memory.process.size=4g 1> <LOG_DIR>/jobmanager.out 2> <LOG_DIR>/jobmanager.err"
                }
            },
        })
        print(app_id, flush=True)


if __name__ == "__main__":
    main()
