"""Red escalates a step to the chief's queue: the chief takes the task over and acts on it over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import clock, tasks
from workflows.models import AuditEntry, County, User
from workflows.sla.examples import SlaListOnlyDrillFlow, SlaTakeOverDrillFlow
from workflows.sla.models import Clock, Escalation, Notification
from workflows.sla.services import TAKE_OVER_NOT_ALLOWED

from . import takeover_urls  # noqa: F401  (mounts the drills' task views, so tasks can reverse their URLs)
from .helpers import at

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.sla.takeover_urls")]


def held_step(flow_class: type, holder: User) -> tuple[Task, Clock]:
    county = County.objects.get(name="昭阳区")
    with clock.travel(at(2026, 9, 29)):  # five working days: due Mon 12 October
        process = flow_class.start.run(county_id=county.pk)  # type: ignore[attr-defined]
        task = Task.objects.get(process=process, flow_task=flow_class.decide)  # type: ignore[attr-defined]
        task.flow_task.activation_class(task).assign(holder)
    return task, Clock.objects.get(task=task)


def test_the_chief_takes_an_overdue_step_over_and_completes_it(
    demo_users: dict, client_as: Callable[[str], Client]
) -> None:
    reviewer, chief = demo_users["reviewer"], demo_users["chief"]
    task, item = held_step(SlaTakeOverDrillFlow, reviewer)
    execute_url = task.reverse("execute")
    chief_client, reviewer_client = client_as("chief"), client_as("reviewer")

    with clock.travel(at(2026, 10, 9)):  # yellow: not escalated yet, the chief cannot act
        tasks.sweep()
        assert chief_client.get(execute_url).status_code == 403
        assert not Escalation.objects.exists()

    with clock.travel(at(2026, 10, 13)):
        tasks.sweep()
        escalation = Escalation.objects.get(clock=item)
        listing = chief_client.get("/sla/escalations/").content.decode()
        assert f'data-clock="{item.pk}"' in listing and 'data-testid="take-over"' in listing
        take_over_url = f"/sla/escalations/{escalation.pk}/take-over/"

        # Somebody the item was not escalated to gets a 404 and changes nothing.
        assert reviewer_client.post(take_over_url).status_code == 404
        assert client_as("reviewer_ludian").post(take_over_url).status_code == 404
        task.refresh_from_db()
        assert task.owner == reviewer

        response = chief_client.post(take_over_url, follow=True)
        assert response.status_code == 200
        assert "任务已分配给您" in response.content.decode()

    task.refresh_from_db()
    item.refresh_from_db()
    assert (task.owner, task.status) == (chief, STATUS.ASSIGNED)
    assert item.assignee == chief and item.stopped_at is None  # the missed limit stays missed
    entry = AuditEntry.objects.get(action="sla.escalation_take_over")
    assert entry.actor == chief and entry.data["previous_holder"] == reviewer.pk
    assert Notification.objects.filter(recipient=reviewer, title__startswith="已被接管").count() == 1

    # The task is in the chief's viewflow inbox; the reviewer can no longer act on it.
    inbox = Task.objects.inbox([SlaTakeOverDrillFlow], chief)
    assert list(inbox.values_list("pk", flat=True)) == [task.pk]
    assert reviewer_client.get(execute_url).status_code == 403

    with clock.travel(at(2026, 10, 14)):
        assert chief_client.get(execute_url).status_code == 200
        done = chief_client.post(execute_url, {"_continue": ""})
        assert done.status_code == 302
    task.refresh_from_db()
    item.refresh_from_db()
    assert task.status == STATUS.DONE and task.owner == chief
    assert item.stopped_on is not None
    assert f'data-clock="{item.pk}"' not in chief_client.get("/sla/escalations/").content.decode()


def test_a_list_only_step_is_escalated_but_cannot_be_taken_over(
    demo_users: dict, client_as: Callable[[str], Client]
) -> None:
    reviewer = demo_users["reviewer"]
    task, item = held_step(SlaListOnlyDrillFlow, reviewer)
    chief_client = client_as("chief")
    with clock.travel(at(2026, 10, 13)):
        tasks.sweep()
        escalation = Escalation.objects.get(clock=item)
        listing = chief_client.get("/sla/escalations/").content.decode()
        assert f'data-clock="{item.pk}"' in listing and 'data-testid="take-over"' not in listing
        response = chief_client.post(f"/sla/escalations/{escalation.pk}/take-over/", follow=True)
    assert response.status_code == 200
    assert str(TAKE_OVER_NOT_ALLOWED) in response.content.decode()
    task.refresh_from_db()
    assert task.owner == reviewer
    assert not AuditEntry.objects.filter(action="sla.escalation_take_over").exists()
