"""Append-only audit log of who changed what."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import JSON, DateTime, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .base import utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[Optional[str]] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[Optional[dict]] = mapped_column(JSON)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
def _no_update(*_args):
    raise AuditLogIsAppendOnly("审计日志只能追加，不能修改")


@event.listens_for(AuditEntry, "before_delete")
def _no_delete(*_args):
    raise AuditLogIsAppendOnly("审计日志只能追加，不能删除")
