"""The assignment list (``evalsite/listing.py``): enrolled enterprises with self-assessment, evaluators, result.

One select with correlated columns (self-assessment status, evaluators, final score and grade), so
the page, its sorting and the export read the same rows. URL filters for the work queues, e.g.
``?self=unsubmitted`` (self-assessments not yet submitted), ``?assigned=0`` (no evaluator yet).
"""
from __future__ import annotations

from sqlalchemy import Select, func, literal_column, select

from ..access import scope_enterprises
from ..listing import Column, Filter, Listing, industry_filter, unit_filter
from ..models import Assessment, Enrolment, Enterprise, EvaluationResult, EvaluatorAssignment, ReportingUnit, User
from ..models.evaluations import ASSESSMENT_STATUSES

SELF_STATES = [("none", "未开始"), ("draft", "草稿（未提交）"), ("unsubmitted", "未提交（含未开始）"),
               ("submitted", "已提交")]


def assignment_select(user: User, campaign_id: int) -> Select:
    """(enterprise, self status, evaluator names, final, grade) of each enrolled enterprise the user may see."""
    self_status = (select(Assessment.status).where(Assessment.campaign_id == campaign_id,
                                                   Assessment.enterprise_id == Enterprise.id,
                                                   Assessment.kind == "self").limit(1).scalar_subquery())
    evaluators = (select(func.aggregate_strings(User.display_name, "、"))
                  .join(EvaluatorAssignment, EvaluatorAssignment.evaluator_id == User.id)
                  .where(EvaluatorAssignment.campaign_id == campaign_id,
                         EvaluatorAssignment.enterprise_id == Enterprise.id).scalar_subquery())
    result = select(EvaluationResult).where(EvaluationResult.campaign_id == campaign_id,
                                            EvaluationResult.enterprise_id == Enterprise.id)
    final = select(EvaluationResult.final).where(result.whereclause).limit(1).scalar_subquery()
    grade = select(EvaluationResult.grade).where(result.whereclause).limit(1).scalar_subquery()
    stmt = (select(Enterprise, self_status.label("self_status"), evaluators.label("evaluator_names"),
                   final.label("result_final"), grade.label("result_grade"))
            .join(Enrolment, Enrolment.enterprise_id == Enterprise.id).where(Enrolment.campaign_id == campaign_id))
    return scope_enterprises(stmt, user)


def _self_where(value: str):
    """The enrolment's campaign is the list's (``assignment_select`` joins it)."""
    submitted = select(Assessment.enterprise_id).where(Assessment.kind == "self", Assessment.status == "submitted",
                                                       Assessment.campaign_id == Enrolment.campaign_id)
    started = select(Assessment.enterprise_id).where(Assessment.kind == "self",
                                                     Assessment.campaign_id == Enrolment.campaign_id)
    if value == "submitted":
        return Enterprise.id.in_(submitted)
    if value == "unsubmitted":
        return ~Enterprise.id.in_(submitted)
    if value == "none":
        return ~Enterprise.id.in_(started)
    return Enterprise.id.in_(started) & ~Enterprise.id.in_(submitted)  # draft


def _assigned_where(value: bool):
    cond = Enterprise.id.in_(select(EvaluatorAssignment.enterprise_id).where(
        EvaluatorAssignment.campaign_id == Enrolment.campaign_id))
    return cond if value else ~cond


UNIT_ORDER = select(ReportingUnit.sort_order).where(ReportingUnit.id == Enterprise.unit_id).scalar_subquery()

ASSIGNMENTS = Listing(
    "评估分配",
    [
        Column("enterprise", "企业", (Enterprise.name,), lambda r: r[0].name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda r: r[0].credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda r: r[0].unit.name),
        Column("self", "自评", (literal_column("self_status"),), lambda r: ASSESSMENT_STATUSES.get(r[1], "未开始") if r[1] else "未开始"),
        Column("evaluators", "评估员", (literal_column("evaluator_names"),), lambda r: r[2] or ""),
        Column("final", "得分", (literal_column("result_final"),), lambda r: r[3], desc_first=True, num=True),
        Column("grade", "等级", (literal_column("result_grade"),), lambda r: r[4] or ""),
    ],
    [
        unit_filter(Enterprise.unit_id),
        industry_filter(Enterprise.industry_id),
        Filter("self", "自评", "choice", SELF_STATES, where=_self_where),
        Filter("assigned", "已分配评估员", "bool", where=_assigned_where),
    ],
    search=(Enterprise.name, Enterprise.credit_code), default_sort="enterprise", tiebreak=(Enterprise.id,),
)


def evaluator_select(user: User, campaign_id: int) -> Select:
    """(enterprise, self status, my external assessment's status and id) of the evaluator's assigned enterprises."""
    def status(kind, evaluator_id=None, column=Assessment.status):
        stmt = select(column).where(Assessment.campaign_id == campaign_id, Assessment.enterprise_id == Enterprise.id,
                                    Assessment.kind == kind)
        stmt = stmt.where(Assessment.evaluator_id == evaluator_id) if evaluator_id else stmt.where(
            Assessment.evaluator_id.is_(None))
        return stmt.limit(1).scalar_subquery()

    return (select(Enterprise, status("self").label("self_status"),
                   status("external", user.id).label("mine_status"),
                   status("external", user.id, Assessment.id).label("mine_id"))
            .join(EvaluatorAssignment, EvaluatorAssignment.enterprise_id == Enterprise.id)
            .where(EvaluatorAssignment.evaluator_id == user.id, EvaluatorAssignment.campaign_id == campaign_id))


def _state_where(kind: str):
    """Filter on the self-assessment or on the evaluator's own one, correlated to the outer assignment row
    (labels of the select cannot be used in WHERE on PostgreSQL)."""
    def where(value):
        mine = select(Assessment.enterprise_id).where(Assessment.kind == kind,
                                                      Assessment.campaign_id == EvaluatorAssignment.campaign_id)
        mine = mine.where(Assessment.evaluator_id == EvaluatorAssignment.evaluator_id) if kind == "external" else \
            mine.where(Assessment.evaluator_id.is_(None))
        if value == "none":
            return ~Enterprise.id.in_(mine)
        return Enterprise.id.in_(mine.where(Assessment.status == value))
    return where


STATES = [("none", "未开始"), ("draft", "草稿"), ("submitted", "已提交")]

MY_ENTERPRISES = Listing(
    "分配给我的企业",
    [
        Column("enterprise", "企业", (Enterprise.name,), lambda r: r[0].name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda r: r[0].credit_code),
        Column("unit", "地区", (UNIT_ORDER,), lambda r: r[0].unit.name),
        Column("self", "自评", (literal_column("self_status"),), lambda r: dict(STATES).get(r[1] or "none")),
        Column("mine", "我的评估", (literal_column("mine_status"),), lambda r: dict(STATES).get(r[2] or "none")),
    ],
    [
        unit_filter(Enterprise.unit_id),
        Filter("self", "自评", "choice", STATES, where=_state_where("self")),
        Filter("mine", "我的评估", "choice", STATES, where=_state_where("external")),
    ],
    search=(Enterprise.name, Enterprise.credit_code), default_sort="enterprise", tiebreak=(Enterprise.id,),
)
