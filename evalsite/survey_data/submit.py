"""The hot path of the public survey: read a link, check it and its ballot code, record one answer.

Every worker's answer goes through here, so it is kept small and apart from the
administration of links (``store``). Where the time went and what was done about it is in
bench/README.md; in short, per answer:

- the link comes from a per-process ``LinkCache`` (read again at most every ``LINK_TTL``
  seconds) and is only a guess: the INSERT itself re-checks it (``_GUARDED``: one
  INSERT ... SELECT that stores nothing unless the link is still open on that day, with the
  same ballot setting, cap and pinned questionnaire), so closing, rotating or changing a link
  takes effect at once; a refused guess is read again (``record`` answers 'stale');
- with Redis, the limits are counted first (one round trip, ``limits.count_shared``) and the
  answer is then a single INSERT in autocommit on PostgreSQL (no BEGIN/COMMIT round trips);
  a ballot code, or counting in the database without Redis, keeps one short transaction.

Nothing identifying is stored or logged with an answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import json
import threading
import time

from sqlalchemy import Date, String, and_, bindparam, case, cast, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveys import Definition, ballots, load_settings
from surveys.settings import burst_limit, daily_cap

from ..db import db
from ..models import BallotCode, Campaign, Enrolment, Enterprise, Submission, SurveyLink
from . import limits
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


LINK_TTL = 10.0  # seconds a process answers from its copy of a link; the INSERT re-checks it anyway


class LinkCache:
    """Links that could be answered when last read, kept by this process for ``LINK_TTL`` seconds.

    Only for the submit, and only as a guess that ``_GUARDED`` verifies: a stale entry can delay
    nothing but a changed headcount's default cap (at most ``LINK_TTL`` seconds).
    """

    MAX = 4096

    def __init__(self, ttl: float = LINK_TTL):
        self.ttl = ttl
        self._lock = threading.Lock()
        self._links: dict[str, tuple[float, PublicLink]] = {}

    def get(self, token: str) -> PublicLink | None:
        found = self._links.get(token)
        if found is None or time.monotonic() - found[0] > self.ttl:
            return None
        return found[1]

    def put(self, link: PublicLink) -> None:
        with self._lock:
            if len(self._links) >= self.MAX:
                self._links.clear()
            self._links[link.token] = (time.monotonic(), link)

    def forget(self, token: str) -> None:
        self._links.pop(token, None)


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


_LINK, _CAMPAIGN = SurveyLink.__table__, Campaign.__table__
_COLUMNS = ["campaign_id", "enterprise_id", "audience", "definition_hash", "submission_key", "answers", "submitted_on"]
# One statement stores the answer only if the link is still as it was read: open on that day, the same
# ballot setting and cap, the campaign still pinning the questionnaire the answers were checked against.
_GUARDED = insert(Submission.__table__).from_select(_COLUMNS, select(
    _LINK.c.campaign_id, _LINK.c.enterprise_id, _LINK.c.audience,
    cast(bindparam("p_hash", type_=String), String), cast(bindparam("p_key", type_=String), String),
    bindparam("p_answers", type_=Submission.__table__.c.answers.type), bindparam("p_today", type_=Date),
).select_from(_LINK.join(_CAMPAIGN, _CAMPAIGN.c.id == _LINK.c.campaign_id)).where(
    _LINK.c.id == bindparam("p_link"), _LINK.c.status == "open",
    or_(_LINK.c.opens_on.is_(None), _LINK.c.opens_on <= bindparam("p_today", type_=Date)),
    or_(_LINK.c.closes_on.is_(None), _LINK.c.closes_on >= bindparam("p_today", type_=Date)),
    _LINK.c.ballots_required == bindparam("p_ballots"),
    func.coalesce(_LINK.c.daily_cap, 0) == bindparam("p_cap"),
    case((_LINK.c.audience == "worker", _CAMPAIGN.c.worker_definition_hash),
         else_=_CAMPAIGN.c.employer_definition_hash) == bindparam("p_hash", type_=String))
).execution_options(preserve_rowcount=True)  # an INSERT's rowcount is otherwise not kept (psycopg)
_CONSUME = (update(BallotCode.__table__).values(used=True)
            .where(BallotCode.link_id == bindparam("p_link"), BallotCode.code_hash == bindparam("p_hash"),
                   BallotCode.used.is_(False)))


def _guarded_sql(dialect) -> tuple[str, dict]:
    """``_GUARDED`` as the driver's SQL text and its constant parameters, compiled once per dialect.

    Executed as text on the autocommit path: building the cache key of a statement this size costs
    more than the driver's whole execution of it.
    """
    found = _COMPILED.get(dialect.name)
    if found is None:
        compiled = _GUARDED.compile(dialect=dialect)
        found = _COMPILED[dialect.name] = (str(compiled), {k: v for k, v in compiled.params.items()
                                                             if not k.startswith("p_")})
    return found


_COMPILED: dict = {}


def _insert_alone(engine, values: dict, shared) -> str:
    """The guarded INSERT in autocommit: 'created', 'stale' or 'duplicate' (taken back from the counts).

    ``engine``: ``db.autocommit_engine()`` (PostgreSQL, psycopg, no pre-ping). The statement goes to the
    driver's cursor of a pooled connection: the one statement of the hottest path, where Core's
    execution layer costs as much as the driver. A connection found dead is dropped from the pool and
    the statement tried once more on a fresh one.
    """
    import psycopg

    sql, constants = _guarded_sql(engine.dialect)
    params = {**values, **constants, "p_answers": json.dumps(values["p_answers"])}  # as the JSON type stores it
    for attempt in (1, 2):
        pooled = engine.raw_connection()
        try:
            with pooled.cursor() as cursor:
                cursor.execute(sql, params)
                stored = cursor.rowcount
        except psycopg.IntegrityError:  # the key is there already: a double tap, a retry, or a concurrent twin
            pooled.close()
            limits.uncount(shared)
            return "duplicate"
        except psycopg.OperationalError:
            pooled.invalidate()
            if attempt == 2:
                raise
            continue
        except BaseException:
            pooled.close()
            raise
        pooled.close()
        break
    if stored != 1:
        limits.uncount(shared)
        return "stale"
    return "created"


@dataclass(frozen=True)
class Recorded:
    """What became of one answer, and whether it is the one that should try the group's next release.

    ``paces_release``: the link's day count of this stored answer is a multiple of ``release_step``, so
    one answer in five (not every answer) tries a release, without counting anything more: the count is
    the one the limits already took. A count that skips (a refused or retried answer) only delays that
    release to the next multiple, or to the next page that shows the figures (``releases.refresh``).
    """
    outcome: str
    paces_release: bool = False


def record(session: Session, link: PublicLink, definition: Definition, key: str, answers: dict,
           today: dt.date, ballot: str | None = None) -> str:
    """:func:`record_answer`'s outcome only (what most callers need)."""
    return record_answer(session, link, definition, key, answers, today, ballot).outcome


