"""Survey definitions, links, one-time ballot codes and anonymous submissions.

A submission stores only what the metrics need (campaign, enterprise,
audience, definition hash, idempotency key, answers, the day): no address,
browser, account, link or time of day, so nobody can trace an answer back.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import one_of, utcnow
from .campaigns import Campaign
from .orgs import Enterprise

AUDIENCES = {"worker": "职工问卷", "employer": "企业方问卷"}
LINK_STATUSES = {"open": "开放", "closed": "已关闭", "rotated": "已更换"}


class SurveyDefinition(Base):
    """A questionnaire version, stored by the SHA-256 of its canonical form."""

    __tablename__ = "survey_definition"
    __table_args__ = (one_of("audience", AUDIENCES),)
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    audience: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(200))
    yaml_text: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class SurveyLink(Base):
    """The unguessable address one enterprise's workers (or managers) answer at."""

    __tablename__ = "survey_link"
    __table_args__ = (Index("ix_survey_link_scope", "campaign_id", "enterprise_id", "audience"),
                      one_of("audience", AUDIENCES), one_of("status", LINK_STATUSES))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opens_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    closes_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    daily_cap: Mapped[Optional[int]] = mapped_column(Integer)
    ballots_required: Mapped[bool] = mapped_column(Boolean, default=False)
    rotated_from_id: Mapped[Optional[int]] = mapped_column(ForeignKey("survey_link.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    enterprise: Mapped[Enterprise] = relationship()

    @property
    def audience_label(self) -> str:
        return AUDIENCES.get(self.audience, self.audience)

    @property
    def status_label(self) -> str:
        return LINK_STATUSES.get(self.status, self.status)


class BallotCode(Base):
    """A one-time code; only its hash is kept, and never which answer used it."""

    __tablename__ = "ballot_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("survey_link.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)


class Submission(Base):
    """One respondent's answers; see the module docstring for what is NOT here."""

    __tablename__ = "submission"
    __table_args__ = (Index("ix_submission_scope", "campaign_id", "enterprise_id", "audience"),
                      # the answers a release will publish: a handful per group, however many it ever received
                      Index("ix_submission_unreleased", "campaign_id", "enterprise_id", "audience",
                            sqlite_where=text("release_no IS NULL"), postgresql_where=text("release_no IS NULL")),
                      one_of("audience", AUDIENCES))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    definition_hash: Mapped[str] = mapped_column(String(64))
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict] = mapped_column(JSON)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    release_no: Mapped[Optional[int]] = mapped_column(Integer)  # the SurveyRelease that published it; None: not yet


class SubmissionCounter(Base):
    """Submissions per link and day, and in the current minute, for the stuffing limits when Redis is absent.

    ``window_tag`` is an HMAC of (link, minute) under the secret key, never a
    time (``survey_data/limits.py``); ``window_count`` the answers in that minute.
    """

    __tablename__ = "submission_counter"
    link_id: Mapped[int] = mapped_column(ForeignKey("survey_link.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_tag: Mapped[Optional[str]] = mapped_column(String(16))
    window_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SurveyRelease(Base):
    """A published state of one enterprise's figures for one questionnaire.

    Survey figures are not live: a group's rates, distributions and free text
    move only in releases of at least ``release_step`` (5) new answers, so
    that comparing two states of a page never isolates one person
    (``surveys.disclosure.release_due``). The submissions published in release
    ``number`` carry ``Submission.release_no == number``; ``answers`` and
    ``counts`` are cumulative over releases 1..number. ``counts`` =
    {definition hash: {"answers": n, "rates": {key: [numerator, n]},
    "questions": {code: [answered, {value: count}]}}} (never free text);
    district and city totals sum the latest release of each enterprise.
    """

    __tablename__ = "survey_release"
    __table_args__ = (UniqueConstraint("campaign_id", "enterprise_id", "audience", "number"),
                      CheckConstraint("number >= 1 AND answers >= 1", name="positive"),
                      one_of("audience", AUDIENCES),
                      Index("ix_survey_release_scope", "campaign_id", "enterprise_id", "audience"))
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    answers: Mapped[int] = mapped_column(Integer)
    released_on: Mapped[dt.date] = mapped_column(Date)  # Beijing date, day only
    counts: Mapped[dict] = mapped_column(JSON)
