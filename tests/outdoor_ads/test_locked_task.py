"""``locked_task`` locks and reads in one statement; a step that waited reads the winner's rows.

The lock and the task's re-read are one ``SELECT … FOR NO KEY UPDATE OF`` (the flow's process
row, viewflow's process row, the task). Under READ COMMITTED only locked rows are re-read after a
wait, so this checks on two real connections that the waiting step sees what the first one
committed in the task, in viewflow's process row and in the flow's process row.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitProcess
from outdoor_ads.services import application_submit
from workflows.flowviews import locked_task
from workflows.models import County

from .support import open_task

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def task(demo_users: dict[str, Any]) -> Task:
    application = application_submit(
        acting_user=demo_users["applicant"],
        county=County.objects.get(name="昭阳区"),
        facility_type="wall_sign",
        address="珠泉路88号",
    )
    return open_task(application, PermitFlow.accept)


def test_the_lock_and_the_read_are_one_statement_in_lock_order(task):
    with transaction.atomic(), CaptureQueriesContext(connection) as captured, locked_task(task, savepoint=False) as t:
        assert t.pk == task.pk and t.process.coerced.application_id is not None
    statements = [q["sql"] for q in captured]
    assert len(statements) == 1
    assert statements[0].endswith(
        'FOR NO KEY UPDATE OF "outdoor_ads_permitprocess", "viewflow_process", "viewflow_task"'
    )


def test_a_step_that_waited_reads_what_the_first_one_committed(task):
    locked, go, seen = threading.Event(), threading.Event(), {}

    def first() -> None:
        try:
            with transaction.atomic(), locked_task(task.pk, savepoint=False):
                Task.objects.filter(pk=task.pk).update(status=STATUS.CANCELED)
                Process.objects.filter(pk=task.process_id).update(data={"by": "first"})
                PermitProcess.objects.filter(pk=task.process_id).update(acceptance="accept")
                locked.set()
                go.wait(10)
        finally:
            connection.close()

    def second() -> None:
        try:
            with transaction.atomic(), locked_task(task.pk, savepoint=False) as t:
                seen.update(status=t.status, data=t.process.data, acceptance=t.process.coerced.acceptance)
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert locked.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive()  # waits for the first one's lock
    go.set()
    one.join(10)
    two.join(10)
    assert seen == {"status": STATUS.CANCELED, "data": {"by": "first"}, "acceptance": "accept"}
