"""Sequence numbers of applications and cases: per series and year, integers, never from strings.

``next_sequence`` increments the series' counter in one statement and returns the new value; the
counter row stays locked until the caller's transaction commits, so numbers have no gaps from
rollbacks and concurrent callers of *other* series never wait. On the first number of a series
and year the counter starts from the largest number already issued (``start_from``), so numbers
issued before counters existed are never reused.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from .models import NumberCounter


def next_sequence(*, series: str, year: int, start_from: Callable[[], int]) -> int:
    table = connection.ops.quote_name(NumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE series = %s AND year = %s RETURNING last",  # noqa: S608 (table name from the model)
            [series, year],
        )
        row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        # First number of this series this year; a concurrent first caller makes it an update.
        cursor.execute(
            f"INSERT INTO {table} (series, year, last) VALUES (%s, %s, %s) "  # noqa: S608 (table name from the model)
            f"ON CONFLICT (series, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [series, year, start_from() + 1],
        )
        row = cursor.fetchone()
        return int(row[0])
