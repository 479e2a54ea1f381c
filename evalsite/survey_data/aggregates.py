"""Published survey figures of an enterprise, a district or the city, from releases.

Every figure shown is computed from releases (``survey_releases``), never
from the live answers: an enterprise's figures from its latest release, a
district's or the city's by summing the latest release of each of its
enterprises. The counts in a release are additive (rate numerators and
denominators, answered counts and value tallies per definition version), so
the minimum group, the small-cell suppression and the Wilson interval are
applied to the sums. Free text is read only for one enterprise, from the
answers its latest release published, and only when the disclosure grant
allows it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from surveys import Rate, load_settings
from surveys.metrics import free_text
from surveys.publication import publish
from surveys.stats import wilson_interval

from ..models import Campaign
from . import releases
from .store import AUDIENCE_CODES, definition_by_hash, pinned_definition, pinned_hash, response_counts


@dataclass(frozen=True)
class SurveyRate(Rate):
    """A Rate that also says whether the sample is large enough to score on.

    ``why`` when suppressed: ``small`` (fewer than 5 valid answers) or ``derive``
    (with the other published figures it would give a group of 1–4 away,
    ``surveys.publication``); a suppressed rate has no n either (None).
    """
    sufficient: bool = False
    why: str | None = None


def rates_from_totals(audience: str, totals: dict, min_sample: int | None = None, why: dict | None = None) -> dict:
    """key → SurveyRate from summed counts {key: [label, numerator, n]}: suppression and interval on the sums.

    ``why``: key → reason a rate is not shown (``surveys.publication.publish``); without it
    only the minimum group applies.
    """
    settings = load_settings()
    minimum = settings.min_sample if audience == "worker" else settings.employer_min_sample
    minimum = min_sample if min_sample is not None else minimum
    why = why or {}
    out = {}
    for key, (label, x, n) in totals.items():
        reason = "small" if n < settings.min_group_size else why.get(key)
        if reason:
            out[key] = SurveyRate(key, label, None, None, None, None, None, True, False, reason)
        else:
            low, high = wilson_interval(x, n)
            out[key] = SurveyRate(key, label, x, n, x / n, low, high, False, n >= minimum)
    return out


def summed(session: Session, campaign: Campaign, audience: str, published: dict, min_sample=None) -> dict:
    """{'n', 'rates', 'distributions', 'released_on'} of one audience over the releases given."""
    n = 0
    days = []
    by_version: dict = {}  # hash → {key: [x, n]}
    questions: dict = {}  # code → [answered, {value: count}]
    for (_, aud), rel in published.items():
        if aud != audience or not rel.number:
            continue
        n += rel.answers
        days.append(rel.released_on)
        for digest, counts in rel.counts.items():
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
    dists, why = [], {}
    if definition is not None:  # cells and rates decided together (surveys.publication)
        shown = publish(definition, n, questions, {key: (x, m) for key, (_, x, m) in totals.items()})
        dists = [(q, shown.distributions[q.code]) for q in definition.questions if q.options]
        why = shown.rates
    return {"n": n, "rates": rates_from_totals(audience, totals, min_sample, why), "distributions": dists,
            "released_on": max(days) if days else None}


def scope_summary(session: Session, campaign: Campaign, counts: dict, enterprise_ids=None, grants=None) -> dict:
    """Published figures of a district or the city: sums of the enterprises' latest releases, no free text.

    ``counts`` is ``store.response_counts`` of the same scope (the response counter);
    ``left_out`` counts the enterprises with answers but no release yet (fewer
    than 5): nothing of theirs is in any total, so no total minus the
    others' figures gives them away.
    """
    published = releases.latest(session, campaign.id, enterprise_ids)
    out = {}
    for audience in AUDIENCE_CODES:
        part = summed(session, campaign, audience, published)
        part["live"] = sum(n for (_, aud), n in counts.items() if aud == audience)
        part["left_out"] = sum(1 for key, n in counts.items()
                               if key[1] == audience and n and key not in published)
        out[audience] = part
    return out


def enterprise_summary(session: Session, campaign: Campaign, enterprise_id: int, grants: dict,
                       counts: dict | None = None) -> dict:
    """Published figures of one enterprise, as far as the disclosure ``grants`` (audience → Grant) allow.

    Free text is added (from the answers its latest release published) only
    when the grant allows it, and only from ``min_text`` answers.
    """
    counts = response_counts(session, campaign.id, [enterprise_id]) if counts is None else counts
    published = releases.latest(session, campaign.id, [enterprise_id])
    out = {}
    for audience in AUDIENCE_CODES:
        grant = grants[audience]
        mine = {k: v for k, v in published.items() if k == (enterprise_id, audience)}
        part = summed(session, campaign, audience, mine)
        rel = mine.get((enterprise_id, audience), releases.NOTHING)
        part.update(live=counts.get((enterprise_id, audience), 0), number=rel.number, free_text=grant.free_text)
        definition = pinned_definition(session, campaign, audience)
        if grant.free_text and definition is not None:
            sets = [a for group in releases.released_answer_sets(
                session, campaign.id, enterprise_id, audience, rel.number).values() for a in group]
            part["distributions"] += [(q, free_text(definition, q.code, sets)) for q in definition.questions
                                      if q.type in ("text", "textarea")]
        out[audience] = part
    return out
