"""A flow declares "this step: N working days, escalate to the chief" in one line; the engine does the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from viewflow.workflow.models import Task

from workflows import clock
from workflows.models import County
from workflows.sla.examples import SlaDrillFlow
from workflows.sla.flow import StepLimit, step_rule_code
from workflows.sla.models import Clock, ClockRule

from .helpers import at

pytestmark = pytest.mark.django_db


def test_step_limit_rule_is_registered_from_the_flow_declaration(demo_users: dict) -> None:
    code = step_rule_code(SlaDrillFlow, "review")
    assert code == "workflows.SlaDrillFlow.review"
    assert SlaDrillFlow.step_limits["review"] == StepLimit(working_days=5, escalate_to="chief")


def test_task_creation_starts_and_completion_stops_the_step_clock(demo_users: dict) -> None:
    county = County.objects.get(name="昭阳区")
    reviewer = demo_users["reviewer"]
    with clock.travel(at(2026, 9, 29)):  # Tuesday
        process = SlaDrillFlow.start.run(county_id=county.pk, label="drill")
    task = Task.objects.get(process=process, flow_task=SlaDrillFlow.review)
    item = Clock.objects.get(task=task)
    assert item.county == county
    assert item.rule == ClockRule.objects.get(code="workflows.SlaDrillFlow.review")
    assert item.rule.escalate_to == "chief"
    assert item.step_code == "review"
    # 30 Sept, then 8, 9, Sat 10 and 12 Oct: the 5th working day is 12 October.
    assert item.due_date == dt.date(2026, 10, 12)
    assert item.assignee is None

    task.owner = reviewer
    task.save()
    item.refresh_from_db()
    assert item.assignee == reviewer

    with clock.travel(at(2026, 10, 9)):
        SlaDrillFlow.review.run(task)
    item.refresh_from_db()
    assert item.stopped_on == dt.date(2026, 10, 9)
    assert item.days_used == 3
    assert Clock.objects.filter(task=task).count() == 1
