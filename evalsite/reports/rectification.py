"""The rectification loop: answers, review, escalation and the closing report.

Items are made from an issued report's problems in ``tracking.py`` (the issuing
workflow needs that part, and this module needs the workflow for the closing report).

Status moves are functions here (not in views) so the rules hold for every
caller: a late answer is accepted but flagged, a return needs a comment,
and every move leaves an event in the item's history.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scoring.escalation import load_rules as escalation_rules

from ..domain_errors import Conflict, Invalid
from ..models import EvaluatorAssignment, RectificationItem, Report, ReportVersion, User
from ..models.base import utcnow
from ..timefmt import format_date, to_local
from .tracking import record_event
from .workflow import can_approve, get_or_create_report, open_version

# who answers an item, by the owner the problem rule names (scoring/rules/problems.yaml: codes or Chinese)
from ..recipients import OWNER_SIDES  # noqa: E402  (kept here: callers read rectification.OWNER_SIDES)
from .. import recipients  # noqa: E402
from ..notifier import notify  # noqa: E402


def add_working_days(start: dt.date, days: int) -> dt.date:
    """Working days by scoring/rules/escalation.yaml (weekends and the listed public holidays skipped)."""
    return escalation_rules().add_working_days(start, days)


# ---------------------------------------------------------------- who may do what
def can_respond(user: User, item: RectificationItem) -> bool:
    return (user.role == "enterprise" and user.enterprise_id == item.enterprise_id
            and (user.side in OWNER_SIDES.get(item.owner, {"union", "management"})))


def can_review(session: Session, user: User, item: RectificationItem) -> bool:
    if user.role in ("city_admin", "district_admin"):
        return can_approve(user, item.enterprise)
    if user.role == "evaluator":
        return session.scalar(select(EvaluatorAssignment.id).where(
            EvaluatorAssignment.evaluator_id == user.id, EvaluatorAssignment.enterprise_id == item.enterprise_id,
            EvaluatorAssignment.campaign_id == item.campaign_id).limit(1)) is not None
    return False


# ---------------------------------------------------------------- status moves
def submit(session: Session, item: RectificationItem, user: User, measures: str, today: dt.date) -> None:
    measures = (measures or "").strip()
    if not measures:
        raise Invalid("请填写已采取的整改措施。")
    if item.status not in ("open", "returned"):
        raise Conflict(f"该整改项当前为“{item.status_label}”，不能提交。")
    late = today > item.deadline
    note = "逾期提交（已受理，标记为逾期）" if late else ""
    record_event(session, item, user, "submitted", note)
    item.measures, item.status, item.submitted_at = measures[:5000], "submitted", utcnow()
    item.late = item.late or late
    notify(session, recipients.reviewers(session, item.enterprise, item.campaign_id), "rectification_answer",
           f"{item.enterprise.name}提交了整改答复，待验收", f"整改事项：{item.title}" + ("（逾期提交）" if late else ""),
           recipients.path("reports.item", item_id=item.id))


def accept(session: Session, item: RectificationItem, user: User, comment: str = "") -> None:
    if item.status != "submitted":
        raise Conflict(f"只有待验收的整改项可以验收，当前为“{item.status_label}”。")
    record_event(session, item, user, "accepted", comment)
    item.status, item.accepted_at = "accepted", utcnow()
    notify(session, recipients.owner_users(session, item.enterprise_id, item.owner), "accepted",
           f"整改事项已验收：{item.title}", comment or "", recipients.path("reports.item", item_id=item.id))


def return_item(session: Session, item: RectificationItem, user: User, comment: str) -> None:
    comment = (comment or "").strip()
    if not comment:
        raise Invalid("退回时请写明理由。")
    if item.status != "submitted":
        raise Conflict(f"只有待验收的整改项可以退回，当前为“{item.status_label}”。")
    record_event(session, item, user, "returned", comment)
    item.status, item.returned_count = "returned", item.returned_count + 1
    notify(session, recipients.owner_users(session, item.enterprise_id, item.owner), "returned",
           f"整改答复被退回，请按意见修改后重新提交：{item.title}", f"退回理由：{comment}\n整改期限：{format_date(item.deadline)}",
           recipients.path("reports.item", item_id=item.id))


# ---------------------------------------------------------------- escalation
def escalation_filter(today: dt.date):
    """Refused (returned twice or more) or overdue: the SQL condition of the escalation list."""
    return or_(RectificationItem.returned_count >= escalation_rules().escalate_after_returns,
               (RectificationItem.status.in_(("open", "returned"))) & (RectificationItem.deadline < today))


def escalation_reason(item: RectificationItem, today: dt.date) -> str:
    reasons = []
    if item.returned_count >= escalation_rules().escalate_after_returns:
        reasons.append(f"被退回{item.returned_count}次")
    if item.overdue(today):
        reasons.append(f"逾期{(today - item.deadline).days}天")
    return "，".join(reasons)


# letters (一函两书): evalsite/reports/letters.py (draft → approve → number and issue)


# ---------------------------------------------------------------- closing report
def items_of(session: Session, report: Report) -> list[RectificationItem]:
    return list(session.scalars(select(RectificationItem).where(RectificationItem.report_id == report.id)
                                .order_by(RectificationItem.deadline, RectificationItem.id)))


def draft_closing(session: Session, report: Report, user: Optional[User]) -> ReportVersion:
    """整改情况报告 once every item of an evaluation report is accepted; same versions and issuing."""
    items = items_of(session, report)
    if not items or any(i.status != "accepted" for i in items):
        raise Conflict("仍有未验收的整改项，全部验收后才能出具整改情况报告。")
    closing = get_or_create_report(session, report.campaign, report.enterprise, kind="closing")
    late = sum(1 for i in items if i.late)
    data = dict(
        enterprise_name=report.enterprise.name, source_number=report.number, campaign_name=report.campaign.name,
        issuing_body=current_app.config.get("ISSUING_BODY", "威海市总工会"),
        items=[dict(code=i.code, title=i.title, measures=i.measures or "",
                    outcome="已整改并通过验收" + ("（逾期完成）" if i.late else ""),
                    accepted=to_local(i.accepted_at).date().isoformat() if i.accepted_at else None,
                    evidence="、".join(e.filename for e in i.evidence)) for i in items],
        final_statement=(f"评估报告 {report.number} 所列 {len(items)} 项问题已全部整改并通过验收"
                         + (f"，其中 {late} 项逾期完成" if late else "") + "。本轮整改闭环。"),
    )
    return open_version(session, closing, user, data)
