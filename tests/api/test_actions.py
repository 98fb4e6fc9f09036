"""Records and off-graph actions over the API: one registry, the same forms and services as the web."""

from __future__ import annotations

import pytest

from illegal_building.models import EvidenceFile
from outdoor_ads.models import FollowUp, Rating
from tests.outdoor_ads.support import png_upload

from .support import token_client
from .test_conventions import drive_to_permit

pytestmark = pytest.mark.django_db


def test_permit_actions_rating_and_follow_up(demo_users):
    applicant = token_client("applicant")
    detail = drive_to_permit(applicant)
    base = f"/api/permits/{detail['id']}/actions/"
    names = {a["name"] for a in applicant.get(base).json()}
    assert {"rating", "renewal", "change", "hearing_request"} <= names
    assert "cancellation" not in names and "extension" not in names
    rating = applicant.get(f"{base}rating/").json()
    assert [o["const"] for o in rating["form"]["properties"]["score"]["oneOf"]] == [
        "very_satisfied",
        "satisfied",
        "basic",
        "unsatisfied",
        "very_unsatisfied",
    ]

    bad = applicant.post(f"{base}rating/", {"score": "wonderful"}, format="json")
    assert bad.status_code == 400 and "score" in bad.json()
    done = applicant.post(f"{base}rating/", {"score": "unsatisfied", "comment": "太慢"}, format="json")
    assert done.status_code == 200, done.content
    assert Rating.objects.get().score == "unsatisfied"
    again = applicant.post(f"{base}rating/", {"score": "basic"}, format="json")
    assert again.status_code == 400 and set(again.json()) == {"detail"}

    # The applicant may not use the bureau's actions; others may not see the application at all.
    assert applicant.post(f"{base}cancellation/", {"reason": "x"}, format="json").status_code == 404
    assert token_client("applicant2").get(base).status_code == 404

    chief = token_client("chief")
    assert "follow_up" in {a["name"] for a in chief.get(base).json()}
    resolved = chief.post(f"{base}follow_up/", {"note": "已电话回访"}, format="json")
    assert resolved.status_code == 200, resolved.content
    assert FollowUp.objects.get().resolved_at is not None

    cancelled = chief.post(f"{base}cancellation/", {"reason": "设施已拆除"}, format="json")
    assert cancelled.status_code in (200, 403), cancelled.content


def test_case_records_over_the_api(demo_users):
    reported = token_client("patrol").post(
        "/api/cases/", {"address": "昭阳区凤霞路19号楼顶", "description": "楼顶正在搭建彩钢板房"}, format="json"
    ).json()
    officer = token_client("officer")
    base = f"/api/cases/{reported['id']}/actions/"
    names = {a["name"] for a in officer.get(base).json()}
    assert {"inquiry", "measurement", "planning_opinion", "evidence", "appraisal", "hearing_held"} <= names
    evidence = officer.get(f"{base}evidence/").json()["form"]
    assert evidence["properties"]["file"]["x-file"] is True
    uploaded = officer.post(f"{base}evidence/", {"file": png_upload("site.png"), "device": "执法记录仪"})
    assert uploaded.status_code == 200, uploaded.content
    assert EvidenceFile.objects.filter(pk=uploaded.json()["id"]).exists()
    measured = officer.post(
        f"{base}measurement/", {"area_m2": "35.50", "height_m": "3.00", "floors": 1}, format="json"
    )
    assert measured.status_code == 200, measured.content
    assert token_client("reviewer_ludian").get(base).status_code == 404
    assert token_client("patrol").post(f"{base}measurement/", {}, format="json").status_code == 404


def test_openapi_has_a_body_per_action(demo_users):
    schema = token_client("clerk").get("/api/schema/?format=json").json()
    body = schema["paths"]["/api/cases/{id}/actions/inquiry/"]["post"]["requestBody"]["content"]["application/json"]
    component = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
    assert {"officer2", "interviewee", "asked_at", "content"} <= set(component["required"])
    assert "/api/permits/{id}/actions/renewal/" in schema["paths"]
