"""A task of a step without a step clock is listed to its county's staff, and only to them.

The task lists find a county's open tasks from its open step clocks and from the open tasks of
the steps that have none (``workflows.worklist.open_task_candidates``); the case's stop order is
such a step (CaseFlow.step_limits does not limit it; the party's periods are case clocks).
"""

from __future__ import annotations

from typing import Any

import pytest
from viewflow.workflow.status import STATUS

from illegal_building.models import Case
from illegal_building.services import case_report
from workflows import taskapi
from workflows.models import County, User
from workflows.sla.models import Clock
from workflows.worklist import open_task_candidates

from .helpers import Driver, open_task

pytestmark = pytest.mark.django_db


def listed(d: Driver, username: str) -> set[int]:
    response = d.client(username).get("/api/tasks/", {"page_size": 100})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_a_task_without_a_step_clock_is_listed_to_its_county_only(reported: Driver, demo_users: dict[str, Any]) -> None:
    d = reported
    d.verify()
    d.step("squadlead", "approve_filing", {"approve": "yes", "comment": "同意立案"})
    stop_order = open_task(d.case, "stop_order")
    assert stop_order.status == STATUS.NEW
    assert not Clock.objects.filter(task=stop_order).exists()  # no step clock: found by its step
    foreign = case_report(
        acting_user=demo_users["patrol"],
        county=County.objects.get(name="鲁甸县"),
        source=Case.Source.PATROL,
        address="鲁甸县文屏镇8号",
        description="院内搭建",
    )
    foreign_verify = open_task(foreign, "verify")

    officer = User.objects.get(username="officer")
    officer.has_perm("workflows.view_county")  # the request's access read
    assert open_task_candidates(officer, taskapi.registered_flows()) is not None  # the clocks' path
    seen = listed(d, "officer")
    assert stop_order.pk in seen
    assert foreign_verify.pk not in seen
    assert stop_order.pk not in listed(d, "reviewer_ludian")
