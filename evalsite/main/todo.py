"""What each user has to do next in the current campaign, for the home page.

A handful of counting queries, scoped like every other page; each line links
to the page where the work is done.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..access import visible_enterprise_ids
from ..reports.rectification import OWNER_SIDES
from ..models import (Assessment, Campaign, Enrolment, EvaluatorAssignment, EvidenceRequest, RectificationItem,
                      Report, ReportVersion, Submission, User)

OPEN_ITEMS = ("open", "returned")
# the item owners each side answers for, derived from the rectification rule itself
SIDE_OWNERS = {side: tuple(owner for owner, sides in OWNER_SIDES.items() if side in sides)
               for side in ("union", "management")}


@dataclass(frozen=True)
class Todo:
    label: str
    count: int
    url: str
    tone: str = ""  # "red" for overdue work, "amber" for waiting work


def _count(session: Session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def todos(session: Session, user: User, campaign: Campaign, today: dt.date) -> list[Todo]:
    if user.role in ("city_admin", "district_admin"):
        return _admin(session, user, campaign, today)
    if user.role == "evaluator":
        return _evaluator(session, user, campaign, today)
    if user.role == "enterprise":
        return _enterprise(session, user, campaign, today)
    return []


def _items(campaign: Campaign, ent_ids):
    return select(RectificationItem.id).where(RectificationItem.campaign_id == campaign.id,
                                              RectificationItem.enterprise_id.in_(ent_ids))


def _admin(session, user, campaign, today):
    ents = visible_enterprise_ids(user, campaign.id)
    enrolled = select(Enrolment.enterprise_id).where(Enrolment.campaign_id == campaign.id,
                                                     Enrolment.enterprise_id.in_(ents))
    submitted = select(Assessment.enterprise_id).where(Assessment.campaign_id == campaign.id,
                                                       Assessment.kind == "self", Assessment.status == "submitted")
    versions = (select(ReportVersion.id).join(Report, Report.id == ReportVersion.report_id)
                .where(Report.campaign_id == campaign.id, Report.enterprise_id.in_(ents)))
    items = _items(campaign, ents)
    return [
        Todo("参加本次行动的企业", _count(session, enrolled), url_for("dashboards.dashboard")),
        Todo("尚未提交自评的企业", _count(session, enrolled.where(~Enrolment.enterprise_id.in_(submitted))),
             url_for("assessments.assignments"), "amber"),
        Todo("待审核的报告草稿", _count(session, versions.where(ReportVersion.status == "draft")),
             url_for("reports.index", status="draft"), "amber"),
        Todo("已审核待出具的报告", _count(session, versions.where(ReportVersion.status == "approved")),
             url_for("reports.index", status="approved"), "amber"),
        Todo("待验收的整改答复", _count(session, items.where(RectificationItem.status == "submitted")),
             url_for("reports.escalations"), "amber"),
        Todo("已逾期的整改事项", _count(session, items.where(RectificationItem.status.in_(OPEN_ITEMS),
                                                           RectificationItem.deadline < today)),
             url_for("reports.escalations"), "red"),
    ]


def _evaluator(session, user, campaign, today):
    assigned = select(EvaluatorAssignment.enterprise_id).where(EvaluatorAssignment.campaign_id == campaign.id,
                                                               EvaluatorAssignment.evaluator_id == user.id)
    done = select(Assessment.enterprise_id).where(Assessment.campaign_id == campaign.id,
                                                  Assessment.kind == "external", Assessment.evaluator_id == user.id,
                                                  Assessment.status == "submitted")
    items = _items(campaign, assigned)
    return [
        Todo("分配给我的企业", _count(session, assigned), url_for("assessments.evaluator_home")),
        Todo("尚未完成的外部评估", _count(session, assigned.where(~EvaluatorAssignment.enterprise_id.in_(done))),
             url_for("assessments.evaluator_home"), "amber"),
        Todo("待验收的整改答复", _count(session, items.where(RectificationItem.status == "submitted")),
             url_for("reports.index"), "amber"),
    ]


def _enterprise(session, user, campaign, today):
    ent_id = user.enterprise_id
    own = select(Assessment).where(Assessment.campaign_id == campaign.id, Assessment.enterprise_id == ent_id,
                                   Assessment.kind == "self")
    assessment = session.scalar(own)
    confirmed_at = None
    if assessment is not None:
        confirmed_at = (assessment.union_confirmed_at if user.side == "union" else assessment.management_confirmed_at)
    if assessment is None or assessment.status != "submitted":
        self_label, tone = "自评尚未提交", "amber"
    elif confirmed_at is None:
        self_label, tone = "自评已提交，待本方确认", "amber"
    else:
        self_label, tone = "自评已提交并已确认", ""
    requests = select(EvidenceRequest.id).where(EvidenceRequest.campaign_id == campaign.id,
                                                EvidenceRequest.enterprise_id == ent_id,
                                                EvidenceRequest.status == "open")
    items = (_items(campaign, [ent_id]).where(RectificationItem.status.in_(OPEN_ITEMS),
                                              RectificationItem.owner.in_(SIDE_OWNERS.get(user.side or "", ("both", "双方")))))
    answers = select(Submission.id).where(Submission.campaign_id == campaign.id, Submission.enterprise_id == ent_id)
    return [
        Todo(self_label, 1 if tone else 0, url_for("assessments.self_workspace"), tone),
        Todo("评估员要求补充的材料", _count(session, requests), url_for("assessments.self_workspace"), "amber"),
        Todo("待本方答复的整改事项", _count(session, items), url_for("reports.index"), "amber"),
        Todo("其中已逾期", _count(session, items.where(RectificationItem.deadline < today)), url_for("reports.index"),
             "red"),
        Todo("已收到的问卷答卷", _count(session, answers),
             url_for("survey_admin.enterprise", enterprise_id=ent_id)),
    ]
