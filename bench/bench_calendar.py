"""Calendar throughput: how many deadline computations per second (reported, never asserted).

Run with `make bench`. Needs no database: the packaged 2004-2026 data is enough.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from bench/
django.setup()

from workflows import calendar  # noqa: E402

N = 200_000


def measure(label: str, func: object, args: list[tuple[object, ...]]) -> None:
    started = time.perf_counter()
    for item in args:
        func(*item)  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    print(f"{label:<28} {len(args) / elapsed:>12,.0f} per second ({elapsed:.2f} s for {len(args):,})")


def main() -> None:
    calendar.set_overlay_loader(None)  # packaged data only: no database needed
    rng = random.Random(20260101)
    first = dt.date(2005, 1, 1).toordinal()
    last = dt.date(2025, 12, 31).toordinal()
    starts = [dt.date.fromordinal(rng.randint(first, last)) for _ in range(N)]
    for year in range(2004, 2027):  # warm the precomputed years once, as a long-running process would
        calendar.year_data(year)
    measure("add_working_days(n<=30)", calendar.add_working_days, [(d, rng.randint(1, 30)) for d in starts])
    measure("add_working_days(n<=250)", calendar.add_working_days, [(d, rng.randint(1, 250)) for d in starts])
    measure(
        "working_days_between(<1y)",
        calendar.working_days_between,
        [(d, d + dt.timedelta(days=rng.randint(0, 365))) for d in starts],
    )
    measure("is_working_day", calendar.is_working_day, [(d,) for d in starts])
    measure(
        "add_period(days<=90)",
        lambda d, n: calendar.add_period(d, days=n),
        [(d, rng.randint(1, 90)) for d in starts],
    )


if __name__ == "__main__":
    main()
