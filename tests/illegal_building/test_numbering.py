"""Report and case numbers past 100,000: integer sequences, no reuse, no overflow."""

from __future__ import annotations

from typing import Any

import pytest

from illegal_building.models import Case
from illegal_building.services import _next_case_number, case_report
from workflows import clock
from workflows.models import County, NumberCounter

pytestmark = pytest.mark.django_db


def report(users: dict[str, Any]) -> Case:
    return case_report(
        acting_user=users["patrol"],
        county=County.objects.get(name="昭阳区"),
        source=Case.Source.PATROL,
        address="凤霞路19号楼顶",
        description="楼顶正在搭建彩钢板房",
    )


def test_report_numbers_continue_past_a_million_numerically(demo_users: dict[str, Any]) -> None:
    year = clock.today().year
    first = report(demo_users)
    assert first.report_number == f"WJ{year}0000001"
    NumberCounter.objects.filter(series="case-report").update(last=99_999)
    assert report(demo_users).report_number == f"WJ{year}0100000"
    # Numbers from the old six-digit format are continued, not reused, when no counter exists yet.
    Case.objects.filter(pk=first.pk).update(report_number=f"WJ{year}999999")
    NumberCounter.objects.all().delete()
    assert report(demo_users).report_number == f"WJ{year}1000000"
    assert report(demo_users).report_number == f"WJ{year}1000001"


def test_case_numbers_continue_past_100000(demo_users: dict[str, Any]) -> None:
    county = County.objects.get(name="昭阳区")
    prefix = f"{county.short_name}住建违立〔{clock.today().year}〕"
    case = report(demo_users)
    Case.objects.filter(pk=case.pk).update(case_number=f"{prefix}99999号")
    assert _next_case_number(county) == f"{prefix}100000号"
    NumberCounter.objects.all().delete()
    Case.objects.filter(pk=case.pk).update(case_number=f"{prefix}100000号")
    assert _next_case_number(county) == f"{prefix}100001号"
