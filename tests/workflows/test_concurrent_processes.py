"""Two OS processes take different permits from application to delivery at the same time.

Before the audit trail lost its global lock, two engine processes deadlocked on it (the audit
head against the county numbering row) and lost lifecycles to "deadlock detected".
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from outdoor_ads.models import PermitApplication
from workflows import audit
from workflows.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 2
LIFECYCLES = 3


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def test_two_processes_complete_different_permits_without_deadlock_or_error(demo_users, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "approvals.settings.test",
        "DATABASE_URL": database_url(),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    go = tmp_path / "go"
    workers = []
    for n in range(PROCESSES):
        ready = tmp_path / f"ready{n}"
        command = [sys.executable, "-m", "tests.workflows.lifecycle_worker", str(LIFECYCLES), str(ready), str(go)]
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        workers.append((ready, proc))
    deadline = time.monotonic() + 180
    while not all(ready.exists() for ready, _ in workers):
        assert all(proc.poll() is None for _, proc in workers), [proc.communicate() for _, proc in workers]
        assert time.monotonic() < deadline, "workers did not start"
        time.sleep(0.1)
    go.touch()  # both start their lifecycles at the same moment
    reports = []
    for _, proc in workers:
        out, err = proc.communicate(timeout=900)
        assert proc.returncode == 0, err[-3000:]
        line = next(line for line in out.splitlines() if line.startswith("REPORT "))
        reports.append(json.loads(line[len("REPORT "):]))
        assert "deadlock detected" not in err, err[-3000:]
    failures = [failure for report in reports for failure in report["failures"]]
    assert failures == []
    ids = [pk for report in reports for pk in report["applications"]]
    assert len(ids) == PROCESSES * LIFECYCLES
    statuses = set(PermitApplication.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {PermitApplication.Status.DELIVERED}
    # Numbers stayed consecutive under contention, and the audit trail chains every row.
    for kind in IssuedDocument.objects.values_list("kind", flat=True).distinct():
        sequences = sorted(IssuedDocument.objects.filter(kind=kind).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1)), kind
    audit.seal_pending()
    report = audit.verify_chain()
    assert report.ok, report
