"""Reports, their immutable issued versions, and the rectification loop.

An issued ``ReportVersion`` keeps the SHA-256 of its exact PDF bytes and a
public verification code; the bytes live in the file store under that hash
(``evalsite/storage.py``) and ``version.pdf`` reads them back verified. A
correction is a new version, never an edit. Issued letters keep their PDF the
same way (``pdf_sha256``).
Rectification items copy the problem's wording so the history stays
readable even when a re-evaluation supersedes the detected problem.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scoring.escalation import LETTER_KINDS as LETTER_KIND_CODES

from .. import labels as _labels
from ..db import Base
from ..storage import storage_for
from .base import one_of, sql_list, utcnow
from .campaigns import Campaign
from .orgs import Enterprise
from .users import User

REPORT_KINDS = {"evaluation": "质效评估报告", "closing": "整改情况报告"}
# the codes the workflows use; the schema's CHECK constraints are built from these tuples
VERSION_STATUS_CODES = ("draft", "returned", "approved", "issued", "superseded", "revoked")
FROZEN_STATUSES = ("issued", "superseded", "revoked")  # an issued PDF exists: never edited again
ITEM_STATUS_CODES = ("open", "submitted", "accepted", "returned")
ANSWERED_STATUSES = ("submitted", "accepted", "returned")  # the enterprise sent its measures
LETTER_STATUS_CODES = ("draft", "approved", "issued")
EVENT_KINDS = ("status", "letter", "response")
# the Chinese names are data (evalsite/labels.yaml), one vocabulary for pages and PDFs
VERSION_STATUSES = _labels.vocabulary()["version_status"]
ITEM_STATUSES = _labels.vocabulary()["item_status"]
OWNERS = _labels.vocabulary()["owner"]
LETTER_KINDS = _labels.vocabulary()["letter_kind"]
LETTER_STATUSES = _labels.vocabulary()["letter_status"]


class Report(Base):
    """One report per (campaign, enterprise, kind); its number never changes across versions."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("campaign_id", "enterprise_id", "kind"), one_of("kind", REPORT_KINDS))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="evaluation")
    number: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    versions: Mapped[list["ReportVersion"]] = relationship(back_populates="report", order_by="ReportVersion.version")

    @property
    def kind_label(self) -> str:
        return REPORT_KINDS.get(self.kind, self.kind)


class ReportVersion(Base):
    """draft → approved → issued (→ superseded | revoked); issued rows are never edited.

    The schema holds the rules of the states: an approved version has its approval time; an issued
    (or later superseded or revoked) one has its SHA-256, verification code, issue date and issue
    time; a revoked one its reason and time.
    """

    __tablename__ = "report_version"
    __table_args__ = (
        UniqueConstraint("report_id", "version"),
        one_of("status", VERSION_STATUS_CODES),
        CheckConstraint("status != 'approved' OR approved_at IS NOT NULL", name="approved_dated"),
        CheckConstraint(f"status NOT IN ({sql_list(FROZEN_STATUSES)}) OR (sha256 IS NOT NULL"
                        " AND verify_code IS NOT NULL AND issue_date IS NOT NULL AND issued_at IS NOT NULL)",
                        name="issued_sealed"),
        CheckConstraint("status != 'revoked' OR (revoked_reason IS NOT NULL AND TRIM(revoked_reason) != ''"
                        " AND revoked_at IS NOT NULL)", name="revoked_reason"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    data: Mapped[dict] = mapped_column(JSON)
    remarks: Mapped[Optional[str]] = mapped_column(Text)
    sha256: Mapped[Optional[str]] = mapped_column(String(64))  # of the issued PDF, its key in the file store
    verify_code: Mapped[Optional[str]] = mapped_column(String(16), unique=True)
    issue_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    final_score: Mapped[Optional[float]] = mapped_column()
    grade: Mapped[Optional[str]] = mapped_column(String(20))
    drafted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    drafted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    issued_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    revoked_reason: Mapped[Optional[str]] = mapped_column(String(500))
    revoked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    superseded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("report_version.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship(back_populates="versions")
    drafted_by: Mapped[Optional[User]] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[Optional[User]] = relationship(foreign_keys=[approved_by_id])
    issued_by: Mapped[Optional[User]] = relationship(foreign_keys=[issued_by_id])

    version_refreshed = False  # set (not stored) when a new draft refreshed this open version

    @property
    def status_label(self) -> str:
        return VERSION_STATUSES.get(self.status, self.status)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def pdf(self) -> Optional[bytes]:
        """The issued PDF from the file store, checked against ``sha256`` (None before the issue)."""
        return None if self.sha256 is None else storage_for(self).get(self.sha256)

    @pdf.setter
    def pdf(self, data: Optional[bytes]) -> None:
        self.sha256 = None if data is None else storage_for(self).put(data)


class RectificationItem(Base):
    """One problem instance to fix: owner side, deadline, status; overdue is computed from the date.

    An instance is a problem rule on one indicator (``subject``, "" for a rule
    without one): the same rule on B1 and B2 is two items.  The deadline is
    stored here once; every version of the report prints this date.  Once
    answered (submitted, accepted or returned) an item keeps its measures and
    submission time; an accepted one has its acceptance time, a returned one
    counts the return (CHECK constraints).
    """

    __tablename__ = "rectification_item"
    __table_args__ = (
        UniqueConstraint("report_id", "code", "subject"),
        one_of("status", ITEM_STATUS_CODES),
        CheckConstraint(f"status NOT IN ({sql_list(ANSWERED_STATUSES)}) OR (measures IS NOT NULL"
                        " AND submitted_at IS NOT NULL)", name="answered"),
        CheckConstraint("status != 'accepted' OR accepted_at IS NOT NULL", name="accepted_dated"),
        CheckConstraint("status != 'returned' OR returned_count >= 1", name="returned_counted"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[Optional[int]] = mapped_column(ForeignKey("report_version.id", ondelete="SET NULL"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    problem_id: Mapped[Optional[int]] = mapped_column(Integer)  # DetectedProblem.id (kept loose: it may be superseded)
    code: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(20), default="", server_default="")
    indicator: Mapped[Optional[str]] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20), default="medium")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    requirement: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(20), default="both")
    deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    measures: Mapped[Optional[str]] = mapped_column(Text)
    submitted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    returned_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    report: Mapped[Report] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    events: Mapped[list["RectificationEvent"]] = relationship(back_populates="item", order_by="RectificationEvent.id")
    evidence: Mapped[list["RectificationEvidence"]] = relationship(back_populates="item",
                                                                   order_by="RectificationEvidence.id")

    @property
    def status_label(self) -> str:
        return ITEM_STATUSES.get(self.status, self.status)

    @property
    def owner_label(self) -> str:
        return OWNERS.get(self.owner, self.owner)

    def overdue(self, today: dt.date) -> bool:
        return self.status in ("open", "returned") and today > self.deadline


class RectificationEvent(Base):
    """Status history: who moved the item from what to what, and why."""

    __tablename__ = "rectification_event"
    __table_args__ = (one_of("kind", EVENT_KINDS), one_of("from_status", ITEM_STATUS_CODES),
                      one_of("to_status", ITEM_STATUS_CODES))
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_item.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64), default="system")
    from_status: Mapped[Optional[str]] = mapped_column(String(20))
    to_status: Mapped[Optional[str]] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20), default="status")  # status | letter | response
    comment: Mapped[Optional[str]] = mapped_column(Text)

    item: Mapped[RectificationItem] = relationship(back_populates="events")


