"""What the evaluator's scoring page shows, by dimension: rows, running totals, “同意企业自评”.

Plain functions over the indicator system, the two assessments and the
posted form; ``views_eval`` renders and saves.
"""
from __future__ import annotations

from typing import Mapping, Optional

from scoring.indicator_system import Indicator, IndicatorSystem

from ..models import Assessment
from .common import discrepant


def self_level(own: Optional[Assessment], code: str) -> Optional[str]:
    """The enterprise's level for an indicator, only once the self-assessment is submitted."""
    if own is None or not own.submitted:
        return None
    item = own.item(code)
    return item.level if item and item.level else None


def chosen_level(ind: Indicator, mine: Optional[Assessment], form: Optional[Mapping]) -> Optional[str]:
    if form is not None:
        raw = (form.get(f"level_{ind.code}") or "").strip()
        return raw if raw in ind.level_keys else None
    item = mine.item(ind.code) if mine else None
    return item.level if item and item.level else None


def _points(ind: Indicator, level: Optional[str]) -> Optional[float]:
    return ind.points_for(level) if level else None


def dimensions(system: IndicatorSystem, own, mine, form, statuses: dict) -> list[dict]:
    """One entry per scored dimension: its rows and the totals of the evaluator and of the enterprise."""
    out = []
    for dim in system.dimensions:
        if dim.source == "survey":
            continue
        rows, mine_total, self_total = [], 0.0, 0.0
        for ind in dim.indicators:
            s_level, m_level = self_level(own, ind.code), chosen_level(ind, mine, form)
            s_pts, m_pts = _points(ind, s_level), _points(ind, m_level)
            mine_total += m_pts or 0.0
            self_total += s_pts or 0.0
            rows.append(dict(ind=ind, self_item=own.item(ind.code) if own else None, self_level=s_level,
                             mine=mine.item(ind.code) if mine else None, chosen=m_level,
                             flag=discrepant(system, ind.code, s_pts, m_pts),
                             suggested=ind.rule.suggest(statuses) if ind.rule.kind == "procedure" else None))
        out.append(dict(dim=dim, rows=rows, total=mine_total, self_total=self_total if own and own.submitted else None,
                        agreeable=[r["ind"].code for r in rows if r["self_level"]]))
    return out


def apply_agree(system: IndicatorSystem, own, form, target: str) -> tuple[dict, list[str]]:
    """The posted form with the enterprise's levels copied in for ``target`` (a code, or ``dim:A``).

    Returns the new form values and the codes actually copied (those the
    enterprise scored in a submitted self-assessment).
    """
    values = {k: form.get(k) for k in form.keys()}
    if target.startswith("dim:"):
        code = target[4:]
        codes = [i.code for d in system.dimensions if d.code == code for i in d.indicators]
    else:
        codes = [target] if target in {i.code for i in system.assessable} else []
    copied = []
    for code in codes:
        level = self_level(own, code)
        if level:
            values[f"level_{code}"] = level
            copied.append(code)
    return values, copied
