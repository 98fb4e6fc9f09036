"""The shared /api/tasks/ endpoints run the case steps through the same forms and services."""

from __future__ import annotations

from typing import Any

import pytest

from illegal_building import gates
from illegal_building.models import Case, SiteInspection
from workflows import clock

from .helpers import Driver, local, open_task

pytestmark = pytest.mark.django_db


def test_case_steps_through_the_task_api(reported: Driver) -> None:
    d = reported
    api = d.client("officer")
    tasks = api.get("/api/tasks/").json()["results"]
    (verify,) = [t for t in tasks if t["process_id"] == d.case.process.pk]
    assert verify["step"] == "verify"
    assert "officer2" in verify["fields"]
    assert d.client("reviewer_ludian").get("/api/tasks/").json()["results"] == []

    bad = api.post(f"/api/tasks/{verify['id']}/complete/", {"findings": ""}, content_type="application/json")
    assert bad.status_code == 400
    assert {"officer2", "findings", "illegal"} <= set(bad.json())

    same_officer: dict[str, Any] = {
        "officer2": d.users["officer"].pk,
        "inspected_at": local(clock.now()),
        "findings": "违法搭建",
        "illegal": "yes",
        "party_name": "甄有才",
        "party_address": "昭阳区凤霞路19号",
    }
    refused = api.post(f"/api/tasks/{verify['id']}/complete/", same_officer, content_type="application/json")
    assert refused.status_code == 400
    assert str(gates.TWO_OFFICERS) in refused.json()["officer2"]
    assert not SiteInspection.objects.exists()
    assert open_task(d.case, "verify").owner_id is None

    done = api.post(
        f"/api/tasks/{verify['id']}/complete/",
        {**same_officer, "officer2": d.users["officer2"].pk},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert Case.objects.get(pk=d.case.pk).stage == Case.Stage.VERIFIED
    squad = d.client("squadlead").get("/api/tasks/").json()["results"]
    assert [t["step"] for t in squad if t["process_id"] == d.case.process.pk] == ["approve_filing"]
    assert d.client("officer2").post(f"/api/tasks/{verify['id']}/complete/", {}).status_code in (404, 409)
