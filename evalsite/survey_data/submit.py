"""The hot path of the public survey: read a link, check it and its ballot code, record one answer.

Every worker's answer goes through here, so it is kept small and apart from the
administration of links (``store``): one SELECT for the link, then a single short
transaction of one INSERT (plus the ballot UPDATE and the limit counter).
Nothing identifying is stored or logged with an answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys import Definition, ballots, load_settings
from surveys.settings import burst_limit, daily_cap

from ..models import BallotCode, Campaign, Enrolment, Enterprise, Submission, SurveyLink
from .limits import over_limit
from .store import KEY_ALPHABET, code_hash


@dataclass(frozen=True)
class PublicLink:
    """What the public pages need of a link, its campaign's pinned hash and the headcount, read at once."""
    id: int
    campaign_id: int
    enterprise_id: int
    audience: str
    token: str
    status: str
    opens_on: dt.date | None
    closes_on: dt.date | None
    daily_cap: int | None
    ballots_required: bool
    definition_hash: str | None
    enterprise_name: str  # shown on every survey page, so a worker knows whose questionnaire it is
    headcount: int  # at enrolment, else the enterprise's

    @property
    def cap(self) -> int:
        """Answers a day: generous (surveys/settings.yaml: 3 per head, at least 200), unless set on the link."""
        return self.daily_cap or daily_cap(load_settings(), self.headcount)

    @property
    def burst(self) -> int:
        """Answers a minute (surveys/settings.yaml: a tenth of the headcount, at least 30; scales with the cap)."""
        return burst_limit(load_settings(), self.cap)


_PUBLIC_LINK = (
    select(SurveyLink.id, SurveyLink.campaign_id, SurveyLink.enterprise_id, SurveyLink.audience, SurveyLink.token,
           SurveyLink.status, SurveyLink.opens_on, SurveyLink.closes_on, SurveyLink.daily_cap,
           SurveyLink.ballots_required,
           case((SurveyLink.audience == "worker", Campaign.worker_definition_hash),
                else_=Campaign.employer_definition_hash),
           Enterprise.name, Enrolment.headcount, Enterprise.headcount)
    .join(Campaign, Campaign.id == SurveyLink.campaign_id)
    .outerjoin(Enrolment, and_(Enrolment.campaign_id == SurveyLink.campaign_id,
                               Enrolment.enterprise_id == SurveyLink.enterprise_id))
    .outerjoin(Enterprise, Enterprise.id == SurveyLink.enterprise_id)
    .where(SurveyLink.token == bindparam("token")))


def public_link(session: Session, token: str) -> PublicLink | None:
    row = session.connection().execute(_PUBLIC_LINK, {"token": token}).first()
    if row is None:
        return None
    *fields, name, enrolled, employed = row
    return PublicLink(*fields, enterprise_name=name or "", headcount=enrolled or employed or 0)


def link_problem(link: SurveyLink | PublicLink, today: dt.date) -> str | None:
    """Why the link cannot be answered today (a Chinese 410 message), or None."""
    if link.status == "rotated":
        return "此链接已失效：单位已更换问卷链接，请扫描新的二维码。"
    if link.status != "open":
        return "此链接已失效：问卷已关闭。"
    if link.opens_on and today < link.opens_on:
        return f"此链接已失效：问卷尚未开始，将于{link.opens_on:%Y年%m月%d日}开放。"
    if link.closes_on and today > link.closes_on:
        return f"此链接已失效：问卷已于{link.closes_on:%Y年%m月%d日}截止。"
    return None


def ballot_problem(session: Session, link: SurveyLink | PublicLink, typed: str | None) -> str | None:
    """None when the code can be used on this link, else why not (a Chinese message).

    The stored hash is looked up first, so codes printed before the alphabet
    changed still work; only a code that is not there is checked for its form.
    """
    used = session.scalar(select(BallotCode.used).where(BallotCode.link_id == link.id,
                                                        BallotCode.code_hash == code_hash(typed or "")))
    if used is None:
        return ballots.format_problem(typed) or ballots.UNKNOWN
    return ballots.USED if used else None


def ballot_usable(session: Session, link: SurveyLink | PublicLink, code: str) -> bool:
    return ballot_problem(session, link, code) is None


# ---------------------------------------------------------------- submissions

def valid_key(key: str | None) -> bool:
    return bool(key) and 16 <= len(key) <= 64 and set(key) <= KEY_ALPHABET


def key_exists(session: Session, key: str) -> bool:
    return session.scalar(select(Submission.id).where(Submission.submission_key == key)) is not None


_INSERT = insert(Submission.__table__).inline()  # no RETURNING of the new id: nobody needs it
_CONSUME = (update(BallotCode.__table__).values(used=True)
            .where(BallotCode.link_id == bindparam("p_link"), BallotCode.code_hash == bindparam("p_hash"),
                   BallotCode.used.is_(False)))


def record(session: Session, link: PublicLink, definition: Definition, key: str, answers: dict,
           today: dt.date, ballot: str | None = None) -> str:
    """Store one submission: 'created', 'duplicate', 'ballot' (code used/unknown), 'burst' or 'cap'."""
    values = dict(campaign_id=link.campaign_id, enterprise_id=link.enterprise_id, audience=link.audience,
                  definition_hash=definition.hash, submission_key=key, answers=answers, submitted_on=today)
    try:
        session.connection().execute(_INSERT, values)
    except IntegrityError:  # the key is there already: a double tap, a retry, or a concurrent twin
        session.rollback()
        return "duplicate"
    if link.ballots_required:
        consumed = session.execute(_CONSUME, {"p_link": link.id, "p_hash": code_hash(ballot or "")}).rowcount
        if consumed != 1:
            session.rollback()
            return "ballot"
    refused = over_limit(session, link, today)
    if refused:
        session.rollback()
        return refused
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return "duplicate"
    return "created"
