"""One OS process of the concurrency test: apply for permits and take each through every step.

Run by tests/workflows/test_concurrent_processes.py as
``python -m tests.workflows.lifecycle_worker <count> <ready-file> <go-file>`` with DATABASE_URL
naming the test database; prints a JSON report on stdout.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import django


def main(count: int, ready: Path, go: Path) -> dict[str, Any]:
    django.setup()
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    from outdoor_ads.flows import PermitFlow
    from outdoor_ads.models import PermitApplication
    from tests.outdoor_ads.support import WALL_SIGN_MATERIALS, application_data, open_task, pdf_upload
    from workflows.models import User

    setup_test_environment()
    clients = {}
    for username in ("applicant", "clerk", "reviewer", "reviewer2", "chief"):
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        clients[username] = client
    steps = [
        ("clerk", PermitFlow.accept, {"decision": "accept"}),
        ("reviewer", PermitFlow.review, {"decision": "recommend_grant", "comment": "材料齐全，符合设置规划"}),
        ("reviewer2", PermitFlow.countersign, {"decision": "agree"}),
        ("chief", PermitFlow.decide, {"decision": "grant", "comment": "符合设置管理办法"}),
        ("clerk", PermitFlow.deliver, {"decision": "online"}),
    ]
    report: dict[str, Any] = {"applications": [], "failures": []}
    ready.touch()
    while not go.exists():
        time.sleep(0.05)
    for _ in range(count):
        data = application_data(facility_type="wall_sign")
        for code in WALL_SIGN_MATERIALS:
            data[f"material_{code}"] = pdf_upload(f"{code}.pdf")
        response = clients["applicant"].post("/api/permits/", data, format="multipart")
        if response.status_code != 201:
            report["failures"].append(["apply", response.status_code, response.content.decode()[:500]])
            continue
        application = PermitApplication.objects.get(pk=response.json()["id"])
        report["applications"].append(application.pk)
        for username, node, body in steps:
            task = open_task(application, node)
            response = clients[username].post(f"/api/tasks/{task.pk}/complete/", body, format="json")
            if response.status_code != 200:
                report["failures"].append([node.name, response.status_code, response.content.decode()[:500]])
                break
    return report


if __name__ == "__main__":
    try:
        result = main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    except Exception:
        result = {"applications": [], "failures": [["crash", 0, traceback.format_exc()]]}
    print("REPORT " + json.dumps(result))
