"""A field report over the API may name the advertising permit record of the facility."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from illegal_building import gates
from illegal_building.models import Case
from outdoor_ads.models import PermitApplication
from tests.outdoor_ads.support import latest_application, web_apply
from workflows.jurisdiction import staff_place
from workflows.models import AuditEntry, County

pytestmark = pytest.mark.django_db


def _apply(client_as: Any, county: str) -> PermitApplication:
    response = web_apply(client_as("applicant"), county=County.objects.get(name=county).pk,
                         address=f"{county}临街外墙")
    assert response.status_code == 302, response.content[:1000]
    return latest_application()


def test_report_links_a_visible_permit_of_the_same_county(client_as: Any, demo_users: dict[str, Any],
                                                          monday: None) -> None:
    zhaoyang = _apply(client_as, "昭阳区")
    ludian = _apply(client_as, "鲁甸县")
    officer = client_as("officer")
    report = {"address": "昭阳区珠泉路88号", "description": "广告牌超出许可尺寸"}

    foreign = officer.post("/api/cases/", {**report, "permit_application": ludian.pk})
    assert foreign.status_code == 400
    assert foreign.json() == {"permit_application": [str(gates.PERMIT_NOT_VISIBLE)]}
    missing = officer.post("/api/cases/", {**report, "permit_application": 999999})
    assert missing.json() == {"permit_application": [str(gates.PERMIT_NOT_VISIBLE)]}
    assert officer.post("/api/cases/", {**report, "permit_application": "abc"}).status_code == 400
    assert not Case.objects.exists()
    assert not AuditEntry.objects.filter(action="case.report").exists()

    linked = officer.post("/api/cases/", {**report, "permit_application": zhaoyang.pk})
    assert linked.status_code == 201, linked.content
    assert linked.json()["permit_application"] == zhaoyang.pk
    case = Case.objects.get()
    assert case.permit_application == zhaoyang
    assert case.source == Case.Source.AD_FACILITY
    detail = officer.get(f"/api/cases/{case.pk}/").json()
    assert detail["permit_application"] == zhaoyang.pk

    plain = officer.post("/api/cases/", {**report, "address": "昭阳区学院路3号"})
    assert plain.status_code == 201
    assert plain.json()["permit_application"] is None


def test_city_wide_officer_cannot_link_a_permit_of_another_county(client_as: Any, demo_users: dict[str, Any],
                                                                  monday: None) -> None:
    ludian = _apply(client_as, "鲁甸县")
    supervisor = demo_users["supervisor"]
    supervisor.groups.add(Group.objects.get(name="role:officer"))
    staff_place(supervisor, None)
    client = client_as("supervisor")
    zhaoyang_code = County.objects.get(name="昭阳区").code
    response = client.post("/api/cases/", {"county": zhaoyang_code, "address": "昭阳区北门街1号",
                                           "description": "广告牌", "permit_application": ludian.pk})
    assert response.status_code == 400
    assert response.json() == {"permit_application": [str(gates.PERMIT_OTHER_COUNTY)]}
    assert not Case.objects.exists()
    ludian_code = County.objects.get(name="鲁甸县").code
    ok = client.post("/api/cases/", {"county": ludian_code, "address": "鲁甸县文屏镇",
                                     "description": "广告牌", "permit_application": ludian.pk})
    assert ok.status_code == 201, ok.content
