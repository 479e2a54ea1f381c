"""Record who changed what, in the same transaction as the change."""
from __future__ import annotations

from typing import Any, Optional

from flask_login import current_user

from .db import db
from .models import AuditEntry


def record(action: str, object_type: str, object_id: Any = None, summary: str = "",
           details: Optional[dict] = None, user=None) -> AuditEntry:
    """Append an audit entry; the caller commits it with its own change."""
    actor = user
    if actor is None:
        try:
            actor = current_user if current_user.is_authenticated else None
        except Exception:  # outside a request (CLI)
            actor = None
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        username=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary[:500],
        details=details,
    )
    db.session.add(entry)
    return entry
