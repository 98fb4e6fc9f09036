"""GET /api/tasks/{id}/ describes the step; the OpenAPI document has one body schema per step."""

from __future__ import annotations

import pytest

from outdoor_ads.models import PermitApplication
from workflows.taskapi import WRONG_STEP

from .support import token_client
from .test_conventions import apply_data

pytestmark = pytest.mark.django_db


def test_task_detail_carries_form_schema_decisions_and_rules(demo_users):
    applicant = token_client("applicant")
    assert applicant.post("/api/permits/", apply_data(), format="multipart").status_code == 201
    clerk = token_client("clerk")
    (task,) = clerk.get("/api/tasks/").json()["results"]
    assert task["step_key"] == "outdoor_ads/permit:accept"
    detail = clerk.get(f"/api/tasks/{task['id']}/").json()
    form = detail["form"]
    assert form["type"] == "object"
    assert form["required"] == ["decision"]
    decision = form["properties"]["decision"]
    assert {o["const"]: o["title"] for o in decision["oneOf"]}["accept"] == "受理"
    missing = form["properties"]["missing_items"]
    assert missing["type"] == "array"
    # The checklist of this application's facility type, read for this task.
    assert "licence" in [o["const"] for o in missing["items"]["oneOf"]]
    assert form["properties"]["competent_authority"]["maxLength"] == 200
    assert [d["code"] for d in detail["decisions"]] == ["accept", "supplement", "refuse"]
    assert detail["rules"] == []
    assert token_client("applicant2").get(f"/api/tasks/{task['id']}/").status_code == 404
    assert token_client("reviewer_ludian").get(f"/api/tasks/{task['id']}/").status_code == 404

    wrong = clerk.post(
        f"/api/tasks/{task['id']}/complete/", {"step": "outdoor_ads/permit:decide", "decision": "accept"}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json() == {"step": [str(WRONG_STEP)]}
    done = clerk.post(
        f"/api/tasks/{task['id']}/complete/", {"step": task["step_key"], "decision": "accept"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert PermitApplication.objects.get().status == PermitApplication.Status.ACCEPTED


def test_case_task_lists_its_rules_and_typed_fields(demo_users):
    reported = token_client("patrol").post(
        "/api/cases/", {"address": "昭阳区凤霞路19号楼顶", "description": "楼顶正在搭建彩钢板房"}, format="json"
    )
    assert reported.status_code == 201, reported.content
    client = token_client("officer")
    (task,) = client.get("/api/tasks/").json()["results"]
    detail = client.get(f"/api/tasks/{task['id']}/").json()
    officer2 = detail["form"]["properties"]["officer2"]
    assert officer2["type"] == "integer" and officer2["oneOf"]
    assert detail["form"]["properties"]["inspected_at"]["format"] == "date-time"
    assert isinstance(detail["rules"], list)


def test_openapi_has_one_body_schema_per_step(demo_users):
    schema = token_client("clerk").get("/api/schema/?format=json").json()
    body = schema["paths"]["/api/tasks/{task_id}/complete/"]["post"]["requestBody"]["content"]["application/json"]
    mapping = body["schema"]["discriminator"]["mapping"]
    assert "outdoor_ads/permit:accept" in mapping and "illegal_building/case:verify" in mapping
    accept = schema["components"]["schemas"][mapping["outdoor_ads/permit:accept"].rsplit("/", 1)[1]]
    assert accept["properties"]["decision"]["enum"] == ["accept", "supplement", "refuse"]
    assert accept["properties"]["decision"]["x-enum-titles"]["accept"] == "受理"
    assert accept["required"][:2] == ["step", "decision"]
    survey = schema["components"]["schemas"][mapping["outdoor_ads/permit:survey"].rsplit("/", 1)[1]]
    assert survey["properties"]["photos"]["x-file"] is True
    assert "/api/tasks/{task_id}/" in schema["paths"]
