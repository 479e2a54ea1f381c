"""Record who changed what, in the same transaction as the change.

Refusals (a 403, a throttled login) are recorded with ``record_apart``: in a transaction of their
own, so the entry is neither lost with the refused request's rollback nor commits its half-done work.
``record`` adds to the request's ``db.session`` (the one views pass to the services), so the entry
commits or rolls back with the change it describes.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from flask import g
from flask_login import current_user

from .db import db, writing
from .models import AuditEntry

ANONYMOUS = "（未登录）"


def record(action: str, object_type: str, object_id: Any = None, summary: str = "",
           details: Optional[dict] = None, user=None, actor_name: str | None = None) -> AuditEntry:
    """Append an audit entry; the caller commits it with its own change."""
    entry = _entry(action, object_type, object_id, summary, details, user, actor_name)
    db.session.add(entry)
    return entry


def record_apart(action: str, object_type: str, object_id: Any = None, summary: str = "",
                 details: Optional[dict] = None, user=None, actor_name: str | None = None) -> None:
    """Append an audit entry and commit it alone, after rolling the request's transaction back.

    For refusals: a refused request saves nothing, so its own transaction is rolled back first (which
    also releases any write lock it holds on SQLite); the entry then commits in a short transaction of
    its own. A failure to write is logged, never turned into a 500 on top of the refusal.
    """
    entry = _entry(action, object_type, object_id, summary, details, user, actor_name)
    own = g.get("_db_session")
    if own is not None:
        own.rollback()
    sess = db.new_session()
    try:
        with writing():
            sess.add(entry)
            sess.commit()
    except Exception:  # noqa: BLE001 - the refusal must still be answered
        sess.rollback()
        logging.getLogger(__name__).exception("audit entry %s not written", action)
    finally:
        sess.close()


def _entry(action, object_type, object_id, summary, details, user, actor_name) -> AuditEntry:
    actor = user
    if actor is None:
        try:
            actor = current_user if current_user.is_authenticated else None
        except Exception:  # outside a request (CLI)
            actor = None
    return AuditEntry(
        user_id=getattr(actor, "id", None),
        username=(actor_name or getattr(actor, "username", "") or "system")[:64],
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary[:500],
        details=details,
    )
