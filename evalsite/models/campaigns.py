"""Campaigns and the enterprises they enrol."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import Timestamped
from .orgs import Enterprise


class Campaign(Timestamped, Base):
    """A yearly campaign, e.g. 2021年全市集体协商集中要约行动.

    It pins the questionnaire and indicator definitions it uses by their
    SHA-256, so later edits never change the meaning of what was collected.
    """

    __tablename__ = "campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    report_deadline: Mapped[Optional[dt.date]] = mapped_column(Date)
    target_establishment_rate: Mapped[float] = mapped_column(Float, default=0.80)
    target_wage_rate: Mapped[float] = mapped_column(Float, default=0.90)
    min_headcount: Mapped[int] = mapped_column(Integer, default=100)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[Optional[str]] = mapped_column(Text)
    worker_definition_hash: Mapped[Optional[str]] = mapped_column(String(64))
    employer_definition_hash: Mapped[Optional[str]] = mapped_column(String(64))
    indicator_system_hash: Mapped[Optional[str]] = mapped_column(String(64))

    @property
    def as_of(self) -> dt.date:
        """The day the campaign's stock figures (建制率 ...) are counted: its report deadline."""
        return self.report_deadline or self.end_date


class Enrolment(Base):
    """An enterprise taking part in a campaign, with its headcount at enrolment."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("campaign_id", "enterprise_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    headcount: Mapped[int] = mapped_column(Integer)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)

    campaign: Mapped[Campaign] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
