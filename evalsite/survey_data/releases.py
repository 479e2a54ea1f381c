"""Releases: the published states of an enterprise's survey figures.

Figures never follow the live answers. When at least ``release_step`` (5)
answers of an enterprise and questionnaire are not yet published
(``surveys.disclosure.release_due``), a release marks them
(``Submission.release_no``) and stores the cumulative additive counts of
everything published so far. Every page, export, report and score reads the
latest release: between two releases only the response counter moves, so
comparing two states of any figure reveals a group of at least 5 answers.

A last batch of fewer than 5 answers is never published, not even when the
link closes (see the README): publishing it would give those answers away to
anyone who saw the previous release.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from surveys import disclosure
from surveys.metrics import option_counts, rate_counts

from ..db import db, writing
from ..models import Submission, SurveyRelease
from ..timefmt import local_today
from .store import AUDIENCE_CODES, definition_by_hash, response_counts

log = logging.getLogger(__name__)
Key = tuple  # (enterprise_id, audience)


@dataclass(frozen=True)
class Published:
    """The latest release of one group (or nothing yet: number 0)."""
    number: int
    answers: int
    released_on: object
    counts: dict


NOTHING = Published(0, 0, None, {})


def latest(session: Session, campaign_id: int, enterprise_ids=None) -> dict[Key, Published]:
    """(enterprise_id, audience) → its latest release; ``enterprise_ids``: None (all), a list or a select."""
    last = (select(SurveyRelease.enterprise_id, SurveyRelease.audience, func.max(SurveyRelease.number).label("n"))
            .where(SurveyRelease.campaign_id == campaign_id)
            .group_by(SurveyRelease.enterprise_id, SurveyRelease.audience))
    if enterprise_ids is not None:
        last = last.where(SurveyRelease.enterprise_id.in_(enterprise_ids))
    last = last.subquery()
    stmt = (select(SurveyRelease.enterprise_id, SurveyRelease.audience, SurveyRelease.number, SurveyRelease.answers,
                   SurveyRelease.released_on, SurveyRelease.counts)
            .join(last, (last.c.enterprise_id == SurveyRelease.enterprise_id)
                  & (last.c.audience == SurveyRelease.audience) & (last.c.n == SurveyRelease.number))
            .where(SurveyRelease.campaign_id == campaign_id))
    return {(eid, aud): Published(number, answers, day, counts)
            for eid, aud, number, answers, day, counts in session.execute(stmt)}


def version_counts(session: Session, digest: str, sets: list) -> dict:
    """The additive counts of one version's answer sets (empty when the version is unknown)."""
    definition = definition_by_hash(session, digest)
    if definition is None:
        return {"answers": len(sets), "rates": {}, "questions": {}}
    return {"answers": len(sets),
            "rates": {key: list(rate_counts(definition, key, sets)) for key in definition.metrics},
            "questions": option_counts(definition, sets)}


def _latest_of(session: Session, campaign_id: int, enterprise_id: int, audience: str) -> Published:
    """One group's latest release: the top of the unique (campaign, enterprise, audience, number) index."""
    row = session.execute(select(SurveyRelease.number, SurveyRelease.answers, SurveyRelease.released_on,
                                 SurveyRelease.counts)
                          .where(SurveyRelease.campaign_id == campaign_id, SurveyRelease.enterprise_id == enterprise_id,
                                 SurveyRelease.audience == audience)
                          .order_by(SurveyRelease.number.desc()).limit(1)).first()
    return Published(*row) if row else NOTHING


