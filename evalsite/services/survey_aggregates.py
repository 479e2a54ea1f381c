"""District and city survey figures from per-enterprise aggregates, refreshed lazily.

Rates and distributions are additive over enterprises: per (campaign,
enterprise, audience, definition version) the table ``survey_aggregate``
keeps each rate's numerator and denominator and each question's answered
count and value tally (``surveys.metrics.rate_counts`` / ``option_counts``).
A request reads them, finds the enterprises whose stored answer count differs
from the live count (one GROUP BY, shared with the monitoring table),
recomputes only those from their answers, stores them, and sums. The minimum
group and the Wilson interval are applied to the sums, so the figures are
exactly those of :func:`survey_results.scope_results`; free text is never
aggregated (the per-enterprise page reads it from the answers).
"""
from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from surveys import load_settings
from surveys.metrics import distribution_from_counts, option_counts, rate_counts

from ..db import writing
from ..models import Campaign, Submission, SurveyAggregate
from .survey_results import rates_from_totals
from .surveys import AUDIENCE_CODES, definition_by_hash, pinned_definition, pinned_hash

log = logging.getLogger(__name__)
CHUNK = 200  # enterprises whose answers are read (and stored) at once

Key = tuple  # (enterprise_id, audience)
Versions = dict  # definition hash → (answers, counts)


def live_counts(session: Session, campaign_id: int, enterprise_ids=None) -> dict:
    """(enterprise_id, audience) → number of submissions; ``enterprise_ids``: None (all), a list or a select."""
    stmt = (select(Submission.enterprise_id, Submission.audience, func.count())
            .where(Submission.campaign_id == campaign_id).group_by(Submission.enterprise_id, Submission.audience))
    if enterprise_ids is not None:
        stmt = stmt.where(Submission.enterprise_id.in_(enterprise_ids))
    return {(eid, aud): n for eid, aud, n in session.execute(stmt)}


def stored(session: Session, campaign_id: int, enterprise_ids=None) -> dict[Key, Versions]:
    stmt = select(SurveyAggregate.enterprise_id, SurveyAggregate.audience, SurveyAggregate.definition_hash,
                  SurveyAggregate.answers, SurveyAggregate.counts).where(SurveyAggregate.campaign_id == campaign_id)
    if enterprise_ids is not None:
        stmt = stmt.where(SurveyAggregate.enterprise_id.in_(enterprise_ids))
    out: dict = defaultdict(dict)
    for eid, audience, digest, answers, counts in session.execute(stmt):
        out[(eid, audience)][digest] = (answers, counts)
    return out


def version_counts(session: Session, digest: str, sets: list) -> dict:
    """The additive counts of one version's answer sets (empty when the version is unknown)."""
    definition = definition_by_hash(session, digest)
    if definition is None:
        return {"rates": {}, "questions": {}}
    return {"rates": {key: list(rate_counts(definition, key, sets)) for key in definition.metrics},
            "questions": option_counts(definition, sets)}


def compute(session: Session, campaign_id: int, audience: str, enterprise_ids: list) -> dict[Key, Versions]:
    """Fresh aggregates of some enterprises for one audience, from their answers."""
    groups: dict = defaultdict(lambda: defaultdict(list))
    stmt = select(Submission.enterprise_id, Submission.definition_hash, Submission.answers).where(
        Submission.campaign_id == campaign_id, Submission.audience == audience,
        Submission.enterprise_id.in_(enterprise_ids))
    for eid, digest, answers in session.execute(stmt):
        groups[eid][digest].append(answers or {})
    return {(eid, audience): {digest: (len(sets), version_counts(session, digest, sets))
                              for digest, sets in by_version.items()}
            for eid, by_version in groups.items()}


def save(session: Session, campaign_id: int, audience: str, enterprise_ids: list, fresh: dict) -> None:
    """Replace the stored aggregates of these enterprises, in a short write transaction of its own.

    The request's session stays read-only; a failure (a concurrent request
    storing the same rows) only means the next request recomputes them.
    """
    rows = [dict(campaign_id=campaign_id, enterprise_id=eid, audience=aud, definition_hash=digest,
                 answers=answers, counts=counts)
            for (eid, aud), versions in fresh.items() for digest, (answers, counts) in versions.items()]
    try:
        with writing(), Session(bind=session.get_bind()) as writer:
            writer.execute(delete(SurveyAggregate).where(
                SurveyAggregate.campaign_id == campaign_id, SurveyAggregate.audience == audience,
                SurveyAggregate.enterprise_id.in_(enterprise_ids)))
            if rows:
                writer.execute(insert(SurveyAggregate), rows)
            writer.commit()
    except SQLAlchemyError as exc:  # pragma: no cover - depends on a race
        log.warning("survey aggregates not stored (%s); they will be recomputed", type(exc).__name__)


