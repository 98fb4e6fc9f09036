"""Many rows in one INSERT on PostgreSQL: ``INSERT … SELECT * FROM unnest(one array per column)``.

Used where thousands of rows are written per transaction (the SLA sweep's batches): one
statement and one parameter per column whatever the number of rows, without the per-object
SQL compilation ``bulk_create`` spends most of its time on at that size.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict_do_nothing: bool = False,
    returning: str = "",
) -> list[Any]:
    """Insert ``rows`` (values in ``fields`` order); returns the ``returning`` column, in row order."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return _insert_rows_values(
            model, fields, rows, on_conflict_do_nothing=on_conflict_do_nothing, returning=returning
        )
    meta = model._meta
    columns = []
    arrays = []
    params: list[Any] = []
    for index, name in enumerate(fields):
        field: Any = meta.get_field(name)
        columns.append(connection.ops.quote_name(field.column))
        arrays.append(f"%s::{field.db_type(connection)}[]")
        values = [row[index] for row in rows]
        if isinstance(field, models.JSONField):
            values = [json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False) for v in values]
        params.append(values)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 - names from the model
        f"SELECT * FROM unnest({', '.join(arrays)})"
    )
    if on_conflict_do_nothing:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        returned: Any = meta.get_field(returning)
        sql += f" RETURNING {connection.ops.quote_name(returned.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()] if returning else []


def _insert_rows_values(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict_do_nothing: bool,
    returning: str,
) -> list[Any]:
    """The portable form for the embedded SQLite of `make run`: ``INSERT … VALUES (…), (…)``.

    SQLite has no ``unnest``; it does have ``ON CONFLICT DO NOTHING`` and ``RETURNING``. Rows go
    in chunks that stay under its limit on bound parameters.
    """
    meta = model._meta
    field_objs: list[Any] = [meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in field_objs)
    one = "(" + ", ".join(["%s"] * len(field_objs)) + ")"
    chunk = max(1, 900 // max(1, len(field_objs)))
    returned_values: list[Any] = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sql = (
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
            f"VALUES {', '.join([one] * len(part))}"
        )
        if on_conflict_do_nothing:
            sql += " ON CONFLICT DO NOTHING"
        if returning:
            returned: Any = meta.get_field(returning)
            sql += f" RETURNING {connection.ops.quote_name(returned.column)}"
        params = [
            f.get_db_prep_save(value, connection)
            for row in part
            for f, value in zip(field_objs, row, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                returned_values.extend(row[0] for row in cursor.fetchall())
    return returned_values
