"""Other sources of cases (hotline import, expired advertising permits), report notifications,
and the appraisal pause of the 90-day clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from illegal_building import clocks
from illegal_building.models import Case
from outdoor_ads.models import Permit
from tests.outdoor_ads.support import grant_through_web, latest_application, web_apply
from workflows import clock
from workflows.sla import selectors as sla_selectors
from workflows.sla.models import Notification

from .helpers import Driver, at
from .test_scoping_and_public import foreign_officer

pytestmark = pytest.mark.django_db


def test_hotline_tickets_are_imported_once_with_the_reporter_protected(
    demo_users: dict[str, Any], client_as: Any, tmp_path: Any, monday: None
) -> None:
    path = tmp_path / "hotline.csv"
    path.write_text(
        "ticket,county,address,description,reporter_name,reporter_phone\n"
        "ZT20260302001,昭阳区,昭阳区海楼路5号,院内违建,钱多多,13912345678\n"
        "ZT20260302002,昭阳区,昭阳区学院路8号,楼顶加层,,\n",
        encoding="utf-8",
    )
    call_command("import_hotline", str(path))
    call_command("import_hotline", str(path))
    cases = Case.objects.filter(source=Case.Source.HOTLINE)
    assert cases.count() == 2
    first = cases.get(address="昭阳区海楼路5号")
    assert first.reporter_phone == "13912345678"
    page = client_as("officer").get(f"/cases/cases/{first.pk}/").content.decode()
    assert "ZT20260302001" in page
    assert "13912345678" not in page and "钱多多" not in page
    bad = tmp_path / "bad.csv"
    bad.write_text("ticket,county,address,description\nX1,不存在县,某地,某事\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_hotline", str(bad))
    assert Case.objects.count() == 2


def test_a_report_notifies_the_countys_officers_and_squad_leader(
    client_as: Any, demo_users: dict[str, Any], monday: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("patrol").post(
            "/cases/cases/report/",
            {"county": demo_users["patrol"].county_id, "address": "昭阳区北门街1号", "description": "违法加层"},
        )
    assert response.status_code == 302
    case = Case.objects.get()
    recipients = set(Notification.objects.filter(object_id=str(case.pk)).values_list("recipient__username", flat=True))
    assert recipients == {"officer", "officer2", "squadlead"}


def test_appraisal_pauses_the_90_days(reported: Driver) -> None:
    d = reported
    d.verify()
    d.file_and_stop()
    response = d.record("officer", "appraisal", {"started": "yes", "note": "委托房屋安全鉴定"})
    assert response.status_code == 302
    deciding = sla_selectors.open_clock(d.case, clocks.DECISION)
    assert deciding is not None and deciding.is_paused
    clock.set_now(at(2026, 3, 12, 10))
    d.record("officer", "appraisal", {"started": "no", "note": "鉴定完成"})
    deciding.refresh_from_db()
    assert not deciding.is_paused
    assert deciding.due_date == dt.date(2026, 6, 10)  # 31 May + 10 days of appraisal


def test_expired_advertising_permit_becomes_a_linked_case(client_as: Any, demo_users: dict[str, Any]) -> None:
    clock.set_now(at(2026, 12, 1, 10))
    web_apply(client_as("applicant"), period_until="2027-12-31")
    application = latest_application()
    grant_through_web(client_as, application)
    permit = Permit.objects.get(application=application)
    officer = client_as("officer")
    refused = officer.post(f"/cases/cases/from-permit/{permit.pk}/", {"description": "设施仍在"})
    assert refused.status_code == 302
    assert not Case.objects.exists()  # not expired yet

    clock.set_now(at(2028, 1, 4, 10))
    listing = officer.get("/cases/cases/").content.decode()
    assert permit.number in listing
    foreign_officer(demo_users)
    foreign = client_as("reviewer_ludian")
    assert foreign.post(f"/cases/cases/from-permit/{permit.pk}/", {"description": "x"}).status_code == 404
    response = officer.post(f"/cases/cases/from-permit/{permit.pk}/", {"description": "许可证已过期，广告牌仍在"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == Case.Source.AD_FACILITY
    assert case.permit_application == application
    assert case.address == application.address
    assert permit.number not in officer.get("/cases/cases/").content.decode()
    officer.post(f"/cases/cases/from-permit/{permit.pk}/", {"description": "再次"})
    assert Case.objects.count() == 1
