"""Shared column helpers for the models, and the CHECK constraint of a fixed vocabulary."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import CheckConstraint, DateTime
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


def sql_list(values: Iterable[str]) -> str:
    """``'a', 'b'``: string literals for an SQL ``IN`` list (portable to SQLite and PostgreSQL)."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def one_of(column: str, values: Iterable[str]) -> CheckConstraint:
    """CHECK that ``column`` holds one of ``values``, named ``ck_<table>_<column>`` by the naming convention.

    ``values`` is the tuple the code itself uses, so the schema and the code share one vocabulary.
    A NULL passes (SQL's ``NULL IN (...)`` is unknown, which a CHECK accepts): nullable columns stay optional.
    """
    return CheckConstraint(f"{column} IN ({sql_list(values)})", name=column)
