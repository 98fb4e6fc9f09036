"""A real Celery worker renders a committed document's PDF; the web download then serves it."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from workflows.documents.models import IssuedDocument

from .conftest import issue_sample

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "approvals.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the worker writes where the web reads
    }
    subprocess.run([CELERY, "-A", "approvals", "purge", "-f"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [CELERY, "-A", "approvals", "worker", "--concurrency=1", "--pool=prefork", "--loglevel=INFO",
         "-n", f"docs-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    log.close()


def test_the_worker_renders_after_commit_and_the_download_serves_it(
    worker, application, zhaoyang, demo_users, client_as, tmp_path
):
    # Autocommit: issuing commits at once, and its on-commit hook queues the render on Redis.
    document = issue_sample("ad_permit", subject=application, county=zhaoyang, demo_users=demo_users, render=False)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        document.refresh_from_db()
        if document.is_ready:
            break
        time.sleep(0.3)
    assert document.is_ready, (tmp_path / "worker.log").read_text()[-3000:]
    response = client_as("applicant").get(document.get_download_url())
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and hashlib.sha256(body).hexdigest() == document.sha256
    assert IssuedDocument.objects.get(pk=document.pk).render_attempts == 1
