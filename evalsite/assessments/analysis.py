"""District analysis: grade distribution, self vs external, paired test,
satisfaction vs final score, largest gaps and the most frequent problems.

Reads the cached results only (``EvaluationResult``), so the page is cheap.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scoring.statistics import spearman, wilcoxon_paired

from ..models import Campaign, DetectedProblem, Enterprise, EvaluationResult
from .results import system_for


def _satisfaction(breakdown: dict) -> Optional[float]:
    for row in breakdown.get("indicators") or []:
        if row.get("rate_key") == "satisfaction" and not row.get("survey_insufficient"):
            return row.get("survey_rate")
    return None


def district_analysis(session: Session, campaign: Campaign, unit_id: Optional[int] = None, top: int = 10) -> dict:
    system = system_for(session, campaign, pin=False)
    stmt = select(EvaluationResult, Enterprise).join(Enterprise, Enterprise.id == EvaluationResult.enterprise_id) \
        .where(EvaluationResult.campaign_id == campaign.id)
    problem_stmt = select(DetectedProblem.code, DetectedProblem.severity, func.min(DetectedProblem.title),
                          func.count(DetectedProblem.enterprise_id.distinct())).where(
        DetectedProblem.campaign_id == campaign.id, DetectedProblem.superseded.is_(False))
    if unit_id is not None:
        stmt = stmt.where(Enterprise.unit_id == unit_id)
        problem_stmt = problem_stmt.join(Enterprise, Enterprise.id == DetectedProblem.enterprise_id) \
            .where(Enterprise.unit_id == unit_id)
    rows = session.execute(stmt.order_by(Enterprise.id)).all()

    grades = [b.grade for b in system.grade_bands] + [system.not_established]
    counts = Counter(r.grade for r, _ in rows)
    paired = [(r, e) for r, e in rows if r.external_total is not None]
    test = wilcoxon_paired([r.self_total for r, _ in paired], [r.external_total for r, _ in paired])
    sat = [(_satisfaction(r.breakdown or {}), r.final) for r, _ in rows]
    sat = [(s, f) for s, f in sat if s is not None]
    corr = spearman([s for s, _ in sat], [f for _, f in sat])
    gaps = sorted(paired, key=lambda p: abs(p[0].self_total - p[0].external_total), reverse=True)[:top]
    problems = session.execute(problem_stmt.group_by(DetectedProblem.code, DetectedProblem.severity)
                               .order_by(func.count(DetectedProblem.enterprise_id.distinct()).desc(), DetectedProblem.code).limit(top)).all()
    assess_max = sum(d.points for d in system.dimensions if d.source != "survey")
    return dict(
        n=len(rows), grades=[(g, counts.get(g, 0)) for g in grades],
        pairs=[(r.self_total, r.external_total, e.name) for r, e in paired], assess_max=assess_max,
        test=test, correlation=corr, n_satisfaction=len(sat),
        gaps=[dict(ent=e, self_total=r.self_total, external_total=r.external_total,
                   diff=round(r.self_total - r.external_total, 2), grade=r.grade) for r, e in gaps],
        problems=[dict(code=c, severity=s, title=t, count=n) for c, s, t, n in problems],
        drafts=sum(1 for r, _ in rows if r.self_draft),
    )
