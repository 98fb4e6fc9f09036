"""The construction-waste disposal approval end to end on the licensing kernel: web as the role users, and the API."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from rest_framework.test import APIClient
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from construction_waste.flows import WasteDisposalFlow
from construction_waste.models import Permit, PermitApplication
from licensing.services.extension import application_extend
from licensing.services.messages import EXTENSION_LEADER_ONLY, SUPPLEMENT_WINDOW_PASSED
from workflows import clock
from workflows.documents.models import IssuedDocument
from workflows.documents.selectors import documents_for

from .support import waste_data, with_materials

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status


def open_task(application: PermitApplication, node) -> Task:
    task = (
        Task.objects.filter(
            process__wasteprocess__application=application, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        .order_by("-pk")
        .first()
    )
    assert task is not None, f"no open task {node} for {application}"
    return task


def web_act(client, application, node, data):
    task = open_task(application, node)
    if task.status == STATUS.NEW:
        assert client.post(task.reverse("assign")).status_code == 302
    assert client.get(task.reverse("execute")).status_code == 200
    return client.post(task.reverse("execute"), data)


def test_apply_accept_review_grant_deliver_on_the_web(client_as):
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    applicant = client_as("applicant")
    assert applicant.get("/waste/apply/").status_code == 200
    response = applicant.post("/waste/apply/", with_materials(waste_data()))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = PermitApplication.objects.get()
    assert application.number.startswith("JZ2026")
    assert application.attachments.count() == 7
    assert response["Location"] == f"/waste/applications/{application.pk}/"
    page = applicant.get(response["Location"])
    assert page.status_code == 200
    assert "昭阳区北郊建筑垃圾消纳场" in page.content.decode()
    # Another applicant does not see it; a foreign object is 404.
    assert client_as("applicant2").get(response["Location"]).status_code == 404

    assert web_act(client_as("clerk"), application, WasteDisposalFlow.accept, {"decision": "accept"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    # Only the role's users may take the step: the ad reviewer has no waste permission.
    review_task = open_task(application, WasteDisposalFlow.review)
    assert client_as("reviewer").post(review_task.reverse("assign")).status_code in (403, 404)
    review = {"decision": "recommend_grant", "comment": "运输车辆密闭，路线避开学校，消纳场所有受纳证明"}
    assert web_act(client_as("waste_reviewer"), application, WasteDisposalFlow.review, review).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DECIDING

    decide = {"decision": "grant", "comment": "符合《城市建筑垃圾管理规定》第七条", "conditions": "夜间22时后禁止运输"}
    assert web_act(client_as("chief"), application, WasteDisposalFlow.decide, decide).status_code == 302
    deliver = {"decision": "online"}
    assert web_act(client_as("clerk"), application, WasteDisposalFlow.deliver, deliver).status_code == 302

    application.refresh_from_db()
    assert application.status == Status.DELIVERED
    permit = Permit.objects.get(application=application)
    # The requested period, never before the decision, within the type's one-year maximum.
    assert permit.valid_from == dt.date(2026, 12, 1)
    assert permit.valid_until == dt.date(2027, 5, 31)
    assert permit.disposal_site == "昭阳区北郊建筑垃圾消纳场"
    kinds = list(IssuedDocument.objects.filter(subject_id=str(application.pk)).values_list("kind", flat=True))
    assert sorted(kinds) == ["waste_acceptance", "waste_grant", "waste_permit"]
    grant = IssuedDocument.objects.get(kind="waste_grant", subject_id=str(application.pk))
    assert grant.data["reasons"] == decide["comment"] and grant.data["conditions"] == decide["conditions"]
    assert grant.data["transport_company"] == "昭通远驰渣土运输有限公司"
    permit_page = applicant.get(f"/waste/permits/{permit.pk}/")
    assert permit_page.status_code == 200 and permit.number in permit_page.content.decode()


def test_the_kernel_rules_hold_for_the_second_type(client_as, demo_users):
    """The law is the kernel's: the late supplement notice and the staff extension are refused here too."""
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    client_as("applicant").post("/waste/apply/", with_materials(waste_data()))
    application = PermitApplication.objects.get()
    clock.set_now(dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC))  # 9 working days later
    response = web_act(
        client_as("clerk"),
        application,
        WasteDisposalFlow.accept,
        {"decision": "supplement", "missing_items": ["site_consent"]},
    )
    assert response.status_code in (200, 400)
    with translation.override("zh-hans"):
        message = str(SUPPLEMENT_WINDOW_PASSED) % {"date": "2026-11-23"}
    assert "第三十二条" in message
    assert message in html.unescape(response.content.decode())
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.supplement_requested_at is None
    # Accepted late: the clock runs from the day the materials arrived (ALL art. 32).
    assert web_act(client_as("clerk"), application, WasteDisposalFlow.accept, {"decision": "accept"}).status_code == 302
    from licensing.services.common import overall_clock

    assert overall_clock(application).start_date == dt.date(2026, 11, 23)
    # The chief cannot extend: only the bureau head (ALL art. 42).
    with pytest.raises(PermissionDenied, match=str(EXTENSION_LEADER_ONLY)):
        application_extend(application=application, acting_user=demo_users["chief"], reason="需现场核查")
    application.refresh_from_db()
    assert application.extended_at is None
    url = f"/waste/applications/{application.pk}/extend/"
    response = client_as("leader").post(url, {"reason": "需核查消纳场所容量"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.extended_at is not None
    assert documents_for(application).filter(kind="waste_extension").exists()


def test_a_requested_hearing_runs_through_the_kernel_hearing_steps(client_as):
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    client_as("applicant").post("/waste/apply/", with_materials(waste_data(hearing_requested="on")))
    application = PermitApplication.objects.get()
    assert application.hearing_requested
    assert web_act(client_as("clerk"), application, WasteDisposalFlow.accept, {"decision": "accept"}).status_code == 302
    review = {"decision": "recommend_grant", "comment": "路线合规"}
    assert web_act(client_as("waste_reviewer"), application, WasteDisposalFlow.review, review).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.HEARING
    from licensing.services.common import overall_clock

    assert overall_clock(application).is_paused
    assert documents_for(application).filter(kind="waste_hearing_notice").exists()
    open_task(application, WasteDisposalFlow.schedule_hearing)


@pytest.fixture
def api_as(demo_users):
    def make(username):
        client = APIClient()
        client.force_authenticate(demo_users[username])
        return client

    return make


def complete(client, step, **data):
    tasks = client.get("/api/tasks/").json()["results"]
    matching = [t for t in tasks if t["step"] == step and t["process_type"].startswith("construction_waste/")]
    assert matching, tasks
    response = client.post(f"/api/tasks/{matching[0]['id']}/complete/", data, format="json")
    assert response.status_code == 200, response.content
    return response


def test_apply_and_grant_through_the_api(api_as):
    clock.set_now(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    bad = api_as("applicant").post("/api/waste-permits/", waste_data(), format="multipart")
    assert bad.status_code == 400 and "material_application_form" in bad.json()
    assert not PermitApplication.objects.exists()
    response = api_as("applicant").post(
        "/api/waste-permits/", with_materials(waste_data(), as_list=False), format="multipart"
    )
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    assert response.json()["waste_kind"] == "spoil"

    complete(api_as("clerk"), "accept", decision="accept")
    complete(api_as("waste_reviewer"), "review", decision="recommend_grant", comment="路线、车辆、消纳场所均符合要求")
    complete(api_as("chief"), "decide", decision="grant", comment="准予核准")
    complete(api_as("clerk"), "deliver", decision="online")

    detail = api_as("applicant").get(f"/api/waste-permits/{application_id}/").json()
    assert detail["status"] == Status.DELIVERED
    assert detail["clock"]["rule"] == "waste.overall" and detail["clock"]["stopped_at"] is not None
    assert detail["permit"]["valid_from"] == "2026-12-01"
    assert sorted(d["kind"] for d in detail["documents"]) == ["waste_acceptance", "waste_grant", "waste_permit"]
    assert api_as("applicant2").get(f"/api/waste-permits/{application_id}/").status_code == 404
    # The kernel's actions serve this type too: the applicant rates the finished application.
    rated = api_as("applicant").post(
        f"/api/waste-permits/{application_id}/actions/rating/", {"score": "satisfied", "comment": ""}, format="json"
    )
    assert rated.status_code == 200, rated.content