def _lock_group(session: Session, campaign_id: int, enterprise_id: int, audience: str) -> None:
    """On PostgreSQL, one release of a group at a time (a transaction-scoped advisory lock).

    The second of two concurrent releases waits for the first to commit, then reads its release and
    finds nothing due, instead of computing the same release and failing on the unique number. SQLite
    needs nothing: a write transaction there (``writing()``) already excludes every other writer.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(
            func.hashtextextended(f"survey-release:{campaign_id}:{enterprise_id}:{audience}", 0))))


def release(session: Session, campaign_id: int, enterprise_id: int, audience: str, today=None) -> int:
    """Publish the unpublished answers of one group if enough have arrived, in the caller's write transaction.

    Returns the new release number (0 when none is due). The submissions are
    marked with the number first, so an answer committed meanwhile simply
    waits for the next release. Costs the batch, not the group: the waiting
    answers come from a partial index (``ix_submission_unreleased``) and the
    counts are added to the previous release's.
    """
    _lock_group(session, campaign_id, enterprise_id, audience)
    scope = (Submission.campaign_id == campaign_id, Submission.enterprise_id == enterprise_id,
             Submission.audience == audience)
    previous = _latest_of(session, campaign_id, enterprise_id, audience)
    unreleased = (*scope, Submission.release_no.is_(None))
    if not disclosure.release_due(previous.answers + session.scalar(select(func.count()).where(*unreleased)),
                                  previous.answers):
        return 0
    number = previous.number + 1
    # one pass marks the batch and reads it; answers committed since the count only make it larger
    waiting = session.execute(update(Submission).where(*unreleased).values(release_no=number)
                              .returning(Submission.id, Submission.definition_hash, Submission.answers)
                              .execution_options(synchronize_session=False)).all()
    # the counts are additive: the previous release's plus the new batch's, so a release costs its batch,
    # not every answer the enterprise ever gave (it runs after every fifth answer on the public path)
    groups: dict = defaultdict(list)
    for _, digest, answers in waiting:
        groups[digest].append(answers or {})
    counts = add_counts(previous.counts, {digest: version_counts(session, digest, sets)
                                          for digest, sets in groups.items()})
    session.add(SurveyRelease(campaign_id=campaign_id, enterprise_id=enterprise_id, audience=audience,
                              number=number, answers=previous.answers + len(waiting),
                              released_on=today or local_today(), counts=counts))
    session.flush()
    return number


def _in_order(first: dict, second: dict) -> list:
    return list(dict.fromkeys([*first, *second]))


def add_counts(earlier: dict, batch: dict) -> dict:
    """The cumulative counts of two releases' worth of answers ({hash: version counts}, see SurveyRelease)."""
    out: dict = {}
    for digest in _in_order(earlier, batch):  # keys keep their order: pages list rates and questions in it
        a = earlier.get(digest) or {"answers": 0, "rates": {}, "questions": {}}
        b = batch.get(digest) or {"answers": 0, "rates": {}, "questions": {}}
        rates = {key: [sum(pair[0] for pair in both), sum(pair[1] for pair in both)]
                 for key in _in_order(a["rates"], b["rates"])
                 for both in [[p for p in (a["rates"].get(key), b["rates"].get(key)) if p]]}
        questions: dict = {}
        for code in _in_order(a["questions"], b["questions"]):
            answered, tally = 0, {}
            for entry in (a["questions"].get(code), b["questions"].get(code)):
                if entry:
                    answered += entry[0]
                    for value, count in entry[1].items():
                        tally[value] = tally.get(value, 0) + count
            questions[code] = [answered, tally]
        out[digest] = {"answers": a["answers"] + b["answers"], "rates": rates, "questions": questions}
    return out


def due(live: dict, published: dict) -> list[Key]:
    """The groups whose live count allows a new release."""
    return sorted(key for key, n in live.items()
                  if disclosure.release_due(n, published.get(key, NOTHING).answers))


def refresh(session: Session, campaign_id: int, live: dict, enterprise_ids=None) -> int:
    """Make every due release of the scope, each in a short write transaction of its own.

    For read requests: the request's session stays read-only. Returns how many
    releases were made; the caller then starts a new read (``session.rollback()``)
    to see them. A failure (a concurrent request making the same release) only
    means that request made it.
    """
    published = latest(session, campaign_id, enterprise_ids)
    return sum(_release_alone(session.get_bind(), campaign_id, eid, audience)
               for eid, audience in due(live, published))


def _release_alone(bind, campaign_id: int, enterprise_id: int, audience: str) -> int:
    """:func:`release` in a short write transaction of its own; 1 when made.

    Two at once (two processes, or an answer and a page) wait for each other
    (``_lock_group``); should one still fail, the unique release number keeps
    anything from being counted twice and the other release stands.
    """
    try:
        with writing(), Session(bind=bind) as writer:
            made = release(writer, campaign_id, enterprise_id, audience)
            writer.commit()
            return 1 if made else 0
    except SQLAlchemyError as exc:
        log.warning("survey release not made (%s); the concurrent one stands", type(exc).__name__)
        return 0


def after_answer(session: Session, campaign_id: int, enterprise_id: int, audience: str) -> int:
    """Called after the answer that paces the group's next release is committed (``submit.Recorded``).

    So figures do not wait for somebody to open a page (nor depend on who
    opened which page first). Only one answer in ``release_step`` calls it,
    after its reply is sent; the release runs in its own transaction, which
    never holds up or undoes the answer's. Returns 1 when a release was made.
    """
    session.rollback()  # end whatever the request read: the release reads afresh in its own transaction
    return _release_alone(session.get_bind(), campaign_id, enterprise_id, audience)


def release_now(campaign_id: int, enterprise_id: int, audience: str) -> int:
    """One group's release in a transaction of its own, on the app's engine (``releaser``: a thread)."""
    return _release_alone(db.engine, campaign_id, enterprise_id, audience)


def refresh_all(session: Session, campaign_id: int, enterprise_ids=None) -> int:
    """Like :func:`refresh`, reading the live counts itself (commands, the demo)."""
    return refresh(session, campaign_id, response_counts(session, campaign_id, enterprise_ids), enterprise_ids)


def released_answer_sets(session: Session, campaign_id: int, enterprise_id: int, audience: str,
                         number: int) -> dict[str, list]:
    """definition hash → answer dicts published up to release ``number`` (for free text and row exports)."""
    groups: dict = defaultdict(list)
    if number <= 0:
        return groups
    stmt = select(Submission.definition_hash, Submission.answers).where(
        Submission.campaign_id == campaign_id, Submission.enterprise_id == enterprise_id,
        Submission.audience == audience, Submission.release_no.is_not(None), Submission.release_no <= number)
    for digest, answers in session.execute(stmt):
        groups[digest].append(answers or {})
    return groups


__all__ = ["AUDIENCE_CODES", "NOTHING", "Published", "add_counts", "after_answer", "due", "latest", "refresh", "refresh_all", "release",
           "release_now",
           "released_answer_sets", "version_counts"]