class RectificationEvidence(Base):
    """A file the enterprise attached: its bytes in the file store under ``sha256`` (``stored_name`` is the
    random name files had in ``UPLOAD_DIR`` before the store)."""

    __tablename__ = "rectification_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_item.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    item: Mapped[RectificationItem] = relationship(back_populates="evidence")


class EscalationLetter(Base):
    """提示函 / 意见书 / 建议书 sent about an item (DOMAIN §6.3); 意见书+建议书 count in c19.

    A letter is drafted (wording editable, no number), approved by a second
    person, then numbered and issued in one step: the number (文号) exists only
    on an issued letter, so a refused or abandoned draft leaves no gap.
    ``revision`` grows with every change, so a confirmation given for an older
    wording is refused.  An answer is recorded with its day (CHECK constraints).
    """

    __tablename__ = "escalation_letter"
    __table_args__ = (
        UniqueConstraint("kind", "number_year", "number_seq"),
        one_of("status", LETTER_STATUS_CODES),
        one_of("kind", LETTER_KIND_CODES),
        CheckConstraint("status != 'issued' OR (number IS NOT NULL AND issued_at IS NOT NULL"
                        " AND response_deadline IS NOT NULL)", name="issued_numbered"),
        CheckConstraint("number IS NULL OR status = 'issued'", name="number_when_issued"),
        CheckConstraint("status != 'approved' OR approved_at IS NOT NULL", name="approved_dated"),
        CheckConstraint("(response IS NULL) = (responded_at IS NULL)", name="response_dated"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_item.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    number: Mapped[Optional[str]] = mapped_column(String(60), unique=True)
    number_year: Mapped[Optional[int]] = mapped_column(Integer)
    number_seq: Mapped[Optional[int]] = mapped_column(Integer)
    addressee: Mapped[str] = mapped_column(String(200))
    # the editable wording: facts, legal_basis, requests (lists of paragraphs), contact
    content: Mapped[Optional[dict]] = mapped_column(JSON)
    drafted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    drafted_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    issued_at: Mapped[Optional[dt.date]] = mapped_column(Date)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    response_deadline: Mapped[Optional[dt.date]] = mapped_column(Date)
    response: Mapped[Optional[str]] = mapped_column(Text)
    responded_at: Mapped[Optional[dt.date]] = mapped_column(Date)
    pdf_sha256: Mapped[Optional[str]] = mapped_column(String(64))  # the issued PDF's key in the file store

    item: Mapped[RectificationItem] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    drafted_by: Mapped[Optional[User]] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[Optional[User]] = relationship(foreign_keys=[approved_by_id])
    issued_by: Mapped[Optional[User]] = relationship(foreign_keys=[issued_by_id])

    @property
    def is_issued(self) -> bool:
        return self.status == "issued"

    @property
    def pdf(self) -> Optional[bytes]:
        """The issued letter's PDF from the file store, checked against ``pdf_sha256``."""
        return None if self.pdf_sha256 is None else storage_for(self).get(self.pdf_sha256)

    @pdf.setter
    def pdf(self, data: Optional[bytes]) -> None:
        self.pdf_sha256 = None if data is None else storage_for(self).put(data)

    @property
    def status_label(self) -> str:
        return LETTER_STATUSES.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return LETTER_KINDS.get(self.kind, self.kind)
