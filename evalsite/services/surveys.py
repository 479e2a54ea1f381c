"""Survey transactions: definitions by hash, links, ballot codes, submissions (limits: survey_limits.py).

Recording an answer is the one write on the hot path, so it is a single short
transaction: insert (the unique key makes it the arbiter of idempotency),
consume a ballot code if needed, count the answer against the link's limits, commit.
The public pages read what they need of a link in one query (``public_link``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys import Definition, ballots, default_definition, load_settings, parse_definition
from surveys.definition import DEFINITIONS_DIR
from surveys.settings import burst_limit, daily_cap

from ..models import BallotCode, Campaign, Enrolment, Enterprise, Submission, SurveyDefinition, SurveyLink
from .survey_limits import over_limit

log = logging.getLogger(__name__)
AUDIENCE_CODES = ("worker", "employer")
KEY_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_DEFINITIONS: dict[str, Definition] = {}  # content-addressed, so safe to keep for the process lifetime


# ---------------------------------------------------------------- definitions

def store_definition(session: Session, text: str, source: str, user_id: int | None = None) -> Definition:
    """Validate YAML text and keep it by hash (DefinitionError names the problem)."""
    definition = parse_definition(text, source)
    if session.get(SurveyDefinition, definition.hash) is None:
        session.add(SurveyDefinition(hash=definition.hash, code=definition.code, version=definition.version,
                                     audience=definition.audience, title=definition.title, yaml_text=text,
                                     uploaded_by_id=user_id))
        session.flush()
    _DEFINITIONS[definition.hash] = definition
    return definition


def definition_by_hash(session: Session, digest: str | None) -> Definition | None:
    if not digest:
        return None
    found = _DEFINITIONS.get(digest)
    if found is None:
        row = session.get(SurveyDefinition, digest)
        if row is None:
            return None
        found = _DEFINITIONS[digest] = parse_definition(row.yaml_text, f"{row.code}@{row.version}")
    return found


def pinned_hash(campaign: Campaign, audience: str) -> str | None:
    return campaign.worker_definition_hash if audience == "worker" else campaign.employer_definition_hash


def pinned_definition(session: Session, campaign: Campaign, audience: str) -> Definition | None:
    return definition_by_hash(session, pinned_hash(campaign, audience))


def pin(campaign: Campaign, definition: Definition) -> None:
    if definition.audience == "worker":
        campaign.worker_definition_hash = definition.hash
    else:
        campaign.employer_definition_hash = definition.hash


def pin_defaults(session: Session, campaign: Campaign, user_id: int | None = None, only_missing=False) -> list:
    """Store the bundled worker/employer YAML and pin them to the campaign."""
    pinned = []
    for audience in AUDIENCE_CODES:
        if only_missing and pinned_hash(campaign, audience):
            continue
        path = Path(DEFINITIONS_DIR) / f"{audience}.yaml"
        definition = store_definition(session, path.read_text(encoding="utf-8"), path.name, user_id)
        assert definition.hash == default_definition(audience).hash
        pin(campaign, definition)
        pinned.append(definition)
    return pinned


# ---------------------------------------------------------------- links

TOKEN_ALPHABET = string.ascii_letters + string.digits


def new_token() -> str:
    """32 letters and digits (190 random bits).

    No "-" or "_": printed on a poster, a token ending in "-" at a line end
    reads as a hyphenation and gets dropped by readers and by copy-paste.
    """
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(32))


def current_link(session: Session, campaign_id: int, enterprise_id: int, audience: str) -> SurveyLink | None:
    return session.scalar(select(SurveyLink).where(
        SurveyLink.campaign_id == campaign_id, SurveyLink.enterprise_id == enterprise_id,
        SurveyLink.audience == audience, SurveyLink.status != "rotated").order_by(SurveyLink.id.desc()).limit(1))


def ensure_links(session: Session, campaign: Campaign, enterprise_ids, audiences=None) -> int:
    """Create the missing links of the audiences (default: worker and employer); returns how many were made."""
    ids = list(enterprise_ids)
    have = set(session.execute(select(SurveyLink.enterprise_id, SurveyLink.audience).where(
        SurveyLink.campaign_id == campaign.id, SurveyLink.status != "rotated")).all())
    made = 0
    for eid in ids:
        for audience in audiences or AUDIENCE_CODES:
            if (eid, audience) not in have:
                session.add(SurveyLink(campaign_id=campaign.id, enterprise_id=eid, audience=audience,
                                       token=new_token(), status="open"))
                made += 1
    if made:
        pin_defaults(session, campaign, only_missing=True)
    session.flush()
    return made


def enrolled_ids(session: Session, campaign_id: int):
    return select(Enrolment.enterprise_id).where(Enrolment.campaign_id == campaign_id)


def rotate(session: Session, link: SurveyLink) -> SurveyLink:
    """Replace the token; the old one answers 410 and unused ballot codes move over."""
    fresh = SurveyLink(campaign_id=link.campaign_id, enterprise_id=link.enterprise_id, audience=link.audience,
                       token=new_token(), status="open" if link.status == "open" else "closed",
                       opens_on=link.opens_on, closes_on=link.closes_on, daily_cap=link.daily_cap,
                       ballots_required=link.ballots_required, rotated_from_id=link.id)
    link.status = "rotated"
    session.add(fresh)
    session.flush()
    session.execute(update(BallotCode).where(BallotCode.link_id == link.id).values(link_id=fresh.id))
    return fresh


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


def public_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/s/{token}"


def short_url(token: str) -> str:
    return public_url(token).split("://", 1)[-1]


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


# ---------------------------------------------------------------- ballot codes

def code_hash(code: str) -> str:
    """SHA-256 of the code as read (upper case, separators dropped): only this is stored."""
    return hashlib.sha256(ballots.normalise(code).encode("utf-8")).hexdigest()


def issue_ballots(session: Session, link: SurveyLink, count: int) -> list[str]:
    """New one-time codes (surveys/ballots.py: 8 characters, no look-alikes); only their hashes are stored."""
    codes = [ballots.new_code() for _ in range(count)]
    session.add_all([BallotCode(link_id=link.id, code_hash=code_hash(c)) for c in codes])
    link.ballots_required = True
    session.flush()
    return codes


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


def response_counts(session: Session, campaign_id: int, enterprise_ids=None) -> dict:
    """(enterprise_id, audience) → number of submissions."""
    stmt = (select(Submission.enterprise_id, Submission.audience, func.count())
            .where(Submission.campaign_id == campaign_id).group_by(Submission.enterprise_id, Submission.audience))
    if enterprise_ids is not None:
        stmt = stmt.where(Submission.enterprise_id.in_(enterprise_ids))
    return {(eid, aud): n for eid, aud, n in session.execute(stmt)}
