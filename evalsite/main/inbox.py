"""Reading the inbox: the unread count for the header (one query per page) and read marks.

The count is request-level (the signed-in user, every page's header) and uses ``db.session``;
the other functions take a ``session``.
"""
from __future__ import annotations

from typing import Optional

from flask import g
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..db import db
from ..models import Message
from ..models.base import utcnow


def unread_count() -> int:
    """Unread messages of the signed-in user; computed once per request (the header of every page)."""
    if not current_user.is_authenticated:
        return 0
    if "_unread" not in g:
        try:
            g._unread = db.session.scalar(select(func.count(Message.id)).where(
                Message.recipient_id == current_user.id, Message.read_at.is_(None))) or 0
        except SQLAlchemyError:  # an error page about the database itself still renders its header
            g._unread = 0
    return g._unread


def mine(user_id: int, unread_only: bool = False):
    stmt = select(Message).where(Message.recipient_id == user_id)
    if unread_only:
        stmt = stmt.where(Message.read_at.is_(None))
    return stmt.order_by(Message.created_at.desc(), Message.id.desc())


def own_message(session: Session, message_id: int, user_id: int) -> Optional[Message]:
    """The message if it is the user's; None otherwise (another's inbox is never confirmed to exist)."""
    m = session.get(Message, message_id)
    return m if m is not None and m.recipient_id == user_id else None


def mark_read(session: Session, message: Message) -> None:
    if message.read_at is None:
        message.read_at = utcnow()


def mark_all_read(session: Session, user_id: int) -> int:
    result = session.execute(update(Message).where(Message.recipient_id == user_id, Message.read_at.is_(None))
                             .values(read_at=utcnow()))
    return result.rowcount or 0
