"""The recompute job on a real Celery worker: the admin saves 2027 over HTTP, the worker moves the clock.

Nothing here runs the job in the test process: the admin request commits, its on-commit hook
puts the job on Redis, and a worker subprocess (the suite's PostgreSQL, fresh calendar cache)
takes it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable

import pytest
from django.test import Client

from workflows.models import AuditEntry, County
from workflows.sla import services
from workflows.sla.models import Clock, HolidaySchedule, Notification

from .test_recompute import SCHEDULE_2027
from .test_worker_kill import wait_for, worker_env, workers  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]
D = dt.date


def test_a_real_worker_runs_the_job_the_admin_queued(
    workers: Callable[[], subprocess.Popen[bytes]],  # noqa: F811  (the fixture imported above)
) -> None:
    from workflows.demo import seed_accounts
    from workflows.management.commands.sync_roles import sync_roles

    sync_roles()
    users = {u.username: u for u in seed_accounts()}
    county = County.objects.get(name="昭阳区")
    item = services.clock_start(
        subject=county, rule="drill.overall", county=county, assignee=users["reviewer"], start=D(2026, 12, 21)
    )
    assert item.provisional and item.due_date == D(2027, 1, 8)

    workers()
    admin = Client()
    admin.force_login(users["admin"])
    response = admin.post("/admin/sla/holidayschedule/add/", SCHEDULE_2027)
    assert response.status_code == 302, response.content.decode()[:2000]

    wait_for(lambda: Clock.objects.get(pk=item.pk).due_date == D(2027, 1, 11), 120, "the worker to move the clock")
    wait_for(lambda: HolidaySchedule.objects.get(year=2027).recomputed_at is not None, 60, "the job to finish")
    item.refresh_from_db()
    assert not item.provisional
    assert AuditEntry.objects.filter(action="sla.clock_recompute").count() == 1
    told = Notification.objects.filter(recipient=users["reviewer"], title__startswith="到期日变更")
    assert told.count() == 1 and "2027-01-11" in told.get().body
