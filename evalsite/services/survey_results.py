"""Rates, distributions and monitoring from stored submissions.

Submissions may answer different definition versions (each stores its hash),
so counts are taken per version and summed before the privacy threshold and
the Wilson interval are applied to the total.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys import Rate, distribution, employer_rates, free_text, load_settings, required_sample, sample_status, worker_rates
from surveys.stats import wilson_interval

from ..models import Campaign, Enrolment, Enterprise, Submission
from .surveys import definition_by_hash, pinned_definition, response_counts


@dataclass(frozen=True)
class SurveyRate(Rate):
    """A Rate that also says whether the sample is large enough to score on."""
    sufficient: bool = False


def answer_sets(session: Session, campaign_id: int, audience: str, enterprise_ids=None) -> dict[str, list]:
    """definition hash → list of answer dicts, for the enterprises given (None = all)."""
    stmt = select(Submission.definition_hash, Submission.answers).where(
        Submission.campaign_id == campaign_id, Submission.audience == audience)
    if enterprise_ids is not None:
        stmt = stmt.where(Submission.enterprise_id.in_(enterprise_ids))
    groups: dict[str, list] = defaultdict(list)
    for digest, answers in session.execute(stmt):
        groups[digest].append(answers or {})
    return groups


def combined_rates(session: Session, audience: str, groups: dict[str, list], min_sample: int | None = None) -> dict:
    """key → SurveyRate over every version's answers (suppressed below the minimum group)."""
    settings = load_settings()
    raw = dataclasses.replace(settings, min_group_size=1)
    compute = worker_rates if audience == "worker" else employer_rates
    totals: dict[str, list] = {}
    for digest, sets in groups.items():
        definition = definition_by_hash(session, digest)
        if definition is None or not sets:
            continue
        for key, r in compute(definition, sets, settings=raw).items():
            entry = totals.setdefault(key, [r.label, 0, 0])
            entry[1] += r.numerator or 0
            entry[2] += r.n
    return rates_from_totals(audience, totals, min_sample)


def rates_from_totals(audience: str, totals: dict, min_sample: int | None = None) -> dict:
    """key → SurveyRate from summed counts {key: [label, numerator, n]}: suppression and interval on the sums."""
    settings = load_settings()
    minimum = settings.min_sample if audience == "worker" else settings.employer_min_sample
    minimum = min_sample if min_sample is not None else minimum
    out = {}
    for key, (label, x, n) in totals.items():
        if n < settings.min_group_size:
            out[key] = SurveyRate(key, label, None, n, None, None, None, True, False)
        else:
            low, high = wilson_interval(x, n)
            out[key] = SurveyRate(key, label, x, n, x / n, low, high, False, n >= minimum)
    return out


def distributions(session: Session, definition, groups: dict[str, list], grant=None) -> list:
    """Per-question distributions of the choice questions, on ``definition``'s labels.

    Free text is added only when the disclosure ``grant`` allows it (never without a grant).
    """
    sets = [a for items in groups.values() for a in items]  # question codes are stable across versions
    out = []
    for q in definition.questions:
        if q.options:
            out.append((q, distribution(definition, q.code, sets)))
        elif q.type in ("text", "textarea") and grant is not None and grant.free_text:
            out.append((q, free_text(definition, q.code, sets)))
    return out


def survey_rates(session: Session, campaign_id: int, enterprise_id: int) -> dict:
    """What scoring needs: {'worker': {key: SurveyRate}, 'employer': {...}, 'counts': {...}}."""
    result: dict = {"counts": {}}
    for audience in ("worker", "employer"):
        groups = answer_sets(session, campaign_id, audience, [enterprise_id])
        result[audience] = combined_rates(session, audience, groups)
        result["counts"][audience] = sum(len(v) for v in groups.values())
    return result


