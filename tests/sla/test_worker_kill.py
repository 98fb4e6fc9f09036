"""A real Celery worker SIGKILLed in the middle of firing; the next sweep catches up exactly once.

The worker runs against the suite's PostgreSQL and Redis with ``tests.sla.worker_settings``,
which fires in batches of two and adds a hook that stops it inside the transaction of the second
red batch (its Firing rows inserted, not committed). The whole worker is then killed like a machine
losing power.
"""

from __future__ import annotations

import datetime as dt
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
from viewflow.workflow.models import Task

from workflows import clock
from workflows.models import County, ServiceHeartbeat
from workflows.sla.examples import SlaDrillFlow
from workflows.sla.models import Clock, Delivery, Escalation, Firing, Notification

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
CLOCKS = 8
BATCH = 2  # tests.sla.worker_settings.XIUHUA_SLA_SWEEP_BATCH
HOLD_AFTER = 2  # the batch the worker is killed in
COMMITTED = BATCH * (HOLD_AFTER - 1)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.sla.worker_settings",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "XIUHUA_TEST_HOLD_FILE": str(tmp_path / "hold"),
        "XIUHUA_TEST_HOLD_AFTER": str(HOLD_AFTER),
    }


@pytest.fixture
def workers(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    purge = [CELERY, "-A", "approvals", "purge", "-f"]
    subprocess.run(purge, cwd=ROOT, env=worker_env, check=True, capture_output=True)

    def start() -> subprocess.Popen[bytes]:
        log = open(tmp_path / f"worker-{len(started)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [CELERY, "-A", "approvals", "worker", "--concurrency=1", "--pool=prefork", "--loglevel=INFO",
             "-n", f"slakill-{uuid.uuid4().hex[:6]}@%h"],
            cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def send_sweep(env: dict[str, str]) -> None:
    """What beat does every minute: put one sweep on the broker."""
    code = "import django; django.setup(); from workflows.tasks import sweep; sweep.delay()"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def swept(times: int) -> Callable[[], bool]:
    def check() -> bool:
        beat = ServiceHeartbeat.objects.filter(name="sweep").first()
        return beat is not None and beat.count >= times

    return check


def other_open_transactions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%%'"
        )
        return int(cursor.fetchone()[0])


def test_a_worker_killed_mid_sweep_is_caught_up_by_the_next_sweep_exactly_once(
    workers: Callable[[], subprocess.Popen[bytes]], worker_env: dict[str, str]
) -> None:
    from workflows.demo import seed_accounts
    from workflows.management.commands.sync_roles import sync_roles

    sync_roles()
    users = {u.username: u for u in seed_accounts()}
    reviewer, chief = users["reviewer"], users["chief"]
    county = County.objects.get(name="昭阳区")
    # The worker lives in real time: these five-working-day steps began six weeks ago.
    with clock.travel(clock.now() - dt.timedelta(days=42)):
        processes = [SlaDrillFlow.start.run(county_id=county.pk, label=f"kill-{n}") for n in range(CLOCKS)]
    for task in Task.objects.filter(process__in=processes, flow_task=SlaDrillFlow.review):
        task.owner = reviewer
        task.save()
    clocks = list(Clock.objects.filter(task__process__in=processes))
    assert len(clocks) == CLOCKS and all(c.light == "red" for c in clocks)

    hold = Path(worker_env["XIUHUA_TEST_HOLD_FILE"])
    hold.write_text("hold")
    first = workers()
    send_sweep(worker_env)
    wait_for(Path(f"{hold}.held").exists, 120, "the sweep to reach its second red batch")

    # Mid-sweep: the first batch committed with all its side effects, the second one in flight.
    assert Firing.objects.filter(level="red").count() == COMMITTED
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    wait_for(lambda: other_open_transactions() == 0, 60, "PostgreSQL to roll back the killed transaction")

    fired_before = set(Firing.objects.filter(level="red").values_list("clock_id", flat=True))
    assert len(fired_before) == COMMITTED
    assert Notification.objects.filter(level="danger").count() == 2 * COMMITTED
    assert Escalation.objects.count() == COMMITTED
    assert not ServiceHeartbeat.objects.filter(name="sweep").exists()  # the sweep never finished

    # The machine comes back; beat's next sweeps catch up.
    hold.unlink()
    workers()
    send_sweep(worker_env)
    wait_for(swept(1), 120, "the next sweep to finish")
    send_sweep(worker_env)
    wait_for(swept(2), 120, "one more sweep to finish")

    for item in clocks:
        assert list(Firing.objects.filter(clock=item).order_by("id").values_list("level", "skipped")) == [
            ("yellow", True),
            ("red", False),
        ]
        assert Escalation.objects.filter(clock=item, role="chief", county=county).count() == 1
    # Each clock told its holder and the chief once.
    assert Notification.objects.filter(recipient=reviewer, level="danger").count() == CLOCKS
    assert Notification.objects.filter(recipient=chief, level="danger").count() == CLOCKS
    assert not Notification.objects.filter(level="danger").exclude(recipient__in=[reviewer, chief]).exists()
    # Every e-mail and SMS row of those notifications was sent after the crash.
    assert Delivery.objects.filter(notification__level="danger").count() >= 2 * CLOCKS
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()
