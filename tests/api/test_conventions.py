"""Reference data, document download with a token, one error format, Idempotency-Key."""

from __future__ import annotations

import hashlib

import pytest
from rest_framework.test import APIClient

from outdoor_ads.models import PermitApplication
from tests.outdoor_ads.support import WALL_SIGN_MATERIALS, application_data, pdf_upload
from workflows.apiconv import IDEMPOTENCY_KEY_REUSED
from workflows.documents.services import documents_render_pending
from workflows.models import County, IdempotencyKey
from workflows.parsers import JSON_NOT_AN_OBJECT

from .support import body, token_client

pytestmark = pytest.mark.django_db


def apply_data(**overrides):
    data = application_data(**{"facility_type": "wall_sign", **overrides})
    for code in WALL_SIGN_MATERIALS:
        data[f"material_{code}"] = pdf_upload(f"{code}.pdf")
    return data


def test_reference_data_is_public_and_complete(db):
    anonymous = APIClient()
    counties = anonymous.get("/api/counties/")
    assert counties.status_code == 200
    assert len(counties.json()) == County.objects.count() == 11
    assert {"id", "code", "name", "short_name"} == set(counties.json()[0])

    types = anonymous.get("/api/facility-types/").json()
    wall = next(t for t in types if t["code"] == "wall_sign")
    assert [m["code"] for m in wall["materials"] if m["required"]] == WALL_SIGN_MATERIALS
    assert wall["upload_limits"] == {
        "max_bytes": 10 * 1024 * 1024,
        "max_files_per_item": 5,
        "max_files_per_application": 40,
        "max_image_pixels": 50_000_000,
        "types": ["application/pdf", "image/jpeg", "image/png"],
    }
    kinds = anonymous.get("/api/document-kinds/").json()
    assert {"ad_permit", "ad_acceptance"} <= {k["code"] for k in kinds}


def test_schema_lists_the_reference_endpoints(demo_users):
    paths = token_client("clerk").get("/api/schema/?format=json").json()["paths"]
    for endpoint in ("/api/counties/", "/api/facility-types/", "/api/document-kinds/", "/api/documents/{id}/pdf/"):
        assert endpoint in paths


@pytest.mark.parametrize("payload", ["[1, 2]", "42", '"text"', "null", "{bad json"])
@pytest.mark.parametrize(
    "url", ["/api/permits/", "/api/cases/", "/api/permits/{permit}/withdraw/", "/api/tasks/{task}/complete/"]
)
def test_malformed_body_is_400_in_the_error_format(demo_users, payload, url):
    applicant = token_client("applicant")
    created = applicant.post("/api/permits/", apply_data(), format="multipart")
    assert created.status_code == 201, created.content
    from viewflow.workflow.models import Task

    task_id = Task.objects.filter(flow_task_type="HUMAN").latest("pk").pk
    caller = token_client("clerk") if "tasks" in url or "cases" in url else applicant
    if "cases" in url:
        caller = token_client("patrol")
    response = caller.post(
        url.format(permit=created.json()["id"], task=task_id), payload, content_type="application/json"
    )
    assert response.status_code == 400, (url, payload, response.content)
    assert set(response.json()) == {"detail"}
    if payload != "{bad json":
        assert response.json()["detail"] == str(JSON_NOT_AN_OBJECT)
    assert PermitApplication.objects.count() == 1


def test_field_and_non_field_errors(demo_users):
    applicant = token_client("applicant")
    bad = applicant.post("/api/permits/", apply_data(width_m="-1", facility_type="nope"), format="multipart")
    assert bad.status_code == 400
    assert isinstance(bad.json()["facility_type"], list)
    created = applicant.post("/api/permits/", apply_data(), format="multipart").json()
    withdrawn = applicant.post(f"/api/permits/{created['id']}/withdraw/", {"reason": "不再需要"}, format="json")
    assert withdrawn.status_code == 200
    again = applicant.post(f"/api/permits/{created['id']}/withdraw/", {}, format="json")
    assert again.status_code == 400
    assert set(again.json()) == {"detail"} and isinstance(again.json()["detail"], str)
    assert token_client("applicant2").get(f"/api/permits/{created['id']}/").status_code == 404


def test_idempotency_key_replays_and_never_creates_twice(demo_users):
    applicant = token_client("applicant")
    first = applicant.post("/api/permits/", apply_data(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    second = applicant.post("/api/permits/", apply_data(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1")
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert PermitApplication.objects.count() == 1

    other = applicant.post(
        "/api/permits/", apply_data(address="昭阳区另一处"), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422
    assert other.json() == {"detail": str(IDEMPOTENCY_KEY_REUSED)}
    assert PermitApplication.objects.count() == 1

    # Another user's key space is separate; a refused request leaves the key free.
    bad = token_client("applicant2").post(
        "/api/permits/", apply_data(width_m="-1"), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert bad.status_code == 400
    assert IdempotencyKey.objects.filter(key="k-1").count() == 1
    fixed = token_client("applicant2").post(
        "/api/permits/", apply_data(), format="multipart", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert fixed.status_code == 201
    assert PermitApplication.objects.count() == 2


def drive_to_permit(applicant):
    from tests.outdoor_ads.test_api import task_of

    created = applicant.post("/api/permits/", apply_data(), format="multipart").json()
    for user, step, data in [
        ("clerk", "accept", {"decision": "accept"}),
        ("reviewer", "review", {"decision": "recommend_grant", "comment": "符合规划"}),
        ("reviewer2", "countersign", {"decision": "agree"}),
        ("chief", "decide", {"decision": "grant", "comment": "准予设置"}),
        ("clerk", "deliver", {"decision": "online"}),
    ]:
        client = token_client(user)
        task = task_of(client, step)
        done = client.post(f"/api/tasks/{task['id']}/complete/", data, format="json")
        assert done.status_code == 200, done.content
    return applicant.get(f"/api/permits/{created['id']}/").json()


def test_document_download_with_a_token(demo_users):
    applicant = token_client("applicant")
    detail = drive_to_permit(applicant)
    pending = next(d for d in detail["documents"] if d["kind"] == "ad_permit")
    assert pending["ready"] is False and pending["download_url"] is None
    documents_render_pending()  # the worker's job after commit (this test never commits)
    detail = applicant.get(f"/api/permits/{detail['id']}/").json()
    permit = next(d for d in detail["documents"] if d["kind"] == "ad_permit")
    assert permit["download_url"].startswith("http://testserver/api/documents/")
    assert permit["verify_url"].startswith("http://testserver/verify/")

    response = applicant.get(permit["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = body(response)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == permit["sha256"] == response["X-Content-SHA256"]
    assert response["ETag"] == f'"{permit["sha256"]}"'
    assert applicant.get(permit["download_url"], HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    assert token_client("applicant2").get(permit["download_url"]).status_code == 404
    assert token_client("reviewer_ludian").get(permit["download_url"]).status_code == 404
    assert APIClient().get(permit["download_url"]).status_code == 401
    assert token_client("clerk").get(permit["download_url"]).status_code == 200
    # The verify page stays public.
    assert APIClient().get(permit["verify_url"]).status_code == 200
