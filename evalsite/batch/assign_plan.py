"""Balanced evaluator assignment: a pure planner (ids in, pairs out) and its inputs from the database.

Conflicts of interest are the evaluators' declarations (``ConflictDeclaration``,
filed by an evaluator on their page; ``assessments.service.assign`` refuses
such an assignment too). The planner gives each enterprise, in order, to the
least loaded chosen evaluator without a declared conflict; the load counts the
evaluator's existing assignments in the campaign, so a second run tops up the
least busy. An enterprise every chosen evaluator has declared a conflict with
is listed, not assigned.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..access import scope_enterprises
from ..models import ConflictDeclaration, Enrolment, Enterprise, EvaluatorAssignment

CONFLICT_ALL = "所选评估员都已申报与该企业存在利益冲突，未分配。"


@dataclass
class Plan:
    pairs: list = field(default_factory=list)  # (enterprise id, evaluator id)
    unassignable: list = field(default_factory=list)  # enterprise ids
    load: dict = field(default_factory=dict)  # evaluator id -> assignments after the plan


def balance(enterprises: list[int], evaluators: list[int], load: dict[int, int], conflicts: set) -> Plan:
    """Pure: each enterprise to the least loaded evaluator it has no conflict with (ties: the order given)."""
    load = {e: int(load.get(e, 0)) for e in evaluators}
    order = {e: i for i, e in enumerate(evaluators)}
    plan = Plan(load=load)
    for ent in enterprises:
        free = [e for e in evaluators if (e, ent) not in conflicts]
        if not free:
            plan.unassignable.append(ent)
            continue
        chosen = min(free, key=lambda e: (load[e], order[e]))
        load[chosen] += 1
        plan.pairs.append((ent, chosen))
    return plan


def candidates(session, user, campaign_id: int, unit_id: int | None, industry_id: int | None,
               only_unassigned: bool) -> list[Enterprise]:
    """The enrolled enterprises of the filter that the administrator may assign, by name."""
    stmt = scope_enterprises(select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id).where(
        Enrolment.campaign_id == campaign_id), user)
    if unit_id:
        stmt = stmt.where(Enterprise.unit_id == unit_id)
    if industry_id:
        stmt = stmt.where(Enterprise.industry_id == industry_id)
    if only_unassigned:
        stmt = stmt.where(~Enterprise.id.in_(select(EvaluatorAssignment.enterprise_id).where(
            EvaluatorAssignment.campaign_id == campaign_id)))
    return list(session.scalars(stmt.order_by(Enterprise.name, Enterprise.id)))


def make_plan(session, campaign_id: int, ents: list[Enterprise], evaluator_ids: list[int]) -> Plan:
    ent_ids = [e.id for e in ents]
    load = dict(session.execute(select(EvaluatorAssignment.evaluator_id, func.count()).where(
        EvaluatorAssignment.campaign_id == campaign_id, EvaluatorAssignment.evaluator_id.in_(evaluator_ids))
        .group_by(EvaluatorAssignment.evaluator_id)).all())
    conflicts = set(session.execute(select(ConflictDeclaration.evaluator_id, ConflictDeclaration.enterprise_id).where(
        ConflictDeclaration.evaluator_id.in_(evaluator_ids), ConflictDeclaration.enterprise_id.in_(ent_ids))).all())
    already = set(session.execute(select(EvaluatorAssignment.evaluator_id, EvaluatorAssignment.enterprise_id).where(
        EvaluatorAssignment.campaign_id == campaign_id, EvaluatorAssignment.enterprise_id.in_(ent_ids))).all())
    return balance(ent_ids, evaluator_ids, load, conflicts | already)
