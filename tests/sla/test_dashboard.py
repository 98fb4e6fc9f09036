"""The supervision dashboard against a hand-counted fixture; its query count does not grow with rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from workflows import clock
from workflows.models import County, User
from workflows.sla import services
from workflows.sla.rules import ClockRuleSpec, register_rule

from .helpers import at

pytestmark = pytest.mark.django_db

register_rule(ClockRuleSpec(code="drill.accept", title="Drill acceptance", limit=5, step_code="accept"))
TODAY = at(2026, 10, 20)


def start(county: County, user: User, when: object, rule: str = "drill.overall") -> services.Clock:
    with clock.travel(when):  # type: ignore[arg-type]
        return services.clock_start(subject=county, rule=rule, county=county, assignee=user)


def stop(item: services.Clock, when: object) -> None:
    with clock.travel(when):  # type: ignore[arg-type]
        services.clock_stop(clock=item)


@pytest.fixture
def fixture_clocks(demo_users: dict) -> dict[str, services.Clock]:
    zhaoyang = County.objects.get(name="昭阳区")
    ludian = County.objects.get(name="鲁甸县")
    reviewer, other = demo_users["reviewer"], demo_users["reviewer_ludian"]
    clocks = {
        "a1_green": start(zhaoyang, reviewer, at(2026, 10, 19)),
        "a2_yellow": start(zhaoyang, reviewer, at(2026, 9, 29)),  # due 22 Oct: 2 left on 20 Oct
        "a3_red": start(zhaoyang, reviewer, at(2026, 9, 1)),
        "a4_on_time": start(zhaoyang, reviewer, at(2026, 10, 8)),
        "a5_late": start(zhaoyang, reviewer, at(2026, 9, 1)),
        "a6_step": start(zhaoyang, reviewer, at(2026, 10, 19), rule="drill.accept"),
        "b1_red": start(ludian, other, at(2026, 9, 1)),
    }
    stop(clocks["a4_on_time"], at(2026, 10, 12))  # 9, Sat 10, 12 Oct: 3 working days
    # 2 Sept - 15 Oct: 2-4, 7-11, 14-18, Sun 20, 21-24, 28-30 Sept (21), 8, 9, Sat 10, 12-15 Oct: 28 days.
    stop(clocks["a5_late"], at(2026, 10, 15))
    return clocks


def rows_of(page: str) -> dict[str, list[str]]:
    import re

    found = {}
    for match in re.finditer(r'<tr data-row="([^"]*)">(.*?)</tr>', page, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(2), re.S)
        found[match.group(1)] = [c.strip() for c in cells]
    return found


def test_supervisor_sees_every_county(fixture_clocks: dict, client_as: Callable[[str], Client]) -> None:
    with clock.travel(TODAY):
        response = client_as("supervisor").get("/sla/")
    assert response.status_code == 200
    page = response.content.decode()
    rows = rows_of(page)
    assert rows["昭阳区|drill|"][3:] == ["2", "1", "2", "5"]  # green a1 + a4, yellow a2, red a3 + a5
    assert rows["昭阳区|drill|accept"][3:] == ["1", "0", "0", "1"]
    assert rows["鲁甸县|drill|"][3:] == ["0", "0", "1", "1"]
    assert 'data-testid="total-green">3<' in page
    assert 'data-testid="total-yellow">1<' in page
    assert 'data-testid="total-red">3<' in page
    assert 'data-testid="on-time-rate">50.0%<' in page
    assert rows["drill|"][2:] == ["2", "1", "50.0", "15.5"]  # (3 + 28) / 2 working days
    red = {int(pk) for pk in __import__("re").findall(r'<tr data-clock="(\d+)">', page)}
    assert red == {fixture_clocks["a3_red"].pk, fixture_clocks["b1_red"].pk}
    assert "庞思远" in page  # the holder of the red item
    assert 'data-testid="chart"' in page and "xh-bar" in page


def test_county_chief_sees_only_their_county(fixture_clocks: dict, client_as: Callable[[str], Client]) -> None:
    with clock.travel(TODAY):
        page = client_as("chief").get("/sla/?county=" + str(County.objects.get(name="鲁甸县").pk)).content.decode()
    rows = rows_of(page)
    assert "鲁甸县|drill|" not in rows
    assert rows["昭阳区|drill|"][3:] == ["2", "1", "2", "5"]
    assert f'data-clock="{fixture_clocks["b1_red"].pk}"' not in page


def test_staff_without_the_permission_get_404(fixture_clocks: dict, client_as: Callable[[str], Client]) -> None:
    assert client_as("reviewer").get("/sla/").status_code == 404
    assert client_as("applicant").get("/sla/export.csv").status_code == 404


def test_period_filter(fixture_clocks: dict, client_as: Callable[[str], Client]) -> None:
    with clock.travel(TODAY):
        page = client_as("supervisor").get("/sla/?start=2026-10-13&end=2026-10-20").content.decode()
    # a4 stopped on 12 Oct, before the period: neither counted nor closed in it.
    assert 'data-testid="total-green">2<' in page
    assert 'data-testid="total-red">3<' in page
    assert rows_of(page)["drill|"][2:] == ["1", "0", "0.0", "28.0"]
    with clock.travel(TODAY):
        bad = client_as("supervisor").get("/sla/?start=2026-10-20&end=2026-10-01")
    assert bad.status_code == 200
    assert "期间的结束日早于开始日。" in bad.content.decode()


def test_csv_export(fixture_clocks: dict, client_as: Callable[[str], Client]) -> None:
    with clock.travel(TODAY):
        response = client_as("supervisor").get("/sla/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["昭阳区", "drill", "全流程", "2", "1", "2", "5"] in rows
    assert ["鲁甸县", "drill", "全流程", "0", "0", "1", "1"] in rows
    assert ["drill", "全流程", "2", "1", "50.0", "15.5"] in rows
    assert sum(1 for row in rows if row and row[-1] == "庞思远") == 1  # one red item held in 昭阳区


def test_query_count_does_not_grow_with_rows(
    fixture_clocks: dict,
    demo_users: dict,
    client_as: Callable[[str], Client],
) -> None:
    client = client_as("supervisor")

    def queries(url: str) -> int:
        with clock.travel(TODAY), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = {url: queries(url) for url in ("/sla/", "/sla/export.csv")}
    counties = list(County.objects.all())
    for index in range(60):
        start(counties[index % len(counties)], demo_users["reviewer"], at(2026, 9, 1 + index % 20))
    after = {url: queries(url) for url in ("/sla/", "/sla/export.csv")}
    assert after == before
    # The figures themselves are a handful of grouped queries, whatever the page frame adds.
    assert before["/sla/export.csv"] <= 10
