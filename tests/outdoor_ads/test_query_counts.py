"""Work lists and a step cost the same number of queries with ten times more data.

Visibility is a predicate in the list's own query (county, owner), so neither the web lists
(inbox, queue, archive, menu counts), the task API, the applications API nor any step of the
permit (accept, review, countersign, survey, decide, deliver) grows with the number of
applications — in the user's county or elsewhere; each step also stays within its query budget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from rest_framework.test import APIClient
from viewflow.workflow.fields import get_task_ref

from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitApplication
from outdoor_ads.services import application_accept_decide, application_submit
from tests.querycounts import GROWTH, _steady_calendar_cache, api, counted, over_budget, queries
from workflows import clock
from workflows.flowviews import claim_task
from workflows.models import County

from .support import open_task, png_upload

__all__ = ["_steady_calendar_cache"]  # the module's autouse fixture, shared

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _submit(user: Any, county: County) -> PermitApplication:
    return application_submit(acting_user=user, county=county, facility_type="wall_sign", address="珠泉路88号")


class Data:
    """Applications in the clerk's county (queued, claimed, accepted by the clerk) and in another county."""

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users
        self.zhaoyang = County.objects.get(name="昭阳区")
        self.ludian = County.objects.get(name="鲁甸县")
        self.units = 0

    def grow_to(self, units: int) -> None:
        clerk = self.users["clerk"]
        while self.units < units:
            _submit(self.users["applicant"], self.zhaoyang)  # stays in the queue
            claimed = _submit(self.users["applicant"], self.zhaoyang)
            claim_task(task=open_task(claimed, PermitFlow.accept), acting_user=clerk)  # the clerk's inbox
            accepted = _submit(self.users["applicant2"], self.zhaoyang)
            application_accept_decide(
                task=open_task(accepted, PermitFlow.accept), acting_user=clerk, decision="accept"
            )  # the clerk's archive, the reviewers' queue
            _submit(self.users["applicant"], self.ludian)  # another county's work
            self.units += 1


@pytest.fixture
def data(demo_users: dict[str, Any]) -> Data:
    return Data(demo_users)


WEB_LISTS = [
    ("clerk", "/permit/inbox/"),
    ("clerk", "/permit/queue/"),
    ("clerk", "/permit/archive/"),
    ("reviewer", "/permit/queue/"),
    ("chief", "/permit/queue/"),
    ("clerk", "/workbench/"),  # the workbench's tiles: inbox and queue counts per process
]
API_LISTS = [
    ("clerk", "/api/tasks/"),
    ("reviewer", "/api/tasks/"),
    ("clerk", "/api/permits/"),
    ("applicant", "/api/permits/"),
    ("supervisor", "/api/permits/"),
]


def filtered_lists(data: Data) -> list[tuple[str, str]]:
    """The work lists' filters, text search and sorting by due date: still one query per page."""
    accept = urlencode({"flow_task": get_task_ref(PermitFlow.accept)})
    return [
        ("clerk", "/permit/queue/?light=green"),
        ("clerk", "/permit/queue/?light=red"),
        ("clerk", f"/permit/queue/?{accept}"),
        ("clerk", f"/permit/queue/?county={data.zhaoyang.pk}"),
        ("clerk", "/permit/queue/?" + urlencode({"_search": "珠泉路"})),
        ("clerk", "/permit/queue/?_orderby=-due"),
        ("clerk", "/permit/inbox/?light=yellow&_orderby=due"),
        ("clerk", "/permit/archive/?" + urlencode({"_search": "珠泉路", "county": data.zhaoyang.pk})),
        ("reviewer", f"/permit/queue/?county={data.zhaoyang.pk}&light=green"),
    ]


def test_lists_cost_the_same_with_ten_times_more_applications(data: Data, client_as: Callable[[str], Client]) -> None:
    clients: dict[tuple[str, str], Client | APIClient] = {}
    for username, url in [*WEB_LISTS, *filtered_lists(data)]:
        clients[(username, url)] = client_as(username)
    for username, url in API_LISTS:
        clients[(username, url)] = api(data.users[username])
    data.grow_to(1)
    small = {key: queries(client, key[1]) for key, client in clients.items()}
    data.grow_to(GROWTH)
    large = {key: queries(client, key[1]) for key, client in clients.items()}
    assert large == small
    # The filtered pages measured above held rows (no task is overdue yet, so red stays empty).
    for username, url in filtered_lists(data):
        if "light=red" not in url and "inbox" not in url:
            html = clients[(username, url)].get(url).content.decode()
            assert html.count("data-row-id=") >= GROWTH, url


def test_lists_show_exactly_the_visible_rows(data: Data, client_as: Callable[[str], Client]) -> None:
    data.grow_to(3)
    tasks = api(data.users["clerk"]).get("/api/tasks/").json()
    # 3 queued + 3 claimed by the clerk; the other county's 3 and the accepted ones are not here.
    assert tasks["count"] == 6
    assert {t["step"] for t in tasks["results"]} == {"accept"}
    assert api(data.users["reviewer_ludian"]).get("/api/tasks/").json()["count"] == 0
    assert api(data.users["applicant"]).get("/api/permits/").json()["count"] == 9
    assert api(data.users["applicant2"]).get("/api/permits/").json()["count"] == 3
    assert api(data.users["clerk"]).get("/api/permits/").json()["count"] == 9
    assert api(data.users["supervisor"]).get("/api/permits/").json()["count"] == 12
    queue = client_as("clerk").get("/permit/queue/").content.decode()
    inbox = client_as("clerk").get("/permit/inbox/").content.decode()
    for number in PermitApplication.objects.filter(county=data.ludian).values_list("number", flat=True):
        assert number not in queue
        assert number not in inbox
    for number in PermitApplication.objects.filter(county=data.zhaoyang, status="submitted").values_list(
        "number", flat=True
    ):
        assert number in queue or number in inbox


