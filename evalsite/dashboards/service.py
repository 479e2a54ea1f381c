"""Dashboard figures: counts done in SQL (GROUP BY), never one query per enterprise.

Every figure has a filter key so the page can link it to the list of the
enterprises behind it (``enterprise_ids``).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..timefmt import local_today
from ..models import (Assessment, Campaign, Enrolment, Enterprise, EvaluationResult, Industry, RectificationItem,
                      Report, ReportVersion)
from ..reports import tables as S


def _ent_scope(stmt: Select, unit_ids: Optional[list[int]]) -> Select:
    return stmt if unit_ids is None else stmt.where(Enterprise.unit_id.in_(unit_ids))


def _submissions(session: Session, campaign: Campaign, unit_ids) -> tuple[int, int]:
    """(worker questionnaires collected, required samples over enrolled enterprises)."""
    from surveys.stats import required_sample_size

    heads = session.execute(_ent_scope(select(Enrolment.headcount, func.count()).join(
        Enterprise, Enterprise.id == Enrolment.enterprise_id).where(Enrolment.campaign_id == campaign.id)
        .group_by(Enrolment.headcount), unit_ids)).all()
    required = sum(required_sample_size(max(int(h or 1), 1)) * n for h, n in heads)
    try:
        from ..models.surveys import Submission
    except ImportError:
        return 0, required
    q = select(func.count(Submission.id)).join(Enterprise, Enterprise.id == Submission.enterprise_id).where(
        Submission.campaign_id == campaign.id)
    if hasattr(Submission, "audience"):
        q = q.where(Submission.audience == "worker")
    return session.scalar(_ent_scope(q, unit_ids)) or 0, required


def progress(session: Session, campaign: Campaign, unit_ids: Optional[list[int]] = None,
             today: Optional[dt.date] = None) -> dict:
    today = today or local_today()

    def count(stmt):
        return session.scalar(_ent_scope(stmt, unit_ids)) or 0

    enrolled = count(select(func.count(Enrolment.id)).join(Enterprise, Enterprise.id == Enrolment.enterprise_id)
                     .where(Enrolment.campaign_id == campaign.id))
    assessed = dict(session.execute(_ent_scope(
        select(Assessment.kind, func.count(func.distinct(Assessment.enterprise_id)))
        .join(Enterprise, Enterprise.id == Assessment.enterprise_id)
        .where(Assessment.campaign_id == campaign.id, Assessment.status == "submitted")
        .group_by(Assessment.kind), unit_ids)).all())
    issued = count(select(func.count(func.distinct(Report.id))).join(ReportVersion, ReportVersion.report_id == Report.id)
                   .join(Enterprise, Enterprise.id == Report.enterprise_id)
                   .where(Report.campaign_id == campaign.id, Report.kind == "evaluation",
                          ReportVersion.status == "issued"))
    items = dict(session.execute(_ent_scope(
        select(RectificationItem.status, func.count()).join(Enterprise, Enterprise.id == RectificationItem.enterprise_id)
        .where(RectificationItem.campaign_id == campaign.id).group_by(RectificationItem.status), unit_ids)).all())
    overdue = count(select(func.count(RectificationItem.id)).join(Enterprise,
                                                                   Enterprise.id == RectificationItem.enterprise_id)
                    .where(RectificationItem.campaign_id == campaign.id,
                           RectificationItem.status.in_(("open", "returned")), RectificationItem.deadline < today))
    collected, required = _submissions(session, campaign, unit_ids)
    return dict(enrolled=enrolled, surveys=collected, surveys_required=required,
                self_done=assessed.get("self", 0), external_done=assessed.get("external", 0), reports_issued=issued,
                rect_open=items.get("open", 0) + items.get("returned", 0) + items.get("submitted", 0),
                rect_overdue=overdue, rect_closed=items.get("accepted", 0), rect_total=sum(items.values()))


def grades(session: Session, campaign: Campaign, unit_ids=None) -> list[tuple[str, int]]:
    rows = session.execute(_ent_scope(select(EvaluationResult.grade, func.count()).join(
        Enterprise, Enterprise.id == EvaluationResult.enterprise_id).where(
        EvaluationResult.campaign_id == campaign.id).group_by(EvaluationResult.grade), unit_ids)).all()
    order = {"优秀": 0, "良好": 1, "合格": 2, "基本合格": 3, "不合格": 4}
    return sorted(((g or "—", n) for g, n in rows), key=lambda x: (order.get(x[0], 9), x[0]))


def overview(session: Session, campaign: Campaign, unit_ids=None, today=None) -> dict:
    """All the dashboard's figures; the enterprise facts are read once and shared."""
    facts = S.enterprise_facts(session, campaign, unit_ids)
    table = S.build_annex1(session, campaign, unit_ids, facts=facts)
    new_form = set(session.scalars(_ent_scope(select(Enterprise.id).join(Industry, Industry.id == Enterprise.industry_id)
                                              .where(Industry.is_new_form.is_(True)), unit_ids)))
    covered = sum(1 for f in facts if f.enterprise_id in new_form and f.has_valid_contract)
    return dict(progress=progress(session, campaign, unit_ids, today), table=table,
                grades=grades(session, campaign, unit_ids), new_form=len(new_form), new_form_covered=covered)


