"""Writes of many rows at once: one UPDATE with each row's values, and history rows
(django-simple-history) copied in one INSERT … SELECT.

One UPDATE for many rows, each with its own values:

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN … END`` per field, which
PostgreSQL evaluates branch by branch for every row: fine for dozens of rows, slow for
thousands. On PostgreSQL this writes ``UPDATE … FROM (VALUES …)`` instead, joined on
the primary key; elsewhere (SQLite in development) it falls back to ``bulk_update``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection, models

CHUNK = 2000
# Values psycopg adapts as they are; other types go through the field's preparation.
PLAIN = (str, int, float, bool, Decimal, dt.datetime, dt.date, type(None))


def _db_value(field: models.Field, value):
    return value if isinstance(value, PLAIN) else field.get_db_prep_save(value, connection)


def bulk_update_values(model: type[models.Model], objs: Sequence[models.Model],
                       fields: Sequence[str]) -> int:
    """Write ``fields`` of ``objs`` (saved instances of ``model``); returns rows updated."""
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        return model._base_manager.bulk_update(objs, fields, batch_size=CHUNK)
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    q = connection.ops.quote_name
    table = q(meta.db_table)
    casts = [pk.db_type(connection)] + [f.db_type(connection) for f in columns]
    names = [pk.column] + [f.column for f in columns]
    # One array per column, unnested side by side: a dozen parameters per statement
    # however many rows, instead of one per value.
    arrays = ", ".join(f"%s::{cast}[]" for cast in casts)
    assignments = ", ".join(f"{q(c)} = v.{q(c)}" for c in names[1:])
    sql = (f"UPDATE {table} SET {assignments} FROM unnest({arrays}) "
           f"AS v({', '.join(q(c) for c in names)}) "
           f"WHERE {table}.{q(pk.column)} = v.{q(pk.column)}")
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            chunk = objs[start:start + CHUNK]
            params = [[obj.pk for obj in chunk]] + [
                [_db_value(f, getattr(obj, f.attname)) for obj in chunk] for f in columns
            ]
            cursor.execute(sql, params)
            updated += cursor.rowcount
    return updated


def history_snapshot(model: type[models.Model], pks: Sequence[int], *, when: dt.datetime,
                     reason: str = "", user_id: int | None = None) -> int:
    """Record the current rows ``pks`` of ``model`` as changed ("~") in its history
    table, copied by the database itself (no row passes through Python)."""
    if not pks:
        return 0
    history = model.history.model
    q = connection.ops.quote_name
    columns = [f.column for f in model._meta.concrete_fields]
    source = ", ".join(f"t.{q(c)}" for c in columns)
    if connection.vendor == "postgresql":
        match, keys = "= ANY(%s)", [list(pks)]
    else:
        match, keys = f"IN ({', '.join(['%s'] * len(pks))})", list(pks)
    target = ", ".join(q(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(history._meta.db_table)} ({target}, {q('history_date')}, "
            f"{q('history_change_reason')}, {q('history_type')}, {q('history_user_id')}) "
            f"SELECT {source}, %s, %s, %s, %s FROM {q(model._meta.db_table)} t "
            f"WHERE t.{q(model._meta.pk.column)} {match}",
            [when, reason[:100], "~", user_id, *keys],
        )
        return cursor.rowcount
