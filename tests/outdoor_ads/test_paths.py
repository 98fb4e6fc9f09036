"""The other paths of domain §2 over HTTP: supplement, hearing, extension, withdrawal, time limits."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from viewflow.workflow.status import PROCESS

from licensing.services.common import supplement_clock
from outdoor_ads.flows import PermitFlow
from outdoor_ads.models import PermitApplication
from outdoor_ads.services import overall_clock
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.sla.models import Notification
from workflows.tasks import sweep

from .support import grant_through_web, latest_application, open_task, pdf_upload, png_upload, web_act, web_apply

pytestmark = pytest.mark.django_db
Status = PermitApplication.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def request_supplement(client_as, application, items=("site_right", "design")):
    response = web_act(
        client_as("clerk"),
        application,
        PermitFlow.accept,
        {"decision": "supplement", "missing_items": list(items), "supplement_note": "租赁合同未盖章；效果图不清晰"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    return application


def test_supplement_resubmit_then_grant(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = request_supplement(client_as, latest_application())
    assert application.status == Status.SUPPLEMENT
    assert application.supplement_items == ["site_right", "design"]
    # 10 working days after Tue 1 Dec, on the supplement clock (the only copy of the date).
    assert supplement_clock(application).due_date == dt.date(2026, 12, 15)
    assert overall_clock(application) is None  # the licensing clock starts only at acceptance
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert "场地（建筑物）使用权证明" in page and "租赁合同未盖章" in page
    assert Notification.objects.filter(recipient__username="applicant", title__contains=application.number).exists()
    notice = documents_for(application).get(kind="ad_supplement")
    assert notice.data["missing_items"] == [
        "场地（建筑物）使用权证明（租赁合同或产权证明）",
        "设计图、效果图及位置示意图",
        "租赁合同未盖章；效果图不清晰",
    ]
    assert notice.data["supplement_deadline"] == "2026-12-15"

    incomplete = client_as("applicant").post(
        f"/ads/applications/{application.pk}/supplement/", {"material_site_right": [pdf_upload("lease.pdf")]}
    )
    assert incomplete.status_code == 400
    assert "必须提交此项材料。" in incomplete.content.decode()
    response = client_as("applicant").post(
        f"/ads/applications/{application.pk}/supplement/",
        {"material_site_right": [pdf_upload("lease.pdf")], "material_design": [png_upload("render.png")]},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.attachments.filter(purpose="supplement").count() == 2

    task = open_task(application, PermitFlow.accept)
    assert client_as("clerk").post(task.reverse("assign")).status_code == 302
    page = client_as("clerk").get(task.reverse("execute")).content.decode()
    assert 'value="supplement"' not in page  # one-time notice: no second supplement round
    grant_rest = client_as  # the accept step now runs inside grant_through_web
    grant_through_web(grant_rest, application)
    application.refresh_from_db()
    assert application.status == Status.DELIVERED


def test_supplement_without_answer_is_withdrawn_by_the_sweep(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = request_supplement(client_as, latest_application())
    clock.set_now(at(dt.date(2026, 12, 15), 18))
    sweep()
    application.refresh_from_db()
    assert application.status == Status.SUPPLEMENT  # the last day still counts
    clock.set_now(at(dt.date(2026, 12, 16), 0))
    sweep()
    sweep()  # idempotent
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.process.status == PROCESS.DONE
    assert application.process.task_set.filter(flow_task=PermitFlow.withdrawn).exists()
    applicant = client_as("applicant")
    answer = applicant.post(
        f"/ads/applications/{application.pk}/supplement/", {"material_site_right": [pdf_upload()]}, follow=True
    )
    assert "该申请当前无需补正材料。" in answer.content.decode()


def test_promised_due_date_counts_working_days_across_national_day(client_as):
    clock.set_now(at(dt.date(2026, 9, 30)))
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    item = overall_clock(application)
    # 1–7 Oct are holidays, Sat 10 Oct is a make-up working day.
    assert item.due_date == dt.date(2026, 10, 23)
    assert item.statutory_due_date == dt.date(2026, 11, 3)
    page = client_as("applicant").get(f"/ads/applications/{application.pk}/").content.decode()
    assert "2026-10-23" in page


def test_late_acceptance_counts_from_the_day_the_application_arrived(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = latest_application()
    clock.set_now(at(dt.date(2026, 12, 10)))  # 7 working days later: the notice is late
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    assert overall_clock(application).start_date == dt.date(2026, 12, 1)


def test_bureau_head_extends_once_with_a_reason(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    statutory = overall_clock(application).statutory_due_date
    url = f"/ads/applications/{application.pk}/extend/"
    assert client_as("reviewer").post(url, {"reason": "需专家论证"}).status_code == 403
    assert overall_clock(application).statutory_due_date == statutory  # refused: not the bureau head
    empty = client_as("leader").post(url, {"reason": ""})
    assert empty.status_code == 400
    assert client_as("leader").post(url, {"reason": "涉及多部门意见征询"}).status_code == 302
    item = overall_clock(application)
    assert item.extension_days == 10
    assert item.statutory_due_date > statutory
    extension = documents_for(application).get(kind="ad_extension")
    assert extension.data["new_due_on"] == item.statutory_due_date.isoformat()
    assert extension.data["reason"] == "涉及多部门意见征询"
    again = client_as("leader").post(url, {"reason": "再次延期"}, follow=True)
    assert "法定办理时限只能延长一次。" in again.content.decode()
    assert overall_clock(application).extension_days == 10
    assert Notification.objects.filter(recipient__username="applicant", body="涉及多部门意见征询").exists()


def test_applicant_withdraws_before_the_decision(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    assert client_as("applicant2").post(f"/ads/applications/{application.pk}/withdraw/").status_code == 404
    response = client_as("applicant").post(f"/ads/applications/{application.pk}/withdraw/", {"reason": "选址变更"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert application.process.status == PROCESS.CANCELED
    assert overall_clock(application) is None
    assert not application.process.task_set.filter(status__in=["NEW", "ASSIGNED"]).exists()


def test_withdrawal_after_the_decision_is_refused(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    grant_through_web(client_as, application)
    response = client_as("applicant").post(f"/ads/applications/{application.pk}/withdraw/", follow=True)
    assert "该申请已办结。" in response.content.decode() or "已作出决定" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DELIVERED


def test_survey_is_required_by_the_rule_and_takes_photos(client_as):
    web_apply(client_as("applicant"), width_m="6.00", height_m="2.00")  # 12 m² ≥ 10 m² for wall signs
    application = latest_application()
    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    web_act(client_as("reviewer"), application, PermitFlow.review, {"decision": "recommend_grant", "comment": "同意"})
    web_act(client_as("reviewer2"), application, PermitFlow.countersign, {"decision": "agree"})
    assert open_task(application).flow_task is PermitFlow.survey
    no_photo = web_act(
        client_as("surveyor"), application, PermitFlow.survey, {"decision": "conforms", "comment": "相符"}
    )
    assert no_photo.status_code == 200
    response = web_act(
        client_as("surveyor"),
        application,
        PermitFlow.survey,
        {"decision": "conforms", "comment": "现场与图纸相符", "photos": [png_upload("site.png")]},
    )
    assert response.status_code == 302
    assert application.attachments.filter(purpose="survey").count() == 1
    assert open_task(application).flow_task is PermitFlow.decide
