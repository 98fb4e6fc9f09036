"""django-filter on every paged list: status, county, step, light, due before/after, text, ordering."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.illegal_building.helpers import at, png_bytes
from workflows import clock
from workflows.models import County

from .support import token_client
from .test_conventions import apply_data

pytestmark = pytest.mark.django_db


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def two_of_each(demo_users: dict[str, Any]) -> dict[str, Any]:
    clock.set_now(at(2026, 3, 2, 10))
    zhaoyang = County.objects.get(name="昭阳区")
    ludian = County.objects.get(name="鲁甸县")
    applicant = token_client("applicant")
    first = applicant.post("/api/permits/", apply_data(address="昭阳区珠泉路88号临街外墙"), format="multipart")
    clock.set_now(at(2026, 3, 9, 10))
    second = applicant.post(
        "/api/permits/", apply_data(county=ludian.pk, address="鲁甸县文屏镇北街6号"), format="multipart"
    )
    assert first.status_code == second.status_code == 201
    patrol = token_client("patrol")
    cases = [
        patrol.post(
            "/api/cases/",
            {"address": address, "description": "搭建彩钢板房",
             "photos": [SimpleUploadedFile("site.png", png_bytes(), content_type="image/png")]},
        )
        for address in ("昭阳区凤霞路19号楼顶", "昭阳区海楼路7号院内")
    ]
    assert all(c.status_code == 201 for c in cases), [c.content for c in cases]
    return {
        "zhaoyang": zhaoyang, "ludian": ludian,
        "permits": [first.json(), second.json()], "cases": [c.json() for c in cases],
    }


def test_task_list_filters(two_of_each: dict[str, Any]) -> None:
    clerk = token_client("clerk")
    (accept,) = clerk.get("/api/tasks/", {"step": "accept"}).json()["results"]  # only Zhaoyang's application
    # The step by name or by its key (the discriminator of the /complete/ bodies).
    assert ids(clerk.get("/api/tasks/", {"step": accept["step_key"]})) == [accept["id"]]
    assert ids(clerk.get("/api/tasks/", {"step": "verify"})) == []
    officer = token_client("officer")
    verify = ids(officer.get("/api/tasks/", {"step": "verify"}))
    assert len(verify) == 2
    assert len(ids(officer.get("/api/tasks/", {"step": "verify", "q": "海楼路"}))) == 1
    assert len(ids(officer.get("/api/tasks/", {"q": "海楼路"}))) == 1
    assert ids(officer.get("/api/tasks/", {"county": two_of_each["ludian"].pk})) == []
    assert sorted(ids(officer.get("/api/tasks/", {"county": two_of_each["zhaoyang"].pk}))) == sorted(
        ids(officer.get("/api/tasks/"))
    )
    assert ids(officer.get("/api/tasks/", {"status": "ASSIGNED"})) == []
    assert sorted(ids(officer.get("/api/tasks/", {"status": "NEW"}))) == sorted(ids(officer.get("/api/tasks/")))
    claimed = officer.post(f"/api/tasks/{verify[0]}/claim/")
    assert claimed.status_code == 200
    assert ids(officer.get("/api/tasks/", {"status": "ASSIGNED"})) == [verify[0]]


def test_task_due_and_light_filters_follow_the_clock(two_of_each: dict[str, Any]) -> None:
    clerk = token_client("clerk")
    (task,) = clerk.get("/api/tasks/", {"step": "accept"}).json()["results"]
    due = dt.date.fromisoformat(task["due_date"])
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "due_before": due.isoformat()})) == [task["id"]]
    day_before, day_after = (due - dt.timedelta(days=1)).isoformat(), (due + dt.timedelta(days=1)).isoformat()
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "due_before": day_before})) == []
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "due_after": due.isoformat()})) == [task["id"]]
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "due_after": day_after})) == []
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "light": task["light"]})) == [task["id"]]
    clock.set_now(dt.datetime.combine(due + dt.timedelta(days=10), dt.time(10), tzinfo=clock.now().tzinfo))
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "light": "red"})) == [task["id"]]
    assert ids(clerk.get("/api/tasks/", {"step": "accept", "light": "green"})) == []


def test_permit_list_filters_and_ordering(two_of_each: dict[str, Any]) -> None:
    first, second = two_of_each["permits"]
    supervisor = token_client("supervisor")
    applicant = token_client("applicant")
    assert ids(applicant.get("/api/permits/", {"ordering": "submitted_at"})) == [first["id"], second["id"]]
    assert ids(applicant.get("/api/permits/", {"ordering": "-submitted_at"})) == [second["id"], first["id"]]
    assert ids(supervisor.get("/api/permits/", {"county": two_of_each["ludian"].pk})) == [second["id"]]
    assert ids(supervisor.get("/api/permits/", {"q": "文屏镇"})) == [second["id"]]
    assert ids(supervisor.get("/api/permits/", {"q": first["number"]})) == [first["id"]]
    assert ids(supervisor.get("/api/permits/", {"q": "星辰广告", "ordering": "number"})) == sorted(
        [first["id"], second["id"]], key=lambda pk: {first["id"]: first["number"], second["id"]: second["number"]}[pk]
    )  # the applicant company's name is the party
    assert set(ids(supervisor.get("/api/permits/", {"status": first["status"]}))) == {first["id"], second["id"]}
    assert ids(supervisor.get("/api/permits/", {"status": "granted"})) == []
    assert set(ids(supervisor.get("/api/permits/", {"step": "accept"}))) == {first["id"], second["id"]}
    assert ids(supervisor.get("/api/permits/", {"step": "decide"})) == []
    clerk = token_client("clerk")
    (task,) = clerk.get("/api/tasks/", {"step": "accept"}).json()["results"]
    assert ids(clerk.get("/api/permits/", {"due_before": task["due_date"]})) == [first["id"]]
    assert ids(clerk.get("/api/permits/", {"light": task["light"]})) == [first["id"]]
    assert ids(clerk.get("/api/permits/", {"light": "red"})) == []


def test_case_list_filters(two_of_each: dict[str, Any]) -> None:
    roof, yard = two_of_each["cases"]
    officer = token_client("officer")
    assert set(ids(officer.get("/api/cases/", {"step": "verify"}))) == {roof["id"], yard["id"]}
    assert ids(officer.get("/api/cases/", {"q": "海楼路"})) == [yard["id"]]
    assert ids(officer.get("/api/cases/", {"q": roof["report_number"]})) == [roof["id"]]
    assert set(ids(officer.get("/api/cases/", {"status": roof["stage"]}))) == {roof["id"], yard["id"]}
    assert ids(officer.get("/api/cases/", {"status": "archived"})) == []
    assert ids(officer.get("/api/cases/", {"county": two_of_each["ludian"].pk})) == []
    assert ids(officer.get("/api/cases/", {"ordering": "-reported_at"}))[0] in {roof["id"], yard["id"]}


def test_bad_filter_values_are_field_errors_not_500(two_of_each: dict[str, Any]) -> None:
    officer = token_client("officer")
    for url in ("/api/tasks/", "/api/permits/", "/api/cases/"):
        response = officer.get(url, {"due_before": "not-a-date", "light": "purple", "ordering": "nonsense"})
        assert response.status_code == 400, (url, response.content)
        errors = response.json()
        assert {"due_before", "light", "ordering"} <= set(errors), errors
        assert all(isinstance(messages, list) and messages for messages in errors.values())
        assert errors["due_before"] == ["输入一个有效的日期。"]


def test_a_filtered_page_costs_a_constant_number_of_queries(two_of_each: dict[str, Any]) -> None:
    officer = token_client("officer")
    assert officer.get("/api/cases/").status_code == 200  # warm the per-process caches
    counts = []
    for params in ({}, {"step": "verify", "q": "路", "status": "reported", "ordering": "-reported_at"}):
        with CaptureQueriesContext(connection) as queries:
            assert len(ids(officer.get("/api/cases/", params))) == 2
        counts.append(len(queries))
    assert counts[0] == counts[1], [q["sql"][:120] for q in queries.captured_queries]
