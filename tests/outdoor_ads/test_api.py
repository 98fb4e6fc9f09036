"""The same process through the API: /api/permits/ and the shared /api/tasks/."""

import hashlib

import pytest
from rest_framework.test import APIClient

from outdoor_ads.models import Permit, PermitApplication
from workflows.documents.services import documents_render_pending

from .support import WALL_SIGN_MATERIALS, application_data, pdf_upload, png_upload

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status


@pytest.fixture
def api_as(demo_users):
    def make(username):
        client = APIClient()
        client.force_authenticate(demo_users[username])
        return client

    return make


def api_apply(client, **overrides):
    data = application_data(facility_type="wall_sign", **overrides)
    for code in WALL_SIGN_MATERIALS:
        data[f"material_{code}"] = pdf_upload(f"{code}.pdf")
    return client.post("/api/permits/", data, format="multipart")


def task_of(client, step):
    tasks = client.get("/api/tasks/").json()
    matching = [t for t in tasks if t["step"] == step]
    assert matching, tasks
    return matching[0]


def complete(client, step, **data):
    task = task_of(client, step)
    response = client.post(f"/api/tasks/{task['id']}/complete/", data, format="json")
    assert response.status_code == 200, response.content
    return response


def test_apply_decide_and_read_back_through_the_api(api_as, client_as):
    response = api_apply(api_as("applicant"))
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    assert response.json()["lookup_code"]

    accept = task_of(api_as("clerk"), "accept")
    assert {d["code"] for d in accept["decisions"]} == {"accept", "supplement", "refuse"}
    assert accept["process_type"] == "outdoor_ads/permit"
    assert accept["assignee"] is None
    claimed = api_as("clerk").post(f"/api/tasks/{accept['id']}/claim/")
    assert claimed.status_code == 200 and claimed.json()["assignee"] == "clerk"

    complete(api_as("clerk"), "accept", decision="accept")
    complete(api_as("reviewer"), "review", decision="recommend_grant", comment="符合规划")
    complete(api_as("reviewer2"), "countersign", decision="agree")
    complete(api_as("chief"), "decide", decision="grant", comment="准予设置")
    complete(api_as("clerk"), "deliver", decision="online")

    # PDFs are rendered after commit by the worker: until then the API links none of them.
    pending = api_as("applicant").get(f"/api/permits/{application_id}/").json()["documents"]
    assert all(d["ready"] is False and d["download_url"] is None and d["sha256"] is None for d in pending)
    documents_render_pending()  # the worker's job (this test never commits)

    detail = api_as("applicant").get(f"/api/permits/{application_id}/").json()
    assert detail["status"] == Status.DELIVERED
    assert detail["permit"]["number"] == "昭住建广证〔2026〕1号"
    kinds = [d["kind"] for d in detail["documents"]]
    assert kinds == ["ad_acceptance", "ad_permit", "ad_grant"]
    permit_doc = detail["documents"][1]
    assert len(permit_doc["sha256"]) == 64
    download = client_as("applicant").get(permit_doc["download_url"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == permit_doc["sha256"]
    assert client_as("applicant2").get(permit_doc["download_url"]).status_code == 404
    assert detail["clock"]["rule"] == "ads.overall"
    assert detail["clock"]["stopped_at"] is not None
    events = [e["event"] for e in detail["timeline"]]
    assert len(events) >= 6
    assert Permit.objects.filter(application_id=application_id).exists()
    listed = [a["id"] for a in api_as("applicant").get("/api/permits/").json()]
    assert application_id in listed
    assert application_id not in [a["id"] for a in api_as("applicant2").get("/api/permits/").json()]


def test_invalid_completion_is_400_with_field_messages_and_nothing_changes(api_as):
    api_apply(api_as("applicant"))
    application = PermitApplication.objects.latest("pk")
    task = task_of(api_as("clerk"), "accept")
    response = api_as("clerk").post(f"/api/tasks/{task['id']}/complete/", {"decision": "bogus"}, format="json")
    assert response.status_code == 400
    assert "decision" in response.json()
    response = api_as("clerk").post(
        f"/api/tasks/{task['id']}/complete/", {"decision": "supplement", "missing_items": []}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"missing_items": ["请在补正通知中列明所有缺少的材料。"]}
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.opinions.count() == 0
    assert task_of(api_as("clerk"), "accept")["assignee"] is None


def test_claim_held_by_someone_else_is_409(api_as, demo_users):
    from workflows.jurisdiction import staff_place

    api_apply(api_as("applicant"))
    task = task_of(api_as("clerk"), "accept")
    assert api_as("clerk").post(f"/api/tasks/{task['id']}/claim/").status_code == 200
    # a second clerk in the same county
    from django.contrib.auth.models import Group

    other = demo_users["reviewer_ludian"]
    other.groups.add(Group.objects.get(name="role:clerk"))
    staff_place(other, demo_users["clerk"].county)
    response = api_as("reviewer_ludian").post(f"/api/tasks/{task['id']}/claim/")
    assert response.status_code == 409
    assert response.json()["detail"] == "该任务已被他人领取或办结，请刷新页面。"
    response = api_as("reviewer_ludian").post(
        f"/api/tasks/{task['id']}/complete/", {"decision": "accept"}, format="json"
    )
    assert response.status_code == 409


def test_tasks_are_scoped_by_role_and_county(api_as):
    api_apply(api_as("applicant"))
    assert [t["step"] for t in api_as("clerk").get("/api/tasks/").json()] == ["accept"]
    assert api_as("reviewer").get("/api/tasks/").json() == []
    assert api_as("reviewer_ludian").get("/api/tasks/").json() == []
    assert api_as("applicant").get("/api/tasks/").json() == []
    task_id = task_of(api_as("clerk"), "accept")["id"]
    assert api_as("reviewer_ludian").post(f"/api/tasks/{task_id}/claim/").status_code == 404
    assert api_as("reviewer").post(f"/api/tasks/{task_id}/claim/").status_code == 403


def test_upload_checked_by_content_and_nothing_left_behind(api_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = application_data(facility_type="wall_sign")
    for code in WALL_SIGN_MATERIALS:
        data[f"material_{code}"] = pdf_upload(f"{code}.pdf")
    from django.core.files.uploadedfile import SimpleUploadedFile

    data["material_design"] = [png_upload("design.png"), SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf at all")]
    response = api_as("applicant").post("/api/permits/", data, format="multipart")
    assert response.status_code == 400
    assert response.json()["material_design"] == ["“fake.pdf”不是JPEG、PNG或PDF文件（按文件内容判断，而非文件名）。"]
    assert not PermitApplication.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_missing_required_material_is_a_field_error(api_as):
    data = application_data(facility_type="wall_sign")
    data["material_application_form"] = pdf_upload()
    response = api_as("applicant").post("/api/permits/", data, format="multipart")
    assert response.status_code == 400
    assert response.json()["material_licence"] == ["必须提交此项材料。"]


def test_schema_documents_the_permit_and_task_endpoints(api_as):
    schema = api_as("applicant").get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for endpoint in [
        "/api/permits/",
        "/api/permits/{id}/",
        "/api/permits/{id}/supplement/",
        "/api/permits/{id}/withdraw/",
        "/api/tasks/",
        "/api/tasks/{task_id}/claim/",
        "/api/tasks/{task_id}/complete/",
    ]:
        assert endpoint in schema
