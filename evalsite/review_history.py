"""Record and read the review history (``ReviewEvent``); the caller commits.

``history_rows`` gives one shape (time, who, what, reason) for report
versions, assessments and rectification items alike, so every page shows
its history with the same macro (``_history.html``).
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from .domain_errors import Invalid
from .models import ReviewEvent, User

REASON_MAX = 2000
NO_REASON = "请填写退回原因：被退回的一方将看到这段说明，并据此修改。"


def clean_reason(reason: Optional[str]) -> str:
    """The stripped reason; ``Invalid`` (a Chinese message, 400) when it is empty or too long."""
    text = (reason or "").strip()
    if not text:
        raise Invalid(NO_REASON)
    if len(text) > REASON_MAX:
        raise Invalid(f"退回原因不超过{REASON_MAX}字。")
    return text


def record(session: Session, object_type: str, object_id: int, action: str, user: Optional[User],
           reason: Optional[str] = None, enterprise_id: Optional[int] = None) -> ReviewEvent:
    name = (getattr(user, "display_name", "") or getattr(user, "username", "")) if user else "系统"
    event = ReviewEvent(object_type=object_type, object_id=object_id, action=action, reason=reason or None,
                        user_id=getattr(user, "id", None), username=name or "系统", enterprise_id=enterprise_id)
    session.add(event)
    session.flush()
    return event


def events(session: Session, object_type: str, object_id: int) -> list[ReviewEvent]:
    return list(session.scalars(select(ReviewEvent).where(ReviewEvent.object_type == object_type,
                                                          ReviewEvent.object_id == object_id)
                                .order_by(ReviewEvent.id)))


def last_return(session: Session, object_type: str, object_id: int) -> Optional[ReviewEvent]:
    """The latest return/reopen, if nothing (a resubmission) came after it."""
    rows = events(session, object_type, object_id)
    for event in reversed(rows):
        if event.action in ("return", "reopen"):
            return event
        if event.action in ("resubmit", "submit", "approve"):
            return None
    return None


def history_rows(session: Session, object_type: str, object_id: int) -> list[dict]:
    return [dict(at=e.at, who=e.username, what=e.action_label, reason=e.reason or "")
            for e in events(session, object_type, object_id)]
