"""Rates for scoring and the monitoring table (response counters and sample lights).

Rates come from releases (``survey_releases``): submissions may answer
different definition versions, so counts are summed per version before the
privacy threshold and the Wilson interval are applied to the total
(``aggregates.summed`` and ``aggregates.rates_from_totals``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from surveys import required_sample, sample_status

from ..models import Campaign, Enrolment, Enterprise
from . import releases
from .aggregates import summed
from .store import response_counts


def survey_rates(session: Session, campaign_id: int, enterprise_id: int, grants: dict | None = None) -> dict:
    """What scoring and reports need, from the enterprise's latest release: what is printed is what is scored.

    {'worker': {key: SurveyRate}, 'employer': {...}, 'counts': {audience: published answers},
    'released_on': {audience: date or None}}. ``grants`` (audience → disclosure Grant) default to what
    a document sent to the enterprise may print (``survey_disclosure.document_grant``).
    """
    from .disclosure import document_grant

    grants = grants or {a: document_grant(a) for a in ("worker", "employer")}

    campaign = session.get(Campaign, campaign_id)
    published = releases.latest(session, campaign_id, [enterprise_id])
    result: dict = {"counts": {}, "released_on": {}}
    for audience in ("worker", "employer"):
        part = summed(session, campaign, audience, {k: v for k, v in published.items() if k[1] == audience})
        result[audience] = part["rates"] if grants[audience].aggregates else {}
        result["counts"][audience] = part["n"]
        result["released_on"][audience] = part["released_on"]
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


def withheld_to_protect(value, n) -> bool:
    """A rate missing although read from at least ``min_group_size`` answers: withheld so that what is
    shown does not give away fewer than five answers (``surveys.publication``), not a small sample."""
    from surveys import load_settings

    return value is None and bool(n) and n >= load_settings().min_group_size


def withheld_text(value, n) -> str:
    """Why a survey rate is not shown or scored, in the words every page and report uses
    (saying "too few answers" next to n = 32 would be wrong)."""
    return WITHHELD_TO_PROTECT if withheld_to_protect(value, n) else TOO_FEW


TOO_FEW = "样本不足"
WITHHELD_TO_PROTECT = "为防止推算出个别人的答案，不予呈现"