def refreshed(session: Session, campaign_id: int, counts: dict, enterprise_ids=None) -> dict[Key, Versions]:
    """Stored aggregates of the scope, with the stale ones recomputed (and stored).

    ``counts`` is :func:`live_counts` of the same scope: an (enterprise,
    audience) is stale when the answers its aggregates were computed from
    differ in number from the submissions now stored.
    """
    current = stored(session, campaign_id, enterprise_ids)
    stale = [key for key in set(counts) | set(current)
             if counts.get(key, 0) != sum(answers for answers, _ in current.get(key, {}).values())]
    for audience in AUDIENCE_CODES:
        ids = sorted(eid for eid, aud in stale if aud == audience)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            fresh = compute(session, campaign_id, audience, chunk)
            save(session, campaign_id, audience, chunk, fresh)
            for eid in chunk:
                current.pop((eid, audience), None)
            current.update(fresh)
    return current


def summed(session: Session, campaign: Campaign, audience: str, aggregates: dict[Key, Versions]) -> dict:
    """{'n', 'rates', 'distributions'} of one audience over the aggregates given."""
    n = 0
    by_version: dict = {}  # hash → {key: [x, n]}
    questions: dict = {}  # code → [answered, {value: count}]
    for (_, aud), versions in aggregates.items():
        if aud != audience:
            continue
        for digest, (answers, counts) in versions.items():
            n += answers
            rates = by_version.setdefault(digest, {})
            for key, (x, m) in counts["rates"].items():
                entry = rates.setdefault(key, [0, 0])
                entry[0] += x
                entry[1] += m
            for code, (answered, tally) in counts["questions"].items():
                entry = questions.setdefault(code, [0, defaultdict(int)])
                entry[0] += answered
                for value, c in tally.items():
                    entry[1][value] += c
    pinned = pinned_hash(campaign, audience)
    totals: dict = {}
    for digest in sorted(by_version, key=lambda d: (d != pinned, d)):  # the current version's order first
        definition = definition_by_hash(session, digest)
        if definition is None:  # pragma: no cover - definitions are never deleted
            continue
        for key, (x, m) in by_version[digest].items():
            entry = totals.setdefault(key, [definition.metrics[key].label, 0, 0])
            entry[1] += x
            entry[2] += m
    definition = pinned_definition(session, campaign, audience)
    dists = [(q, distribution_from_counts(definition, q.code, *questions.get(q.code, [0, {}])))
             for q in definition.questions if q.options] if definition else []
    return {"n": n, "rates": rates_from_totals(audience, totals), "distributions": dists}


def without_small_groups(aggregates: dict[Key, Versions], min_size: int) -> tuple[dict[Key, Versions], dict]:
    """Drop the enterprises with fewer than ``min_size`` answers of an audience from a multi-enterprise total.

    Their own figures are never shown; left inside a district or city total they
    could be recovered by subtracting the other enterprises' published figures
    (the differencing attack that DOMAIN §8.3's complementary suppression guards
    against). Returns the kept aggregates and, per audience, how many were left out.
    """
    enterprises = {eid for eid, _ in aggregates}
    if len(enterprises) <= 1:
        return aggregates, {}
    kept, left_out = {}, defaultdict(int)
    for key, versions in aggregates.items():
        if sum(answers for answers, _ in versions.values()) < min_size:
            left_out[key[1]] += 1
        else:
            kept[key] = versions
    return kept, dict(left_out)


def scope_summary(session: Session, campaign: Campaign, counts: dict, enterprise_ids=None) -> dict:
    """Like ``scope_results`` for a district or the city, without free text, from the aggregates.

    Enterprises below the minimum group size are left out of the total (see
    :func:`without_small_groups`); ``left_out`` says how many, per audience.
    """
    aggregates = refreshed(session, campaign.id, counts, enterprise_ids)
    aggregates, left_out = without_small_groups(aggregates, load_settings().min_group_size)
    out = {audience: summed(session, campaign, audience, aggregates) for audience in AUDIENCE_CODES}
    for audience in AUDIENCE_CODES:
        out[audience]["left_out"] = left_out.get(audience, 0)
    return out
