"""The supervision dashboard against a hand-counted fixture; its query count does not grow with rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from workflows import clock
from workflows.models import County, User
from workflows.sla import rollup, services
from workflows.sla.models import ClockDayTotal, ClockRollup
from workflows.sla.rules import ClockRuleSpec, register_rule
from workflows.tasks import sweep

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


def dashboard_figures(client: Client) -> dict[str, object]:
    """Every figure of the dashboard for three periods, and the CSV export (pages also carry tokens)."""
    import re

    figures: dict[str, object] = {}
    for url in ("/sla/", "/sla/?start=2026-10-13&end=2026-10-20", "/sla/?start=2026-10-01&end=2026-10-14"):
        with clock.travel(TODAY):
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        figures[url] = (rows_of(page), re.findall(r'data-testid="(total-\w+|on-time-rate)">([^<]*)<', page))
    with clock.travel(TODAY):
        figures["csv"] = client.get("/sla/export.csv").content.decode("utf-8-sig")
    return figures


def test_the_beat_rolls_closed_days_up_and_the_figures_stay_the_same(
    fixture_clocks: dict, client_as: Callable[[str], Client]
) -> None:
    client = client_as("supervisor")
    live = dashboard_figures(client)
    assert live["/sla/?start=2026-10-01&end=2026-10-14"][0]["drill|"][2:] == ["1", "1", "100.0", "3.0"]  # type: ignore[index]
    with clock.travel(TODAY):
        sweep()
    # Days up to two before the sweep: a4 (12 Oct) and a5 (15 Oct) are in the daily totals.
    assert ClockRollup.objects.get(name=rollup.ROLLUP_NAME).through == dt.date(2026, 10, 18)
    totals = ClockDayTotal.objects.filter(county__name="昭阳区", process_code="drill", step_code="")
    assert sorted(totals.values_list("day", "light", "closed", "on_time", "days_used_sum")) == [
        (dt.date(2026, 10, 12), "green", 1, 1, 3),
        (dt.date(2026, 10, 15), "red", 1, 0, 28),
    ]
    assert dashboard_figures(client) == live
    with clock.travel(TODAY):
        sweep()  # every later beat of the day: nothing more is written
    assert ClockDayTotal.objects.count() == 2
    # The covered days are read from the totals, not from the clocks.
    totals.filter(day=dt.date(2026, 10, 12)).update(closed=4, on_time=4)
    with clock.travel(TODAY):
        page = client.get("/sla/").content.decode()
    assert rows_of(page)["drill|"][2:4] == ["5", "4"]


def test_a_clock_stopped_after_the_covered_days_is_counted_from_the_clocks(
    fixture_clocks: dict, client_as: Callable[[str], Client]
) -> None:
    with clock.travel(TODAY):
        sweep()
    stop(fixture_clocks["a1_green"], at(2026, 10, 19))  # after the last covered day (18 Oct)
    with clock.travel(TODAY):
        page = client_as("supervisor").get("/sla/").content.decode()
    assert rows_of(page)["drill|"][2:4] == ["3", "2"]  # a1 and a4 on time, a5 late
    assert 'data-testid="total-green">3<' in page
    assert ClockDayTotal.objects.filter(day=dt.date(2026, 10, 19)).count() == 0
    with clock.travel(at(2026, 10, 22)):
        sweep()  # 19 and 20 Oct are now final
        again = client_as("supervisor").get("/sla/").content.decode()
    assert ClockDayTotal.objects.filter(day=dt.date(2026, 10, 19)).count() == 1
    assert rows_of(again)["drill|"][2:4] == ["3", "2"]


def test_query_count_is_the_same_with_days_rolled_up(fixture_clocks: dict, client_as: Callable[[str], Client]) -> None:
    client = client_as("supervisor")

    def queries() -> int:
        with clock.travel(TODAY), CaptureQueriesContext(connection) as captured:
            assert client.get("/sla/").status_code == 200
        return len(captured)

    before = queries()
    with clock.travel(TODAY):
        sweep()
    assert queries() == before


def test_the_command_rebuilds_the_totals_from_scratch(fixture_clocks: dict) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    with clock.travel(TODAY):
        sweep()
        ClockDayTotal.objects.update(closed=9)  # as if clocks had been loaded onto covered days
        call_command("roll_up_clock_days", "--from-scratch", stdout=out)
    assert out.getvalue().strip() == "2 daily total rows written; days up to 2026-10-18 covered."
    assert sorted(ClockDayTotal.objects.values_list("closed", flat=True)) == [1, 1]
