"""Print one application, its attempts and each attempt's report as the real yarn-api-client reads them, as one JSON line.

usage: app_report.py BASE_URL USER APPLICATION_ID
"""
import json
import sys

from yarn_api_client.auth import SimpleAuth
from yarn_api_client.resource_manager import ResourceManager


def main():
    base, user, app_id = sys.argv[1], sys.argv[2], sys.argv[3]
    rm = ResourceManager(service_endpoints=[base], auth=SimpleAuth(user))
    app = rm.cluster_application(app_id).data["app"]
    listed = rm.cluster_application_attempts(app_id).data["appAttempts"]
    listed = listed.get("appAttempt", []) if listed else []
    # The list has no diagnostics (as in the RM); each attempt's own report does.
    details = [rm.cluster_application_attempt_info(app_id, a["appAttemptId"]).data for a in listed]
    print(json.dumps({"app": app, "attempts": listed, "details": details}))


if __name__ == "__main__":
    main()
