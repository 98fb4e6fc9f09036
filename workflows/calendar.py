"""The Chinese working-day calendar (domain §1): every legal deadline is counted here.

Sources, per year: an administrator's schedule entered from the State Council's annual
notice (``sla.HolidaySchedule``) wins; otherwise the ``chinesecalendar`` package's data;
otherwise the year has no schedule. Then every strict function raises ``CalendarDataMissing``
(for callers that must refuse rather than guess), and a lenient call (``lenient=set()``) counts
the year provisionally: weekdays minus the statutory holidays that 《全国年节及纪念日放假办法》
fixes for every year (``statutory_holidays``). Only the State Council's make-up working days
(调休) and bridging days (days off joining a holiday to a weekend) are unknown until its notice,
so they are the only days that can still move a provisional date.

Each year is precomputed once into a sorted tuple of working-day ordinals, so a question
costs a binary search per year crossed, never a walk over the days.

The module itself touches no database: the ``sla`` app plugs in a loader for the
administrators' schedules (``set_overlay_loader``) and calls ``invalidate()`` when one is saved.
Other processes pick a change up within ``OVERLAY_TTL_SECONDS``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext
from lunar_python import Lunar, Solar

OVERLAY_TTL_SECONDS = 60.0


class CalendarDataMissing(LookupError):
    """A date falls in a year whose holiday schedule nobody has entered yet."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(year)

    def __str__(self) -> str:
        return gettext(
            "No holiday schedule for %(year)s: working days in %(year)s cannot be counted. "
            "An administrator must enter the State Council's %(year)s holiday schedule "
            "(holidays and make-up working days) under Administration → Holiday schedules."
        ) % {"year": self.year}


@dataclass(frozen=True)
class Overlay:
    """An administrator's schedule for one year: it replaces any packaged data for that year."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


@dataclass(frozen=True)
class YearData:
    year: int
    days: tuple[int, ...]  # ordinals of the working days, ascending
    day_set: frozenset[int]
    holidays: frozenset[dt.date]  # statutory holidays falling on weekdays or weekends
    workdays: frozenset[dt.date]  # make-up working days on weekends
    source: str  # "admin", "package" or "law" (provisional, only when asked for: see module doc)

    @property
    def provisional(self) -> bool:
        return self.source == "law"


def _build(year: int, holidays: Iterable[dt.date], workdays: Iterable[dt.date], source: str) -> YearData:
    hol = frozenset(d for d in holidays if d.year == year)
    work = frozenset(d for d in workdays if d.year == year)
    first = dt.date(year, 1, 1).toordinal()
    length = 366 if _stdlib_calendar.isleap(year) else 365
    days = []
    # One pass over one year, once per process (cached below).
    for ordinal in range(first, first + length):
        d = dt.date.fromordinal(ordinal)
        if d in work or (d.weekday() < 5 and d not in hol):
            days.append(ordinal)
    return YearData(year, tuple(days), frozenset(days), hol, work, source)


def _date(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _run(first: dt.date, days: int) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(days)]


def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The days off that 《全国年节及纪念日放假办法》 art. 2 gives everyone in ``year``.

    As amended by State Council Decree No. 795 (2024, in force from 2025): 元旦 1 day (1 January),
    春节 4 days (除夕, the lunar year's last day, to 正月初三), 清明 1 day (the Qingming solar term),
    劳动节 2 days (1–2 May), 端午 1 day (lunar 5-5), 中秋 1 day (lunar 8-15), 国庆 3 days
    (1–3 October). Lunar dates and the solar term come from ``lunar-python``. Days that fall on a
    weekend are listed too; the State Council's notice decides whether they are made up, and
    that (with any bridging days) is the part of a year no law can tell in advance. Years before
    2025 had other rules, but every one of them has a published schedule in the package.
    """
    spring = _date(Lunar.fromYmd(year, 1, 1).getSolar())  # 正月初一
    qingming = _date(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])
    days = [
        dt.date(year, 1, 1),
        *_run(spring - dt.timedelta(days=1), 4),
        qingming,
        *_run(dt.date(year, 5, 1), 2),
        _date(Lunar.fromYmd(year, 5, 5).getSolar()),
        _date(Lunar.fromYmd(year, 8, 15).getSolar()),
        *_run(dt.date(year, 10, 1), 3),
    ]
    return frozenset(days)


def provisional_year(year: int) -> YearData:
    """``year`` counted from the law alone: weekdays minus its statutory holidays, no make-up days."""
    guess = _state.guesses.get(year)
    if guess is None:
        guess = _build(year, statutory_holidays(year), (), "law")
        _state.guesses[year] = guess
    return guess


def _package_by_year() -> dict[int, tuple[set[dt.date], set[dt.date]]]:
    by_year: dict[int, tuple[set[dt.date], set[dt.date]]] = {}
    years = {d.year for d in chinese_calendar.holidays}
    for year in range(min(years), max(years) + 1):
        by_year[year] = (set(), set())
    for d in chinese_calendar.holidays:
        by_year[d.year][0].add(d)
    for d in chinese_calendar.workdays:
        if d.year in by_year:
            by_year[d.year][1].add(d)
    return by_year


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.package = _package_by_year()
        self.loader: Callable[[], dict[int, Overlay]] | None = None
        self.overlay: dict[int, Overlay] | None = None
        self.loaded_at = 0.0
        self.years: dict[int, YearData] = {}
        self.guesses: dict[int, YearData] = {}

    def overlay_now(self) -> dict[int, Overlay]:
        if self.loader is None:
            return {}
        if self.overlay is None or time.monotonic() - self.loaded_at > OVERLAY_TTL_SECONDS:
            overlay = self.loader()
            with self.lock:
                if overlay != self.overlay:
                    self.years = {}
                self.overlay = overlay
                self.loaded_at = time.monotonic()
        return self.overlay or {}


