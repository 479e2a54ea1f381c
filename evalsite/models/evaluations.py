"""Evaluator assignments (scoping) — the evaluation tables grow here."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import utcnow
from .orgs import Enterprise
from .users import User


class EvaluatorAssignment(Base):
    """An evaluator may see and score only the enterprises assigned to them."""

    __tablename__ = "evaluator_assignment"
    __table_args__ = (UniqueConstraint("campaign_id", "enterprise_id", "evaluator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    assigned_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    evaluator: Mapped[User] = relationship(foreign_keys=[evaluator_id])


class ConflictDeclaration(Base):
    """An evaluator's declared conflict of interest; it blocks the assignment."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (UniqueConstraint("evaluator_id", "enterprise_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    declared_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
