"""The working-day calendar against the State Council's 2025 and 2026 schedules and the holiday law."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workflows import calendar
from workflows.calendar import CalendarDataMissing

pytestmark = pytest.mark.django_db

D = dt.date

# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号): days off and make-up working days.
OFFICIAL_2025_HOLIDAYS = (
    [D(2025, 1, 1)]
    + [D(2025, 1, d) for d in range(28, 32)]
    + [D(2025, 2, d) for d in range(1, 5)]
    + [D(2025, 4, d) for d in (4, 5, 6)]
    + [D(2025, 5, d) for d in range(1, 6)]
    + [D(2025, 5, 31), D(2025, 6, 1), D(2025, 6, 2)]
    + [D(2025, 10, d) for d in range(1, 9)]
)
OFFICIAL_2025_MAKEUP = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
# 国务院办公厅关于2026年部分节假日安排的通知.
OFFICIAL_2026_HOLIDAYS = (
    [D(2026, 1, d) for d in (1, 2, 3)]
    + [D(2026, 2, d) for d in range(15, 24)]
    + [D(2026, 4, d) for d in (4, 5, 6)]
    + [D(2026, 5, d) for d in range(1, 6)]
    + [D(2026, 6, d) for d in (19, 20, 21)]
    + [D(2026, 9, d) for d in (25, 26, 27)]
    + [D(2026, 10, d) for d in range(1, 8)]
)
OFFICIAL_2026_MAKEUP = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)]


def _expected_working(d: dt.date, holidays: list[dt.date], makeup: list[dt.date]) -> bool:
    if d in makeup:
        return True
    return d.weekday() < 5 and d not in holidays


@pytest.mark.parametrize(
    ("year", "holidays", "makeup"),
    [(2025, OFFICIAL_2025_HOLIDAYS, OFFICIAL_2025_MAKEUP), (2026, OFFICIAL_2026_HOLIDAYS, OFFICIAL_2026_MAKEUP)],
)
def test_every_day_of_the_official_schedule(year: int, holidays: list[dt.date], makeup: list[dt.date]) -> None:
    day = D(year, 1, 1)
    while day.year == year:
        assert calendar.is_working_day(day) is _expected_working(day, holidays, makeup), day
        day += dt.timedelta(days=1)


def test_make_up_weekend_days_are_working_days() -> None:
    assert D(2026, 10, 10).weekday() == 5 and calendar.is_working_day(D(2026, 10, 10))
    assert D(2025, 1, 26).weekday() == 6 and calendar.is_working_day(D(2025, 1, 26))
    assert D(2026, 1, 4).weekday() == 6 and calendar.is_working_day(D(2026, 1, 4))
    assert not calendar.is_working_day(D(2026, 10, 11))  # the Sunday after stays a rest day


def test_national_day_2026_counts_across_the_holiday_and_the_make_up_saturday() -> None:
    # Wednesday 30 Sept + 5 working days: 1-7 Oct off, Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
    assert calendar.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert calendar.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    # Spring festival 2026: Friday 13 Feb, Saturday 14 Feb is worked, then 15-23 off.
    assert calendar.add_working_days(D(2026, 2, 12), 2) == D(2026, 2, 14)
    assert calendar.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)


def test_thirteen_working_days_across_new_year_2026() -> None:
    # From Monday 22 Dec 2025: 23-26, 29-31 Dec (7), 1-3 Jan off, Sun 4 Jan worked (8), 5-9 Jan (13).
    assert calendar.add_working_days(D(2025, 12, 22), 13) == D(2026, 1, 9)
    assert calendar.working_days_between(D(2025, 12, 22), D(2026, 1, 9)) == 13


def test_negative_counts_go_backwards() -> None:
    assert calendar.add_working_days(D(2026, 10, 13), -5) == D(2026, 9, 30)
    assert calendar.working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5
    assert calendar.add_working_days(D(2026, 10, 13), 0) == D(2026, 10, 13)


def test_calendar_period_rolls_forward_to_a_working_day() -> None:
    # 90 days from 2026-07-04 is 2026-10-02 (National Day): the period ends on Thursday 8 Oct.
    assert calendar.add_period(D(2026, 7, 4), days=90) == D(2026, 10, 8)
    # Six months from 31 Aug 2025 is 28 Feb 2026: a make-up Saturday, so it stays.
    assert calendar.add_period(D(2025, 8, 31), months=6) == D(2026, 2, 28)
    # One month from 31 Jan 2026 is the month's last day, 28 Feb.
    assert calendar.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    # A period ending on an ordinary Sunday moves to Monday.
    assert calendar.add_period(D(2026, 3, 1), days=7) == D(2026, 3, 9)


def test_a_year_without_schedule_refuses_with_a_message_for_the_admin() -> None:
    with pytest.raises(CalendarDataMissing) as info:
        calendar.is_working_day(D(2027, 3, 1))
    assert info.value.year == 2027
    message = str(info.value)
    assert "2027" in message and "管理员" in message or "administrator" in message
    with pytest.raises(CalendarDataMissing):
        calendar.add_working_days(D(2026, 12, 25), 10)
    with pytest.raises(CalendarDataMissing):
        calendar.working_days_between(D(2026, 12, 1), D(2027, 1, 10))


def test_lenient_counting_skips_the_statutory_holidays_and_reports_the_year() -> None:
    missing: set[int] = set()
    # 2026-12-25 is a Friday: 28-31 Dec (4), then 2027 from the law: Fri 1 Jan is 元旦, 4-8 Jan (9), 11 Jan.
    assert calendar.add_working_days(D(2026, 12, 25), 10, lenient=missing) == D(2027, 1, 11)
    assert missing == {2027}
    assert calendar.year_data(2027, lenient=set()).provisional
    assert not calendar.year_data(2026).provisional


# 《全国年节及纪念日放假办法》 (2024): the days off of each year, lunar dates and 清明 as published
# in the almanac (e.g. 2027: 除夕 5 Feb, 端午 9 Jun, 中秋 15 Sep; 清明 5 Apr).
LAW_HOLIDAYS = {
    2027: {
        "元旦": [D(2027, 1, 1)],
        "春节": [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)],
        "清明": [D(2027, 4, 5)],
        "劳动节": [D(2027, 5, 1), D(2027, 5, 2)],
        "端午": [D(2027, 6, 9)],
        "中秋": [D(2027, 9, 15)],
        "国庆": [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)],
    },
    2028: {
        "元旦": [D(2028, 1, 1)],
        "春节": [D(2028, 1, 25), D(2028, 1, 26), D(2028, 1, 27), D(2028, 1, 28)],
        "清明": [D(2028, 4, 4)],
        "劳动节": [D(2028, 5, 1), D(2028, 5, 2)],
        "端午": [D(2028, 5, 28)],
        "中秋": [D(2028, 10, 3)],  # falls inside 国庆: the law gives no extra day
        "国庆": [D(2028, 10, 1), D(2028, 10, 2), D(2028, 10, 3)],
    },
    2029: {
        "元旦": [D(2029, 1, 1)],
        "春节": [D(2029, 2, 12), D(2029, 2, 13), D(2029, 2, 14), D(2029, 2, 15)],
        "清明": [D(2029, 4, 4)],
        "劳动节": [D(2029, 5, 1), D(2029, 5, 2)],
        "端午": [D(2029, 6, 16)],
        "中秋": [D(2029, 9, 22)],
        "国庆": [D(2029, 10, 1), D(2029, 10, 2), D(2029, 10, 3)],
    },
    2030: {
        "元旦": [D(2030, 1, 1)],
        "春节": [D(2030, 2, 2), D(2030, 2, 3), D(2030, 2, 4), D(2030, 2, 5)],
        "清明": [D(2030, 4, 5)],
        "劳动节": [D(2030, 5, 1), D(2030, 5, 2)],
        "端午": [D(2030, 6, 5)],
        "中秋": [D(2030, 9, 12)],
        "国庆": [D(2030, 10, 1), D(2030, 10, 2), D(2030, 10, 3)],
    },
}


@pytest.mark.parametrize("year", sorted(LAW_HOLIDAYS))
def test_provisional_years_skip_the_statutory_holidays_of_the_law(year: int) -> None:
    expected = {d for days in LAW_HOLIDAYS[year].values() for d in days}
    assert calendar.statutory_holidays(year) == expected
    assert not calendar.has_schedule(year)
    with pytest.raises(CalendarDataMissing):
        calendar.is_working_day(D(year, 3, 1))  # strict callers still refuse
    missing: set[int] = set()
    day = D(year, 1, 1)
    while day.year == year:  # every day: a weekday that the law does not make a holiday is worked
        expected_working = day.weekday() < 5 and day not in expected
        assert calendar.is_working_day(day, lenient=missing) is expected_working, day
        day += dt.timedelta(days=1)
    assert missing == {year}


def test_spring_festival_2027_starts_on_new_years_eve_and_lasts_four_days() -> None:
    lenient: set[int] = set()
    # 除夕 is Friday 5 Feb 2027 (the last day of lunar 丙午 year); 初一 to 初三 are 6-8 Feb.
    assert calendar.add_working_days(D(2027, 2, 4), 1, lenient=lenient) == D(2027, 2, 9)
    # (1 Feb, 12 Feb]: 2-4 Feb, then Fri 5 and Mon 8 are off, 9-12 Feb: 7 working days, not 9.
    assert calendar.working_days_between(D(2027, 2, 1), D(2027, 2, 12), lenient=lenient) == 7
    # 劳动节 2027: Sat 1 and Sun 2 May fall on a weekend, so weekdays around it are all worked.
    assert calendar.add_working_days(D(2027, 4, 30), 1, lenient=lenient) == D(2027, 5, 3)
    # 国庆 2029: Mon 1 - Wed 3 Oct off, Thursday 4 Oct is the first working day.
    assert calendar.add_working_days(D(2029, 9, 28), 1, lenient=lenient) == D(2029, 10, 4)


@contextmanager
def schedules_hidden(*years: int) -> Iterator[None]:
    """As if the package had no data for ``years``: those years are counted from the law."""
    state = calendar._state
    saved = state.package
    state.package = {year: data for year, data in saved.items() if year not in years}
    calendar.invalidate()
    try:
        yield
    finally:
        state.package = saved
        calendar.invalidate()


OFFICIAL_HOLIDAYS = set(OFFICIAL_2025_HOLIDAYS + OFFICIAL_2026_HOLIDAYS)
OFFICIAL_MAKEUP = set(OFFICIAL_2025_MAKEUP + OFFICIAL_2026_MAKEUP)
LAW_2025_2026 = calendar.statutory_holidays(2025) | calendar.statutory_holidays(2026)
# The days only the State Council's notice can tell: bridging weekdays off and make-up weekend days.
BRIDGING = {d for d in OFFICIAL_HOLIDAYS - LAW_2025_2026 if d.weekday() < 5}
UNKNOWABLE = BRIDGING | OFFICIAL_MAKEUP


def test_the_law_is_part_of_every_published_schedule() -> None:
    assert LAW_2025_2026 <= OFFICIAL_HOLIDAYS
    assert D(2025, 10, 8) in BRIDGING and D(2026, 2, 20) in BRIDGING and D(2026, 10, 10) in OFFICIAL_MAKEUP


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=D(2024, 12, 1), max_value=D(2026, 6, 30)), n=st.integers(min_value=1, max_value=120))
@example(start=D(2026, 9, 25), n=5)  # across 国庆 2026 with its bridging days and make-up Saturday
@example(start=D(2025, 3, 3), n=20)  # nothing unknowable inside: provisional == official
def test_property_provisional_dates_differ_only_by_make_up_and_bridging_days(start: dt.date, n: int) -> None:
    official = calendar.add_working_days(start, n)
    with schedules_hidden(2025, 2026):
        missing: set[int] = set()
        provisional = calendar.add_working_days(start, n, lenient=missing)
        assert missing <= {2025, 2026} and (missing or start.year < 2025 and provisional.year < 2025)
    inside = {d for d in UNKNOWABLE if start < d <= max(official, provisional)}
    if not inside:
        assert provisional == official
    # Exactly: counted on the official schedule, the provisional period is n working days, minus
    # the bridging days it wrongly counted, plus the make-up days it did not know about.
    bridging = sum(1 for d in BRIDGING if start < d <= provisional)
    makeup = sum(1 for d in OFFICIAL_MAKEUP if start < d <= provisional)
    assert calendar.working_days_between(start, provisional) == n - bridging + makeup


# Starts plus the largest offsets below (280 working or 400 calendar days) stay inside 2026,
# the last year the package schedules.
DATES = st.dates(min_value=D(2005, 1, 1), max_value=D(2025, 6, 30))


@settings(max_examples=300, deadline=None)
@given(start=DATES, n=st.integers(min_value=0, max_value=240))
def test_property_results_are_working_days_and_round_trip(start: dt.date, n: int) -> None:
    end = calendar.add_working_days(start, n)
    if n > 0:
        assert calendar.is_working_day(end)
        assert end > start
    assert calendar.working_days_between(start, end) == n


@settings(max_examples=200, deadline=None)
@given(start=DATES, n=st.integers(min_value=0, max_value=200), k=st.integers(min_value=1, max_value=40))
def test_property_monotonic_in_n(start: dt.date, n: int, k: int) -> None:
    assert calendar.add_working_days(start, n) < calendar.add_working_days(start, n + k)


@settings(max_examples=200, deadline=None)
@given(start=DATES, days=st.integers(min_value=0, max_value=400))
def test_property_between_counts_working_days(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    counted = calendar.working_days_between(start, end)
    assert 0 <= counted <= days
    step = start + dt.timedelta(days=1)
    if days <= 40:  # an independent day-by-day count for short spans
        manual = 0
        while step <= end:
            manual += calendar.is_working_day(step)
            step += dt.timedelta(days=1)
        assert counted == manual


# Late enough to cross into 2026, early enough that 12 months + 200 days (+ roll-forward) stay
# within the years the package covers; later starts would need a 2027 schedule.
PERIOD_STARTS = st.dates(min_value=D(2005, 1, 1), max_value=D(2025, 6, 1))


@settings(max_examples=100, deadline=None)
@given(start=PERIOD_STARTS, days=st.integers(min_value=0, max_value=200), months=st.integers(min_value=0, max_value=12))
def test_property_periods_end_on_the_first_working_day_on_or_after(start: dt.date, days: int, months: int) -> None:
    end = calendar.add_period(start, days=days, months=months)
    raw = calendar.add_months(start, months) + dt.timedelta(days=days)
    assert calendar.is_working_day(end)
    assert end >= raw
    assert calendar.working_days_between(raw, end) == (0 if end == raw else 1)
