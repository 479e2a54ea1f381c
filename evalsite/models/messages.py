"""In-app messages (the inbox): one row per recipient and event, written by ``evalsite.notifier``."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .. import labels as _labels
from ..db import Base
from .base import utcnow

MESSAGE_KINDS = _labels.vocabulary()["message_kind"]


class Message(Base):
    """``dedupe_key`` (NULL for one-off events) makes a reminder arrive once: unique per recipient."""

    __tablename__ = "message"
    __table_args__ = (UniqueConstraint("recipient_id", "dedupe_key"),
                      Index("ix_message_recipient_unread", "recipient_id", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[Optional[str]] = mapped_column(String(500))
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # UTC
    read_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    @property
    def kind_label(self) -> str:
        return MESSAGE_KINDS.get(self.kind, "通知")

    @property
    def unread(self) -> bool:
        return self.read_at is None
