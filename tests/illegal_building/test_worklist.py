"""The case queue says what each case is about: number, masked party, address, due date and light."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from illegal_building.models import Case
from illegal_building.services import case_report
from workflows import clock
from workflows.models import County

from .helpers import at

pytestmark = pytest.mark.django_db


def report(users: dict[str, Any], address: str, county: str = "昭阳区") -> Case:
    return case_report(
        acting_user=users["patrol"],
        county=County.objects.get(name=county),
        source=Case.Source.PATROL,
        address=address,
        description="楼顶正在搭建彩钢板房",
    )


def rows(html: str) -> list[str]:
    return re.findall(r"<tr[^>]*data-row-id[^>]*>.*?</tr>", html, flags=re.S)


@pytest.fixture
def cases(demo_users: dict[str, Any]) -> tuple[Case, Case]:
    clock.set_now(at(2026, 3, 2))  # a Monday
    older = report(demo_users, "凤霞路19号楼顶")
    clock.set_now(at(2026, 3, 4))
    newer = report(demo_users, "海楼路7号")
    report(demo_users, "文屏镇3号", county="鲁甸县")
    # The parties as verification would record them: a natural person and a company.
    Case.objects.filter(pk=older.pk).update(party_name="祁有望", party_is_person=True)
    Case.objects.filter(pk=newer.pk).update(party_name="昭通鸿运置业有限公司", party_is_person=False)
    clock.set_now(at(2026, 3, 9))
    return older, newer


def test_case_queue_shows_number_masked_party_address_and_due_date_sorted(
    client_as: Callable[[str], Client], cases: tuple[Case, Case]
) -> None:
    older, newer = cases
    html = client_as("officer").get("/cases/queue/").content.decode()
    for header in ["编号", "事项", "环节", "办理人", "到期日", "剩余工作日", "操作"]:
        assert header in html
    body = rows(html)
    assert len(body) == 2 and "文屏镇3号" not in html
    assert older.report_number in body[0] and newer.report_number in body[1]
    # A natural person's name is personal data: masked in the list; a company is named in full.
    assert "祁**" in body[0] and "祁有望" not in html and "凤霞路19号楼顶" in body[0]
    assert "昭通鸿运置业有限公司" in body[1] and "海楼路7号" in body[1]
    assert "data-light=" in body[0] and 'data-action="claim"' in body[0]


def test_case_queue_filters_by_text_county_and_sorts_by_due_date_descending(
    client_as: Callable[[str], Client], cases: tuple[Case, Case]
) -> None:
    older, newer = cases
    client = client_as("officer")
    found = client.get("/cases/queue/?" + urlencode({"_search": "海楼路"})).content.decode()
    assert newer.report_number in found and older.report_number not in found
    county = County.objects.get(name="昭阳区")
    assert len(rows(client.get(f"/cases/queue/?county={county.pk}").content.decode())) == 2
    other = County.objects.get(name="鲁甸县")
    assert rows(client.get(f"/cases/queue/?county={other.pk}").content.decode()) == []
    latest_first = rows(client.get("/cases/queue/?_orderby=-due").content.decode())
    assert newer.report_number in latest_first[0] and older.report_number in latest_first[1]
    lights = [client.get(f"/cases/queue/?light={light}").content.decode() for light in ("green", "yellow", "red")]
    assert sum(older.report_number in html for html in lights) == 1


def test_officers_menu_and_workbench_count_the_case_queue_per_light(
    client_as: Callable[[str], Client], cases: tuple[Case, Case]
) -> None:
    older, newer = cases
    client = client_as("officer")
    html = client.get("/cases/queue/").content.decode()
    assert re.search(r'data-testid="queue-count">2<', html)
    lights = re.search(r'data-testid="queue-lights"[^>]*>(.*?)</div>', html, flags=re.S)
    assert lights is not None
    counted = [int(n) for n in re.findall(r'data-light="\w+"[^>]*>.*?</span> (\d+)</a>', lights.group(1))]
    assert sum(counted) == 2
    home = client.get("/workbench/").content.decode()
    assert re.search(r'data-tile="queue-case[^"]*".*?data-testid="tile-count">2<', home, flags=re.S)
    assert older.report_number in home and newer.report_number in home
