"""Evaluation: assignments, conflicts, assessments, evidence, cached results and problems."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import one_of, utcnow
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


ASSESSMENT_KINDS = {"self": "自评", "external": "外部评估"}
ASSESSMENT_STATUSES = {"draft": "草稿", "submitted": "已提交"}
REQUEST_STATUSES = {"open": "待补充", "answered": "已补充"}


class IndicatorSystemRecord(Base):
    """The exact YAML text of an indicator system, found by its hash (a campaign pins one)."""

    __tablename__ = "indicator_system"
    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(50))
    version: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Assessment(Base):
    """One self-assessment per (campaign, enterprise), one external per assigned evaluator.

    ``evaluator_id`` is NULL for the self-assessment and set for an external
    one (a CHECK says so); NULLs never collide in the unique constraint, so a
    partial unique index over the self rows keeps the single self row.
    """

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("campaign_id", "enterprise_id", "kind", "evaluator_id"),
        Index("uq_assessment_campaign_id_enterprise_id", "campaign_id", "enterprise_id", unique=True,
              sqlite_where=text("kind = 'self'"), postgresql_where=text("kind = 'self'")),
        one_of("kind", ASSESSMENT_KINDS),
        one_of("status", ASSESSMENT_STATUSES),
        CheckConstraint("(kind != 'self' OR evaluator_id IS NULL) AND (kind != 'external' OR evaluator_id IS NOT NULL)",
                        name="evaluator_of_kind"),
        CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name="submitted_dated"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    evaluator_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    system_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    last_section: Mapped[Optional[str]] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    submitted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    union_confirmed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    union_confirmed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    management_confirmed_by_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    management_confirmed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    enterprise: Mapped[Enterprise] = relationship()
    evaluator: Mapped[Optional[User]] = relationship(foreign_keys=[evaluator_id])
    items: Mapped[list["AssessmentItem"]] = relationship(back_populates="assessment", cascade="all, delete-orphan",
                                                         order_by="AssessmentItem.id")

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    @property
    def confirmed(self) -> bool:
        """Both sides confirmed (union and management are recorded separately)."""
        return self.union_confirmed_at is not None and self.management_confirmed_at is not None

    @property
    def status_label(self) -> str:
        return ASSESSMENT_STATUSES.get(self.status, self.status)

    def item(self, code: str) -> Optional["AssessmentItem"]:
        return next((i for i in self.items if i.indicator == code), None)


class AssessmentItem(Base):
    """A level (or item count) with its explanation for one indicator."""

    __tablename__ = "assessment_item"
    __table_args__ = (UniqueConstraint("assessment_id", "indicator"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(20))
    level: Mapped[Optional[str]] = mapped_column(String(30))
    count: Mapped[Optional[int]] = mapped_column(Integer)
    points: Mapped[Optional[float]] = mapped_column(Float)
    note: Mapped[Optional[str]] = mapped_column(Text)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="items")


class Evidence(Base):
    """An uploaded document, stored under a random name outside any public folder."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(20))
    assessment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[Optional[int]] = mapped_column(ForeignKey("evidence_request.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()


class EvidenceRequest(Base):
    """An evaluator asks the enterprise for more evidence on one indicator."""

    __tablename__ = "evidence_request"
    __table_args__ = (one_of("status", REQUEST_STATUSES),
                      CheckConstraint("status != 'answered' OR answered_at IS NOT NULL", name="answered_dated"))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(String(1000))
    due_date: Mapped[Optional[dt.date]] = mapped_column(Date)  # reply deadline shown to the enterprise
    status: Mapped[str] = mapped_column(String(20), default="open")
    requested_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    answer: Mapped[Optional[str]] = mapped_column(String(1000))
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    requested_by: Mapped[Optional[User]] = relationship(foreign_keys=[requested_by_id])

    @property
    def status_label(self) -> str:
        return REQUEST_STATUSES.get(self.status, self.status)


class EvaluationResult(Base):
    """Cached result of scoring.combine for one enterprise (recomputed after each submission)."""

    __tablename__ = "evaluation_result"
    __table_args__ = (UniqueConstraint("campaign_id", "enterprise_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    system_hash: Mapped[str] = mapped_column(String(64))
    final: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(20), index=True)
    self_total: Mapped[float] = mapped_column(Float)
    external_total: Mapped[Optional[float]] = mapped_column(Float)
    survey_total: Mapped[float] = mapped_column(Float)
    self_draft: Mapped[bool] = mapped_column(Boolean, default=False)
    evaluator_count: Mapped[int] = mapped_column(Integer, default=0)
    discrepancy: Mapped[bool] = mapped_column(Boolean, default=False)
    problems_major: Mapped[int] = mapped_column(Integer, default=0)
    problems_general: Mapped[int] = mapped_column(Integer, default=0)
    problems_hint: Mapped[int] = mapped_column(Integer, default=0)
    breakdown: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()


class DetectedProblem(Base):
    """A problem found by scoring.problems; ids stay stable across recomputation.

    A row that a rectification item refers to is never deleted: when a new
    computation no longer finds it, it is marked ``superseded``.
    """

    __tablename__ = "detected_problem"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    indicator: Mapped[Optional[str]] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    requirement: Mapped[str] = mapped_column(Text)
    deadline_days: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(Text, default="")
    # the plain statement of the facts a letter quotes (scoring.problems.letter_fact)
    fact: Mapped[str] = mapped_column(Text, default="", server_default="")
    superseded: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()


VETO_KINDS = {"wage_arrears": "经查实的拖欠工资", "collective_incident": "因违反集体合同引发的群体性事件",
              "review_unresolved": "审查意见书提出的问题未落实"}


class VetoEvent(Base):
    """A substantiated veto event (DOMAIN §3.3) recorded by an administrator; it caps the grade."""

    __tablename__ = "veto_event"
    __table_args__ = (one_of("kind", VETO_KINDS),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return VETO_KINDS.get(self.kind, self.kind)