_state = _State()


def set_overlay_loader(loader: Callable[[], dict[int, Overlay]] | None) -> None:
    """Plug in where administrators' schedules come from (the sla app does it at start-up)."""
    _state.loader = loader
    invalidate()


def invalidate() -> None:
    """Forget everything derived from administrators' schedules (called after one is saved)."""
    with _state.lock:
        _state.overlay = None
        _state.years = {}


def year_data(year: int, *, lenient: set[int] | None = None) -> YearData:
    """The precomputed working days of ``year``.

    Without ``lenient`` a year without schedule raises ``CalendarDataMissing``. With a set, the
    year is counted provisionally from the holiday law (``provisional_year``) and added to that
    set, so the caller can mark what it computed as provisional.
    """
    overlay = _state.overlay_now()
    cached = _state.years.get(year)
    if cached is not None:
        return cached
    data: YearData | None = None
    if year in overlay:
        data = _build(year, overlay[year].holidays, overlay[year].workdays, "admin")
    elif year in _state.package:
        hol, work = _state.package[year]
        data = _build(year, hol, work, "package")
    if data is not None:
        with _state.lock:
            _state.years[year] = data
        return data
    if lenient is None:
        raise CalendarDataMissing(year)
    lenient.add(year)
    return provisional_year(year)


def has_schedule(year: int) -> bool:
    return year in _state.overlay_now() or year in _state.package


def is_working_day(d: dt.date, *, lenient: set[int] | None = None) -> bool:
    return d.toordinal() in year_data(d.year, lenient=lenient).day_set


def working_days_back(day: dt.date, window: int, *, lenient: set[int] | None = None) -> list[int]:
    """``counts[k]`` = working days in (day - k, day] for k < ``window`` (``working_days_between``).

    One year's data per year crossed, not one lookup per day.
    """
    counts = [0]
    ordinal = day.toordinal()
    data = year_data(day.year, lenient=lenient)
    year_start = dt.date(day.year, 1, 1).toordinal()
    for _k in range(1, window):
        if ordinal < year_start:
            previous = dt.date.fromordinal(ordinal).year
            data = year_data(previous, lenient=lenient)
            year_start = dt.date(previous, 1, 1).toordinal()
        counts.append(counts[-1] + (ordinal in data.day_set))
        ordinal -= 1
    return counts


def add_working_days(start: dt.date, n: int, *, lenient: set[int] | None = None) -> dt.date:
    """The n-th working day strictly after ``start`` (n < 0: strictly before; n == 0: start)."""
    if n == 0:
        return start
    ordinal = start.toordinal()
    year = start.year
    if n > 0:
        data = year_data(year, lenient=lenient)
        index = bisect_right(data.days, ordinal)
        remaining = n
        while True:
            available = len(data.days) - index
            if remaining <= available:
                return dt.date.fromordinal(data.days[index + remaining - 1])
            remaining -= available
            year += 1
            data = year_data(year, lenient=lenient)
            index = 0
    data = year_data(year, lenient=lenient)
    index = bisect_left(data.days, ordinal)  # working days strictly before start in this year
    remaining = -n
    while True:
        if remaining <= index:
            return dt.date.fromordinal(data.days[index - remaining])
        remaining -= index
        year -= 1
        data = year_data(year, lenient=lenient)
        index = len(data.days)


def working_days_between(start: dt.date, end: dt.date, *, lenient: set[int] | None = None) -> int:
    """Working days in (start, end]: the start day is not counted, the end day is."""
    if end < start:
        return -working_days_between(end, start, lenient=lenient)
    first = year_data(start.year, lenient=lenient)
    if start.year == end.year:
        return bisect_right(first.days, end.toordinal()) - bisect_right(first.days, start.toordinal())
    total = len(first.days) - bisect_right(first.days, start.toordinal())
    for year in range(start.year + 1, end.year):
        total += len(year_data(year, lenient=lenient).days)
    last = year_data(end.year, lenient=lenient)
    return total + bisect_right(last.days, end.toordinal())


def roll_forward(d: dt.date, *, lenient: set[int] | None = None) -> dt.date:
    """``d`` itself if it is a working day, else the next working day."""
    if is_working_day(d, lenient=lenient):
        return d
    return add_working_days(d, 1, lenient=lenient)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later; the month's last day when there is none."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, _stdlib_calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def add_period(start: dt.date, *, days: int = 0, months: int = 0, lenient: set[int] | None = None) -> dt.date:
    """End of a calendar-day period; an end on a non-working day moves to the next working day."""
    end = add_months(start, months) + dt.timedelta(days=days)
    return roll_forward(end, lenient=lenient)


def crossed(start: dt.date, end: dt.date, *, lenient: set[int] | None = None) -> tuple[list[dt.date], list[dt.date]]:
    """Statutory holidays and make-up working days in (start, end], for explanations."""
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []
    if end <= start:
        return holidays, workdays
    for year in range(start.year, end.year + 1):
        data = year_data(year, lenient=lenient)
        holidays.extend(d for d in data.holidays if start < d <= end)
        workdays.extend(d for d in data.workdays if start < d <= end)
    return sorted(holidays), sorted(workdays)
