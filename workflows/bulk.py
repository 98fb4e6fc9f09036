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
from django.db.models.sql import UpdateQuery


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
    sql, params = _unnest_insert(
        model, fields, rows, on_conflict_do_nothing=on_conflict_do_nothing, returning=returning
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()] if returning else []


Batch = tuple[type[models.Model], Sequence[str], Sequence[Sequence[Any]]]


def insert_rows_together(batches: Sequence[Batch]) -> list[list[Any]]:
    """Several ``insert_rows`` (model, fields, rows) in one statement; the new ids, per batch in row order.

    On PostgreSQL each INSERT is a data-modifying CTE of the same statement (triggers fire as
    for separate INSERTs); ids of one table come from one sequence in insertion order, so sorted
    they are in row order.
    """
    filled = [index for index, batch in enumerate(batches) if batch[2]]
    if connection.vendor != "postgresql" or len(filled) < 2:
        return [insert_rows(model, fields, rows, returning="id") for model, fields, rows in batches]
    parts: list[str] = []
    params: list[Any] = []
    for index in filled:
        model, fields, rows = batches[index]
        sql, batch_params = _unnest_insert(model, fields, rows, on_conflict_do_nothing=False, returning="id")
        parts.append(f"b{index} AS ({sql})")
        params += batch_params
    union = " UNION ALL ".join(f"SELECT {index}, * FROM b{index}" for index in filled)  # noqa: S608 - numbers
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} {union}", params)  # noqa: S608 - names from the models
        found = cursor.fetchall()
    return [sorted(pk for batch, pk in found if batch == index) for index in range(len(batches))]


def _unnest_insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict_do_nothing: bool,
    returning: str,
) -> tuple[str, list[Any]]:
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
    return sql, params


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


def row_update(obj: models.Model, fields: Sequence[str] | None = None) -> tuple[models.QuerySet[Any], dict[str, Any]]:
    """``obj.save(update_fields=fields)`` as an (queryset, values) for ``update_together``
    (``fields`` None: every column of the object's own table)."""
    meta = obj._meta
    local = [f for f in meta.local_concrete_fields if not f.primary_key]
    chosen: list[Any] = local if fields is None else [meta.get_field(name) for name in fields]
    if any(field not in local for field in chosen):
        raise ValueError(f"{meta.label}: update_together writes only the model's own table")
    return type(obj)._base_manager.filter(pk=obj.pk), {f.attname: getattr(obj, f.attname) for f in chosen}


def update_together(*updates: tuple[models.QuerySet[Any], dict[str, Any]]) -> list[int]:
    """Several ``queryset.update(**values)`` in one statement; the rows each changed.

    On PostgreSQL each UPDATE is a data-modifying CTE of one statement; the tables must differ
    (one statement cannot change a row twice). Elsewhere, one UPDATE after the other.
    """
    if connection.vendor != "postgresql" or len(updates) < 2:
        return [queryset.update(**values) for queryset, values in updates]
    parts: list[str] = []
    params: list[Any] = []
    for index, (queryset, values) in enumerate(updates):
        query: Any = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        if query.related_updates:
            raise ValueError("update_together writes only the model's own table")
        sql, update_params = query.get_compiler(queryset.db).as_sql()
        parts.append(f"u{index} AS ({sql} RETURNING 1)")
        params += update_params
    counts = ", ".join(f"(SELECT count(*) FROM u{index})" for index in range(len(updates)))  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {counts}", params)  # noqa: S608 - the ORM's SQL
        return [int(n) for n in cursor.fetchone()]
