"""Application numbers past 99,999 in a county and year: integer sequence, no reuse, no overflow."""

from __future__ import annotations

from typing import Any

import pytest

from outdoor_ads.models import PermitApplication
from outdoor_ads.services import application_submit
from workflows import clock
from workflows.models import County, NumberCounter

pytestmark = pytest.mark.django_db


def submit(users: dict[str, Any], county: County) -> PermitApplication:
    return application_submit(
        acting_user=users["applicant"], county=county, facility_type="wall_sign", address="珠泉路88号"
    )


def test_the_100000th_application_of_a_county_gets_a_fresh_number(demo_users: dict[str, Any]) -> None:
    county = County.objects.get(name="昭阳区")
    prefix = f"GG{clock.today().year}{county.code}"
    first = submit(demo_users, county)
    assert first.number == f"{prefix}000001"
    # Jump the county's series to just before 100,000 (as after a busy decade of one year's numbers).
    NumberCounter.objects.filter(series=f"application:{county.code}").update(last=99_998)
    assert submit(demo_users, county).number == f"{prefix}099999"
    assert submit(demo_users, county).number == f"{prefix}100000"
    assert submit(demo_users, county).number == f"{prefix}100001"
    # Another county's series is its own.
    ludian = County.objects.get(name="鲁甸县")
    assert submit(demo_users, ludian).number == f"GG{clock.today().year}{ludian.code}000001"


def test_numbers_issued_before_the_counter_are_continued_numerically(demo_users: dict[str, Any]) -> None:
    county = County.objects.get(name="昭阳区")
    prefix = f"GG{clock.today().year}{county.code}"
    old = submit(demo_users, county)
    # Numbers from the old five-digit format, the largest of which sorts first as a string.
    PermitApplication.objects.filter(pk=old.pk).update(number=f"{prefix}99999")
    other = submit(demo_users, county)
    PermitApplication.objects.filter(pk=other.pk).update(number=f"{prefix}100000")
    NumberCounter.objects.all().delete()
    assert submit(demo_users, county).number == f"{prefix}100001"
