"""Fingerprints of what a batch file reads: counts, highest ids and last changes of the tables behind it.

A cached file is reused only while these marks are unchanged. A row added or
deleted changes the count or the highest id; an edit changes ``updated_at``
where the table has one. Tables without ``updated_at`` (meetings, coverage,
enrolments) miss an in-place edit of an existing row: their files are also
keyed by the Beijing date, so a cached file is never older than today.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..timefmt import local_today


def table_marks(session: Session, models, where: dict | None = None) -> list:
    """[(table, rows, max id, max updated_at)] for each model; ``where`` maps a model to its filter."""
    out = []
    for model in models:
        cols = [func.count(model.id), func.max(model.id)]
        if hasattr(model, "updated_at"):
            cols.append(func.max(model.updated_at))
        stmt = select(*cols)
        if where and model in where:
            stmt = stmt.where(where[model])
        out.append([model.__tablename__, *[str(v) if v is not None else None for v in session.execute(stmt).one()]])
    return out


def day() -> str:
    return local_today().isoformat()
