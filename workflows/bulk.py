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
