"""The task lists find a county's open tasks from its open step clocks, and lose none.

A county's staff see the tasks whose subject is in their county. The queue, the inbox's menu
counts and ``GET /api/tasks/`` look for them among the county's open step clocks
(``workflows.worklist.open_task_candidates``) and among the open tasks of the steps that have no
step clock (tests/illegal_building/test_worklist_scope.py); a person with an exception on one object
gets the predicate alone. What each list shows is the visibility predicate's answer, no more, no less.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from illegal_building.models import Case
from illegal_building.services import case_report
from outdoor_ads.flows import PermitFlow
from outdoor_ads.services import application_submit
from workflows import taskapi
from workflows.flowviews import queue_tasks
from workflows.jurisdiction import grant_exception
from workflows.models import County, User
from workflows.sla.models import Clock
from workflows.worklist import open_task_candidates

from .support import open_task, web_act

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def submit(users: dict[str, Any], address: str, county: str = "昭阳区") -> Any:
    county_row = County.objects.get(name=county)
    return application_submit(
        acting_user=users["applicant"], county=county_row, facility_type="wall_sign", address=address
    )


def api_task_ids(user: Any) -> set[int]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/tasks/", {"page_size": 100})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def queue_rows(client: Any) -> str:
    response = client.get("/permit/queue/")
    assert response.status_code == 200
    return response.content.decode()


def fresh(user: Any) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user object: its access read again


def test_a_county_queue_comes_from_its_step_clocks_and_shows_only_its_tasks(demo_users, client_as):
    ours = submit(demo_users, "昭阳区珠泉路1号")
    foreign = submit(demo_users, "鲁甸县文屏镇3号", county="鲁甸县")
    ours_task, foreign_task = open_task(ours, PermitFlow.accept), open_task(foreign, PermitFlow.accept)
    assert Clock.objects.filter(task=ours_task, stopped_at__isnull=True, county=ours.county).exists()

    clerk = fresh(demo_users["clerk"])
    assert open_task_candidates(clerk, [PermitFlow]) is not None  # the clocks' path is taken
    listed = api_task_ids(clerk)
    assert ours_task.pk in listed and foreign_task.pk not in listed
    assert listed == {ours_task.pk}
    html = queue_rows(client_as("clerk"))
    assert ours.number in html and foreign.number not in html


def test_a_task_seen_by_a_personal_exception_is_listed_and_its_neighbour_is_not(demo_users, client_as):
    shown, hidden = submit(demo_users, "昭阳区珠泉路1号"), submit(demo_users, "昭阳区珠泉路2号")
    for application in (shown, hidden):
        assert web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    shown_task, hidden_task = open_task(shown, PermitFlow.review), open_task(hidden, PermitFlow.review)
    outsider = demo_users["reviewer_ludian"]  # a reviewer of another county
    assert api_task_ids(fresh(outsider)) == set()

    grant_exception(shown, outsider)
    reader = fresh(outsider)
    assert api_task_ids(reader) == {shown_task.pk}
    assert open_task_candidates(reader, [PermitFlow]) is None  # the predicate alone, with its exception
    html = queue_rows(client_as("reviewer_ludian"))
    assert shown.number in html and hidden.number not in html
    assert hidden_task.pk not in api_task_ids(fresh(outsider))


@pytest.mark.parametrize(
    "username", ["clerk", "reviewer", "chief", "officer", "squadlead", "reviewer_ludian", "supervisor"]
)
def test_the_candidates_never_change_what_a_list_holds(demo_users, client_as, username):
    """The lists with the clocks' path hold exactly what the visibility predicate alone selects."""
    places = (("昭阳区珠泉路1号", "昭阳区"), ("昭阳区珠泉路2号", "昭阳区"), ("鲁甸县文屏镇3号", "鲁甸县"))
    for address, county in places:
        submit(demo_users, address, county=county)
    accepted = submit(demo_users, "昭阳区珠泉路4号")
    assert web_act(client_as("clerk"), accepted, PermitFlow.accept, {"decision": "accept"}).status_code == 302
    case_report(
        acting_user=demo_users["patrol"],
        county=County.objects.get(name="昭阳区"),
        source=Case.Source.PATROL,
        address="昭阳区凤霞路19号",
        description="楼顶搭建彩钢棚",
    )
    user = fresh(demo_users[username])
    flows = taskapi.registered_flows()
    listed = set(taskapi.open_tasks_for(user).values_list("pk", flat=True))
    queued = set(queue_tasks(user, PermitFlow).values_list("pk", flat=True))
    assert listed == set(_without_candidates(user, flows).values_list("pk", flat=True))
    assert queued == set(_without_candidates(user, [PermitFlow], queue=True).values_list("pk", flat=True))
    if username in ("clerk", "reviewer", "officer"):
        assert open_task_candidates(user, flows) is not None and listed  # the clocks' path, and not empty


def _without_candidates(user: Any, flows: Any, queue: bool = False) -> Any:
    from unittest import mock

    with (
        mock.patch("workflows.worklist.open_task_candidates", return_value=None),
        mock.patch("workflows.taskapi.open_task_candidates", return_value=None),
        mock.patch("workflows.flowviews.open_task_candidates", return_value=None),
    ):
        return queue_tasks(user, flows[0]) if queue else taskapi.open_tasks_for(user)