FILTERS = {
    "enrolled": "参加本次行动的企业", "self_done": "已提交自评的企业", "external_done": "已完成外部评估的企业",
    "issued": "已出具评估报告的企业", "rect_open": "有未验收整改项的企业", "rect_overdue": "有逾期整改项的企业",
    "rect_closed": "有已验收整改项的企业", "base": "已建会且正常经营的企业（建制率分母）",
    "established": "有效期内已建制的企业", "not_established": "尚未建制的已建会企业",
    "above_size": "规上已建会企业", "wage_missing": "规上已建会但无有效工资专项集体合同的企业",
    "new_form": "新业态企业", "new_form_uncovered": "未被集体合同覆盖的新业态企业", "grade": "评估等级",
}


def enterprise_ids(session: Session, campaign: Campaign, key: str, unit_ids=None, grade: str = "",
                   today: Optional[dt.date] = None) -> Select:
    """A select of Enterprise.id behind one dashboard figure."""
    today = today or local_today()
    ids = _ent_scope(select(Enterprise.id), unit_ids)
    ri = RectificationItem
    sub = {
        "enrolled": select(Enrolment.enterprise_id).where(Enrolment.campaign_id == campaign.id),
        "self_done": select(Assessment.enterprise_id).where(Assessment.campaign_id == campaign.id,
                                                            Assessment.kind == "self", Assessment.status == "submitted"),
        "external_done": select(Assessment.enterprise_id).where(
            Assessment.campaign_id == campaign.id, Assessment.kind == "external", Assessment.status == "submitted"),
        "issued": select(Report.enterprise_id).join(ReportVersion, ReportVersion.report_id == Report.id).where(
            Report.campaign_id == campaign.id, Report.kind == "evaluation", ReportVersion.status == "issued"),
        "rect_open": select(ri.enterprise_id).where(ri.campaign_id == campaign.id,
                                                    ri.status.in_(("open", "returned", "submitted"))),
        "rect_overdue": select(ri.enterprise_id).where(ri.campaign_id == campaign.id,
                                                       ri.status.in_(("open", "returned")), ri.deadline < today),
        "rect_closed": select(ri.enterprise_id).where(ri.campaign_id == campaign.id, ri.status == "accepted"),
        "grade": select(EvaluationResult.enterprise_id).where(EvaluationResult.campaign_id == campaign.id,
                                                              EvaluationResult.grade == grade),
        "new_form": select(Enterprise.id).join(Industry, Industry.id == Enterprise.industry_id).where(
            Industry.is_new_form.is_(True)),
    }
    if key in sub:
        return ids.where(Enterprise.id.in_(sub[key]))
    facts = S.enterprise_facts(session, campaign, unit_ids)
    new_form = set(session.scalars(select(Enterprise.id).join(Industry, Industry.id == Enterprise.industry_id)
                                   .where(Industry.is_new_form.is_(True))))
    base = [f for f in facts if f.unionised and f.normally_operating]
    pick = {
        "base": base,
        "established": [f for f in base if f.has_valid_contract or f.has_valid_wage_contract],
        "not_established": [f for f in base if not (f.has_valid_contract or f.has_valid_wage_contract)],
        "above_size": [f for f in base if f.above_size],
        "wage_missing": [f for f in base if f.above_size and not f.has_valid_wage_contract],
        "new_form_uncovered": [f for f in facts if f.enterprise_id in new_form and not f.has_valid_contract],
    }.get(key)
    if pick is None:
        return ids.where(Enterprise.id.is_(None))
    return ids.where(Enterprise.id.in_([f.enterprise_id for f in pick] or [0]))