def test_api_lists_are_paged(data: Data) -> None:
    data.grow_to(3)
    client = api(data.users["supervisor"])
    first = client.get("/api/permits/?page_size=5").json()
    assert first["count"] == 12 and len(first["results"]) == 5 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    assert not {a["id"] for a in first["results"]} & {a["id"] for a in second["results"]}
    capped = client.get("/api/permits/?page_size=100000").json()
    assert len(capped["results"]) == 12  # at most max_page_size (200) per page
    tasks = api(data.users["clerk"]).get("/api/tasks/?page_size=2").json()
    assert tasks["count"] == 6 and len(tasks["results"]) == 2 and tasks["next"]


def test_acceptance_step_costs_the_same_with_ten_times_more_applications(
    data: Data, client_as: Callable[[str], Client]
) -> None:
    clerk = client_as("clerk")

    def accept_over_http() -> int:
        application = _submit(data.users["applicant"], data.zhaoyang)
        task = open_task(application, PermitFlow.accept)
        assert clerk.post(task.reverse("assign")).status_code == 302
        assert clerk.get(task.reverse("execute")).status_code == 200
        with counted() as n:
            response = clerk.post(task.reverse("execute"), {"decision": "accept"})
        assert response.status_code == 302
        assert PermitApplication.objects.get(pk=application.pk).status == PermitApplication.Status.ACCEPTED
        return n()

    data.grow_to(1)
    accept_over_http()  # the first acceptance of the year starts its document series
    small = accept_over_http()
    data.grow_to(GROWTH)
    assert accept_over_http() == small


# Queries of ``POST /api/tasks/{id}/complete/`` per step (the request as a whole: session, user,
# checks, the service, viewflow's own rows, audit and events; under pytest also the SAVEPOINT and
# RELEASE of the step's transaction, which a real request opens with BEGIN). Issue 12 asks for
# <= 25 per step; every permit step is within that without the SAVEPOINT and RELEASE, and these are
# the exact counts, so a change that adds a query to a step fails here.
PERMIT_STEP_BUDGET = {
    "accept": 25,
    "review": 16,
    "countersign": 24,
    "survey": 22,
    "decide": 26,
    "deliver": 18,
}


def _permit_steps() -> list[tuple[str, str, dict[str, Any], bool]]:
    """(node, role user, body, multipart?) of a permit with a site survey, in flow order."""
    return [
        ("accept", "clerk", {"decision": "accept"}, False),
        ("review", "reviewer", {"decision": "recommend_grant", "comment": "材料齐全，符合设置规划。"}, False),
        ("countersign", "reviewer2", {"decision": "agree"}, False),
        ("survey", "surveyor", {"decision": "conforms", "comment": "现场与图纸相符", "photos": png_upload()}, True),
        ("decide", "chief", {"decision": "grant", "comment": "符合规定。"}, False),
        ("deliver", "clerk", {"decision": "online"}, False),
    ]


def permit_step_costs(data: Data, clients: dict[str, Client]) -> dict[str, int]:
    """One permit from submission to delivery over the task API; the queries of each step."""
    application = application_submit(
        acting_user=data.users["applicant"],
        county=data.zhaoyang,
        facility_type="wall_sign",
        address="珠泉路88号临街外墙",
        width_m=Decimal("6"),  # 12 m² >= 10 m² for wall signs: the site survey is required
        height_m=Decimal("2"),
        height_above_ground_m=Decimal("3.5"),
        material="铝塑板",
        lighting="internal",
        content="企业形象标识",
        period_from=clock.today(),
        period_until=clock.today() + dt.timedelta(days=700),
        contact_phone="13812345678",
    )
    costs = {}
    for name, username, body, multipart in _permit_steps():
        task = open_task(application, getattr(PermitFlow, name))
        url = f"/api/tasks/{task.pk}/complete/"
        client = clients.setdefault(username, Client())
        with counted() as n:
            if multipart:
                response = client.post(url, body)
            else:
                response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, (name, response.status_code, response.content[:300])
        costs[name] = n()
    assert PermitApplication.objects.get(pk=application.pk).status == PermitApplication.Status.DELIVERED
    return costs


def test_every_permit_step_costs_the_same_with_ten_times_more_applications(
    data: Data, client_as: Callable[[str], Client]
) -> None:
    clients = {username: client_as(username) for _n, username, _b, _m in _permit_steps()}
    data.grow_to(1)
    permit_step_costs(data, clients)  # the first permit of the year starts its number series
    small = permit_step_costs(data, clients)
    data.grow_to(GROWTH)
    large = permit_step_costs(data, clients)
    assert large == small
    assert set(small) == set(PERMIT_STEP_BUDGET)
    assert not over_budget(small, PERMIT_STEP_BUDGET), f"per step: {small}"
