"""A real Celery worker and beat against the suite's Redis and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from workflows.models import ServiceHeartbeat, WorkerProbe

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def service_env() -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "approvals.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "XIUHUA_SWEEP_SECONDS": "1",
    }


@pytest.fixture
def start(service_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    purge = [CELERY, "-A", "approvals", "purge", "-f"]
    subprocess.run(purge, cwd=ROOT, env=service_env, check=True, capture_output=True)

    def run(*args: str) -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"{args[0]}-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [CELERY, "-A", "approvals", *args, "--loglevel=INFO"],
            cwd=ROOT, env=service_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        started.append(proc)
        return proc

    yield run
    for proc in started:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def test_beat_schedules_the_sweep_and_the_worker_runs_it(start):
    start("worker", "--concurrency=1", "--pool=prefork", "-n", f"sweep-{uuid.uuid4().hex[:6]}@%h")
    start("beat", "--pidfile=", "--schedule=/tmp/xiuhua-unused-schedule")

    def swept_twice() -> bool:
        beat = ServiceHeartbeat.objects.filter(name="sweep").first()
        return beat is not None and beat.count >= 2

    wait_for(swept_twice, 90, "two sweeps scheduled by beat and run by the worker")


def test_a_task_survives_its_worker_process_being_killed(start, service_env):
    worker = start("worker", "--concurrency=1", "--pool=prefork", "-n", f"kill-{uuid.uuid4().hex[:6]}@%h")
    token = uuid.uuid4().hex
    send = (
        "import django; django.setup();"
        f"from workflows.tasks import probe; probe.delay('{token}', hold_seconds=4)"
    )
    subprocess.run([sys.executable, "-c", send], cwd=ROOT, env=service_env, check=True)

    def started_once() -> bool:
        row = WorkerProbe.objects.filter(token=token).first()
        return row is not None and row.attempts == 1 and row.started_at is not None

    wait_for(started_once, 60, "the worker to start the task")
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert children, "the prefork worker has no pool process"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)

    def finished() -> bool:
        row = WorkerProbe.objects.filter(token=token).first()
        return row is not None and row.finished_at is not None

    wait_for(finished, 60, "the redelivered task to finish")
    row = WorkerProbe.objects.get(token=token)
    assert row.attempts == 2  # killed once, redelivered once, finished once
