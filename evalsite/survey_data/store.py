"""Survey administration: definitions by hash, links, ballot codes, response counters.

The public answer path (reading a link, checking a ballot, recording an
answer) is ``submit``; the limits are ``limits``.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import string
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from surveys import Definition, ballots, default_definition, parse_definition
from surveys.definition import DEFINITIONS_DIR

from ..models import BallotCode, Campaign, Enrolment, Submission, SurveyDefinition, SurveyLink

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


def loaded_definition(digest: str | None) -> Definition | None:
    """A questionnaire this process has parsed already (None otherwise: ask ``definition_by_hash``)."""
    return _DEFINITIONS.get(digest) if digest else None


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


def public_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/s/{token}"


def short_url(token: str) -> str:
    return public_url(token).split("://", 1)[-1]


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


# ---------------------------------------------------------------- response counters

def response_counts(session: Session, campaign_id: int, enterprise_ids=None) -> dict:
    """(enterprise_id, audience) → number of submissions."""
    stmt = (select(Submission.enterprise_id, Submission.audience, func.count())
            .where(Submission.campaign_id == campaign_id).group_by(Submission.enterprise_id, Submission.audience))
    if enterprise_ids is not None:
        stmt = stmt.where(Submission.enterprise_id.in_(enterprise_ids))
    return {(eid, aud): n for eid, aud, n in session.execute(stmt)}