@dataclass
class MonitorRow:
    enterprise: Enterprise
    headcount: int
    worker: int
    employer: int
    worker_required: int
    employer_required: int

    @property
    def light(self) -> str:
        return sample_status(self.worker, self.headcount, self.worker_required)

    @property
    def employer_light(self) -> str:
        return sample_status(self.employer, None, self.employer_required, min_sample=self.employer_required)


@lru_cache(maxsize=16384)
def _required(headcount: int | None, audience: str = "worker") -> int:
    """required_sample (a normal quantile per call: 2,000 enterprises cost 0.1 s) for the bundled settings."""
    return required_sample(headcount, audience=audience)


def monitor(session: Session, campaign: Campaign, enterprise_stmt, counts: dict | None = None) -> list[MonitorRow]:
    """One row per enrolled enterprise of the (already scoped) enterprise select.

    ``counts``: (enterprise_id, audience) → submissions, when already read for a scope covering these enterprises.
    """
    rows = session.execute(enterprise_stmt.add_columns(Enrolment.headcount).join(
        Enrolment, (Enrolment.enterprise_id == Enterprise.id) & (Enrolment.campaign_id == campaign.id))
        .order_by(Enterprise.unit_id, Enterprise.name)).all()
    if counts is None:
        counts = response_counts(session, campaign.id, [e.id for e, _ in rows] if len(rows) < 900 else None)
    out = []
    for ent, hc in rows:
        hc = hc or ent.headcount
        out.append(MonitorRow(ent, hc, counts.get((ent.id, "worker"), 0), counts.get((ent.id, "employer"), 0),
                              _required(hc), _required(hc, "employer")))
    return out


LIGHTS = {"green": "达标", "amber": "接近", "red": "不足"}
PAGE_SIZE = 50


def filter_rows(rows: list[MonitorRow], unit_id: int | None = None, light: str | None = None) -> list[MonitorRow]:
    """Rows of one reporting unit and/or one traffic light (of the worker sample)."""
    return [r for r in rows if (unit_id is None or r.enterprise.unit_id == unit_id)
            and (light not in LIGHTS or r.light == light)]


def page_of(items: list, page_no: int | None, size: int | None = None):
    """Items of one page and a pager object for ``_macros.pager`` (like ``registry.common.paginate``)."""
    size = size or PAGE_SIZE
    total = len(items)
    pages = max((total + size - 1) // size, 1)
    page_no = min(max(page_no or 1, 1), pages)
    page = SimpleNamespace(page=page_no, pages=pages, total=total, has_prev=page_no > 1, has_next=page_no < pages)
    return items[(page_no - 1) * size:page_no * size], page


def group_totals(rows: list[MonitorRow]) -> list[dict]:
    """Per reporting unit: enterprises, headcount, responses, enterprises at green."""
    units: dict = {}
    for r in rows:
        u = units.setdefault(r.enterprise.unit_id, {"unit": r.enterprise.unit, "enterprises": 0, "headcount": 0,
                                                    "worker": 0, "employer": 0, "green": 0, "required": 0})
        u["enterprises"] += 1
        u["headcount"] += r.headcount
        u["worker"] += r.worker
        u["employer"] += r.employer
        u["required"] += r.worker_required
        u["green"] += r.light == "green"
    return list(units.values())


def scope_results(session: Session, campaign: Campaign, enterprise_ids, grants: dict) -> dict:
    """Rates and distributions of one enterprise, as far as the disclosure ``grants`` (audience → Grant) allow."""
    out = {}
    for audience in ("worker", "employer"):
        grant = grants[audience]
        groups = answer_sets(session, campaign.id, audience, enterprise_ids)
        definition = pinned_definition(session, campaign, audience)
        out[audience] = {
            "n": sum(len(v) for v in groups.values()),
            "rates": combined_rates(session, audience, groups) if grant.aggregates else {},
            "distributions": distributions(session, definition, groups, grant) if definition else [],
            "free_text": grant.free_text,
        }
    return out
