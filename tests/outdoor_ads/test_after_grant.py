"""After the grant: rating and follow-up, public lookup, the permit registry (renewal, change, cancellation)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from outdoor_ads.models import FollowUp, Permit, PermitApplication, PermitRequest
from workflows import clock
from workflows.documents.selectors import documents_for
from workflows.models import User
from workflows.sla.models import Notification
from workflows.tasks import sweep

from .support import grant_through_web, latest_application, web_apply

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=10):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def permit(client_as):
    clock.set_now(at(dt.date(2026, 12, 1)))
    web_apply(client_as("applicant"), period_until="2027-12-31")
    application = latest_application()
    grant_through_web(client_as, application)
    return Permit.objects.get(application=application)


def test_unsatisfied_rating_creates_a_follow_up_for_the_chief(client_as, permit):
    application = permit.application
    applicant = client_as("applicant")
    response = applicant.post(
        f"/ads/applications/{application.pk}/rate/", {"score": "unsatisfied", "comment": "窗口答复不清楚"}
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(rating__application=application)
    assert follow_up.resolved_at is None
    assert Notification.objects.filter(recipient__username="chief", body="窗口答复不清楚").exists()
    chief = client_as("chief")
    assert application.number in chief.get("/", follow=True).content.decode()
    assert client_as("reviewer_ludian").get(f"/ads/followups/{follow_up.pk}/").status_code == 404
    assert client_as("clerk").get(f"/ads/followups/{follow_up.pk}/").status_code == 403
    assert chief.post(f"/ads/followups/{follow_up.pk}/", {"note": "已电话回访并致歉"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.resolved_by.username == "chief"
    again = applicant.post(f"/ads/applications/{application.pk}/rate/", {"score": "satisfied"}, follow=True)
    assert "该申请已评价。" in again.content.decode()


def test_rating_before_completion_is_refused(client_as):
    web_apply(client_as("applicant"))
    application = latest_application()
    response = client_as("applicant").post(f"/ads/applications/{application.pk}/rate/", {"score": "satisfied"})
    assert response.status_code == 302
    assert not hasattr(PermitApplication.objects.get(pk=application.pk), "rating") or not FollowUp.objects.exists()
    from outdoor_ads.models import Rating

    assert not Rating.objects.filter(application=application).exists()


def test_public_lookup_without_login(client_as, demo_users):
    clock.set_now(at(dt.date(2026, 9, 30)))
    web_apply(client_as("applicant"))
    application = latest_application()
    from outdoor_ads.flows import PermitFlow

    from .support import web_act

    web_act(client_as("clerk"), application, PermitFlow.accept, {"decision": "accept"})
    anonymous = Client()
    page = anonymous.get("/public/ads/lookup/")
    assert page.status_code == 200
    wrong = anonymous.post("/public/ads/lookup/", {"number": application.number, "code": "WRONGCOD"})
    assert "没有与该申请编号和查询码相符的申请。" in wrong.content.decode()
    right = anonymous.post(
        "/public/ads/lookup/", {"number": application.number, "code": application.lookup_code.lower()}
    )
    html = right.content.decode()
    assert "已受理，审查中" in html
    assert "2026-10-23" in html  # promised due date
    assert "2026-11-03" in html  # statutory due date
    assert "13812345678" not in html


def test_registration_as_company_and_person(client, demo_users):
    response = client.post(
        "/public/ads/register/",
        {
            "kind": "company",
            "username": "yunhe_ads",
            "password": "Zt-2026-strong",
            "real_name": "李一鸣",
            "phone": "13900001111",
            "company_name": "昭通云合广告有限公司",
            "credit_code": "91530602mA6K7Q2X1B",
        },
    )
    assert response.status_code == 302
    company = User.objects.get(username="yunhe_ads")
    assert company.kind == User.Kind.COMPANY and company.credit_code == "91530602MA6K7Q2X1B"
    assert company.has_perm("outdoor_ads.add_permitapplication")
    bad = Client().post(
        "/public/ads/register/",
        {
            "kind": "person",
            "username": "zhang",
            "password": "Zt-2026-strong",
            "real_name": "张三",
            "phone": "13900002222",
            "id_number": "12345",
        },
    )
    assert "请输入有效的18位居民身份证号码。" in bad.content.decode()
    ok = Client().post(
        "/public/ads/register/",
        {
            "kind": "person",
            "username": "zhang",
            "password": "Zt-2026-strong",
            "real_name": "张三",
            "phone": "13900002222",
            "id_number": "53060219900307123X",
        },
    )
    assert ok.status_code == 302
    person = User.objects.get(username="zhang")
    assert person.id_number == "53060219900307123X"
    assert person.masked_id_number == "530602********123X"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM workflows_user WHERE username = 'zhang'")
        stored = cursor.fetchone()[0]
    assert "53060219900307123X" not in stored


def test_renewal_decided_by_the_chief(client_as, permit):
    holder = client_as("applicant")
    assert permit.valid_until == dt.date(2027, 12, 31)
    url = f"/ads/permits/{permit.pk}/renew/"
    clock.set_now(at(dt.date(2027, 12, 10)))
    late = holder.post(url, {"requested_until": "2029-12-31"}, follow=True)
    assert "延续申请应在许可证有效期届满30日前提出。" in late.content.decode()
    clock.set_now(at(dt.date(2027, 11, 1)))
    assert holder.post(url, {"requested_until": "2029-12-31", "reason": "继续经营"}).status_code == 302
    request = PermitRequest.objects.get(permit=permit)
    assert client_as("applicant2").get(f"/ads/permits/{permit.pk}/").status_code == 404
    response = client_as("chief").post(
        f"/ads/permit-requests/{request.pk}/decide/", {"decision": "grant", "comment": "设施状况良好"}
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.valid_until == dt.date(2029, 12, 31)
    request.refresh_from_db()
    assert request.status == PermitRequest.Status.GRANTED
    renewed = documents_for(permit.application).filter(kind="ad_permit").last()
    assert (renewed.valid_from, renewed.valid_until) == (dt.date(2028, 1, 1), dt.date(2029, 12, 31))


def test_renewal_not_decided_by_expiry_is_deemed_granted(client_as, permit):
    clock.set_now(at(dt.date(2027, 11, 1)))
    client_as("applicant").post(f"/ads/permits/{permit.pk}/renew/", {"requested_until": "2029-06-30"})
    clock.set_now(at(dt.date(2027, 12, 31), 23))
    sweep()
    assert PermitRequest.objects.get(permit=permit).status == PermitRequest.Status.PENDING
    clock.set_now(at(dt.date(2028, 1, 1), 0))
    sweep()
    sweep()
    request = PermitRequest.objects.get(permit=permit)
    assert request.status == PermitRequest.Status.DEEMED
    permit.refresh_from_db()
    assert permit.valid_until == dt.date(2029, 6, 30)
    assert permit not in Permit.objects.filter(valid_until__lt=clock.today())


def test_expiry_reminder_once_and_expired_list(client_as, permit):
    clock.set_now(at(dt.date(2027, 12, 1)))
    sweep()
    sweep()
    reminders = Notification.objects.filter(recipient__username="applicant", title__startswith=permit.number)
    assert reminders.filter(title__contains="30日内到期").count() == 1
    clock.set_now(at(dt.date(2028, 1, 2)))
    expired = client_as("chief").get("/ads/permits/?show=expired").content.decode()
    assert permit.number in expired
    assert permit.number not in client_as("reviewer_ludian").get("/ads/permits/?show=expired").content.decode()


def test_change_and_cancellation(client_as, permit):
    holder = client_as("applicant")
    assert holder.post(f"/ads/permits/{permit.pk}/change/", {"content": "星辰传媒 新门头"}).status_code == 302
    request = PermitRequest.objects.get(permit=permit, kind="change")
    client_as("chief").post(f"/ads/permit-requests/{request.pk}/decide/", {"decision": "grant", "comment": "同意"})
    permit.refresh_from_db()
    assert permit.content == "星辰传媒 新门头"
    permits = documents_for(permit.application).filter(kind="ad_permit")
    assert [d.status for d in permits] == ["superseded", "valid"]
    assert permits[1].data["content"] == "星辰传媒 新门头"
    assert client_as("chief").post(f"/ads/permits/{permit.pk}/cancel/", {"reason": ""}).status_code == 400
    assert holder.post(f"/ads/permits/{permit.pk}/cancel/", {"reason": "门店停业"}).status_code == 302
    permit.refresh_from_db()
    assert permit.status == Permit.Status.CANCELLED
    assert documents_for(permit.application).filter(kind="ad_permit").last().status == "revoked"
