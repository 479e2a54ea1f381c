"""Collective contracts and the bargaining records behind them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scoring.dates import contract_expiry

from ..db import Base
from .base import Timestamped, one_of
from .orgs import Enterprise, Industry, ReportingUnit

CONTRACT_KINDS = {"comprehensive": "综合集体合同", "wage": "工资专项集体合同", "female": "女职工专项集体合同"}
CONTRACT_SCOPES = {"enterprise": "企业", "industry": "行业性", "regional": "区域性"}
OFFER_BY = {"enterprise_union": "企业工会", "upper_union": "上级工会（上代下）", "employer": "企业方"}
IN_FORCE_REVIEWS = ("no_objection", "objection_resolved")
REVIEW_RESULTS = {
    "pending": "审查中",
    "no_objection": "无异议（已生效）",
    "objection": "有审查意见",
    "objection_resolved": "审查意见已落实",
}


def in_force_between(review_result: Optional[str], effective: Optional[dt.date], term_years,
                     start: dt.date, end: dt.date) -> bool:
    """Filed without an open objection, and in force on at least one day of [start, end].

    One rule for the statistics tables (a single day: ``start == end``) and the
    evaluation (the campaign year), taking plain values so bulk queries can use it.
    """
    if review_result not in IN_FORCE_REVIEWS or not effective:
        return False
    expiry = contract_expiry(effective, term_years)
    return effective <= end and (expiry is None or start <= expiry)


class CollectiveContract(Timestamped, Base):
    """One contract with its bargaining record (offer, meetings, vote, filing).

    Enterprise contracts have ``enterprise_id``; industry and regional ones
    have none and list the enterprises they cover in ``ContractCoverage``.
    """

    __tablename__ = "collective_contract"
    __table_args__ = (one_of("scope", CONTRACT_SCOPES), one_of("kind", CONTRACT_KINDS), one_of("offer_by", OFFER_BY),
                      one_of("review_result", REVIEW_RESULTS))
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), default="enterprise")
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    enterprise_id: Mapped[Optional[int]] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reporting_unit.id"), index=True)
    industry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("industry.id"))
    worker_signatory: Mapped[Optional[str]] = mapped_column(String(200))
    employer_signatory: Mapped[Optional[str]] = mapped_column(String(200))
    # offer and reply
    offer_by: Mapped[Optional[str]] = mapped_column(String(20))
    offer_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    reply_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    reply_written: Mapped[Optional[bool]] = mapped_column(Boolean)
    # representatives
    worker_reps: Mapped[Optional[int]] = mapped_column(Integer)
    employer_reps: Mapped[Optional[int]] = mapped_column(Integer)
    worker_chief_is_chair: Mapped[Optional[bool]] = mapped_column(Boolean)
    # workers' congress
    congress_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    congress_members: Mapped[Optional[int]] = mapped_column(Integer)
    congress_present: Mapped[Optional[int]] = mapped_column(Integer)
    congress_in_favour: Mapped[Optional[int]] = mapped_column(Integer)
    # signing, filing, review
    signing_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    submitted_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    review_result: Mapped[Optional[str]] = mapped_column(String(30))
    effective_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    term_years: Mapped[Optional[Decimal]] = mapped_column(Numeric(4, 1))
    published_date: Mapped[Optional[dt.date]] = mapped_column(Date)
    # coverage and content
    covered_enterprises: Mapped[Optional[int]] = mapped_column(Integer)
    covered_workers: Mapped[Optional[int]] = mapped_column(Integer)
    covered_new_form_workers: Mapped[Optional[int]] = mapped_column(Integer)
    wage_increase_pct: Mapped[Optional[Decimal]] = mapped_column(Numeric(6, 2))
    min_wage: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    piece_rate: Mapped[Optional[Decimal]] = mapped_column(Numeric(10, 2))
    piece_rate_terms: Mapped[Optional[str]] = mapped_column(Text)
    allowances: Mapped[Optional[str]] = mapped_column(Text)
    hours_and_rest: Mapped[Optional[str]] = mapped_column(Text)
    safety_insurance: Mapped[Optional[str]] = mapped_column(Text)
    training_rewards: Mapped[Optional[str]] = mapped_column(Text)
    notes: Mapped[Optional[str]] = mapped_column(Text)

    enterprise: Mapped[Optional[Enterprise]] = relationship()
    unit: Mapped[Optional[ReportingUnit]] = relationship()
    industry: Mapped[Optional[Industry]] = relationship()
    meetings: Mapped[list["BargainingMeeting"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="BargainingMeeting.date"
    )
    coverage: Mapped[list["ContractCoverage"]] = relationship(back_populates="contract", cascade="all, delete-orphan")

    @property
    def expiry_date(self) -> Optional[dt.date]:
        return contract_expiry(self.effective_date, self.term_years)

    def in_force(self, on: dt.date, until: Optional[dt.date] = None) -> bool:
        """Filed, effective and not expired on the given day (or some day up to ``until``)."""
        return in_force_between(self.review_result, self.effective_date, self.term_years, on, until or on)

    @property
    def kind_label(self) -> str:
        return CONTRACT_KINDS.get(self.kind, self.kind)

    @property
    def scope_label(self) -> str:
        return CONTRACT_SCOPES.get(self.scope, self.scope)


class BargainingMeeting(Base):
    __tablename__ = "bargaining_meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("collective_contract.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[Optional[str]] = mapped_column(String(500))

    contract: Mapped[CollectiveContract] = relationship(back_populates="meetings")


class ContractCoverage(Base):
    """An enterprise bound by an industry or regional contract."""

    __tablename__ = "contract_coverage"
    __table_args__ = (UniqueConstraint("contract_id", "enterprise_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("collective_contract.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)

    contract: Mapped[CollectiveContract] = relationship(back_populates="coverage")
    enterprise: Mapped[Enterprise] = relationship()