def record_answer(session: Session | Callable[[], Session], link: PublicLink, definition: Definition, key: str,
                  answers: dict, today: dt.date, ballot: str | None = None) -> Recorded:
    """Store one submission. The outcome is 'created', 'duplicate', 'ballot' (code used/unknown), 'burst',
    'cap', or 'stale' (the link is no longer as read: read it again and decide anew). Nothing is stored
    unless 'created'; the limits count an answer they refused, as they always did, but not one not stored.

    ``session`` may be a function giving one (the view's ``lambda: db.session``): the one-statement path
    never needs a session, so it never opens one.
    """
    shared = limits.count_shared(link, today)  # with Redis, before the row: a refused answer never reaches it
    if shared is not None and shared.refused:
        return Recorded(shared.refused)
    values = {"p_link": link.id, "p_hash": definition.hash, "p_key": key, "p_answers": answers, "p_today": today,
              "p_ballots": link.ballots_required, "p_cap": link.daily_cap or 0}
    autocommit = db.autocommit_engine() if shared is not None and not link.ballots_required else None
    if autocommit is not None:  # PostgreSQL, counted in Redis, no ballot code: the answer is one statement
        outcome = _insert_alone(autocommit, values, shared)
        return Recorded(outcome, paces_release=outcome == "created" and _paces(shared.day_count))
    if callable(session):
        session = session()
    conn = session.connection()
    try:
        stored = conn.execute(_GUARDED, values).rowcount
    except IntegrityError:  # the key is there already: a double tap, a retry, or a concurrent twin
        session.rollback()
        limits.uncount(shared)
        return Recorded("duplicate")
    outcome = "created" if stored == 1 else "stale"
    if outcome == "created" and link.ballots_required:
        consumed = conn.execute(_CONSUME, {"p_link": link.id, "p_hash": code_hash(ballot or "")}).rowcount
        outcome = "created" if consumed == 1 else "ballot"
    day_count = shared.day_count if shared is not None else 0
    if outcome == "created" and shared is None:
        refused, day_count = limits.count_here(session, link, today)
        outcome = refused or "created"
    if outcome != "created":
        session.rollback()
        if outcome in ("stale", "ballot"):
            limits.uncount(shared)
        return Recorded(outcome)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        limits.uncount(shared)
        return Recorded("duplicate")
    return Recorded("created", paces_release=_paces(day_count))


def _paces(day_count: int) -> bool:
    return day_count % load_settings().release_step == 0
