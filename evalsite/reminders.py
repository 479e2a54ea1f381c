"""Deadline reminders for cron (``flask remind-deadlines``): approaching and missed deadlines.

Covers the open rectification items (to the side that answers, and, once
missed, to the region's administrators and the assigned evaluators) and the
open evidence requests (to both enterprise sides, and, once missed, to the
evaluator who asked).  Each reminder carries a key made of the object, its
deadline and the stage, so running the command twice a day, or every day,
sends each reminder once; a new deadline is a new reminder.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import recipients
from .models import Campaign, Enterprise, EvidenceRequest, RectificationItem
from .notifier import notify
from .timefmt import format_date


@dataclass
class Sent:
    soon: int = 0
    missed: int = 0

    def __str__(self) -> str:
        return f"期限临近提醒 {self.soon} 条，逾期提醒 {self.missed} 条"


def _item_reminders(session: Session, today: dt.date, horizon: dt.date, sent: Sent) -> None:
    items = session.scalars(select(RectificationItem).join(Campaign, Campaign.id == RectificationItem.campaign_id)
                            .where(RectificationItem.status.in_(("open", "returned")),
                                   RectificationItem.deadline <= horizon)
                            .order_by(RectificationItem.deadline, RectificationItem.id))
    for item in items:
        link = recipients.path("reports.item", item_id=item.id)
        owners = recipients.owner_users(session, item.enterprise_id, item.owner)
        if item.deadline >= today:
            days = (item.deadline - today).days
            when = "今天到期" if days == 0 else f"还有 {days} 天到期"
            sent.soon += len(notify(session, owners, "deadline_soon", f"整改期限临近（{when}）：{item.title}",
                                    f"整改期限：{format_date(item.deadline)}。请按时提交整改答复。", link,
                                    dedupe_key=f"soon:item:{item.id}:{item.deadline.isoformat()}"))
        else:
            staff = recipients.reviewers(session, item.enterprise, item.campaign_id)
            sent.missed += len(notify(session, owners + staff, "deadline_missed", f"整改事项已逾期：{item.title}",
                                      f"{item.enterprise.name}\n整改期限：{format_date(item.deadline)}，尚未提交整改答复。",
                                      link, dedupe_key=f"missed:item:{item.id}:{item.deadline.isoformat()}"))


def _request_reminders(session: Session, today: dt.date, horizon: dt.date, sent: Sent) -> None:
    requests = session.scalars(select(EvidenceRequest).where(EvidenceRequest.status == "open",
                                                             EvidenceRequest.due_date.is_not(None),
                                                             EvidenceRequest.due_date <= horizon)
                               .order_by(EvidenceRequest.due_date, EvidenceRequest.id))
    for req in requests:
        ent = session.get(Enterprise, req.enterprise_id)
        link = recipients.path("assessments.self_workspace", _anchor=f"req-{req.id}")
        users = recipients.enterprise_users(session, req.enterprise_id)
        key = f"{req.id}:{req.due_date.isoformat()}"
        if req.due_date >= today:
            sent.soon += len(notify(session, users, "deadline_soon", f"补充材料答复期限临近（指标 {req.indicator}）",
                                    f"请在{format_date(req.due_date)}前答复：{req.message}", link,
                                    dedupe_key=f"soon:request:{key}"))
        else:
            sent.missed += len(notify(session, users, "deadline_missed", f"补充材料已逾期未答复（指标 {req.indicator}）",
                                      f"答复期限：{format_date(req.due_date)}。{req.message}", link,
                                      dedupe_key=f"missed:request:{key}"))
            if req.requested_by_id:
                sent.missed += len(notify(
                    session, [req.requested_by_id], "deadline_missed",
                    f"{ent.name if ent else '企业'}逾期未答复补充材料（指标 {req.indicator}）",
                    f"答复期限：{format_date(req.due_date)}。", recipients.path(
                        "assessments.evaluate", enterprise_id=req.enterprise_id),
                    dedupe_key=f"missed:request:{key}"))


def remind_deadlines(session: Session, today: dt.date, days_before: int = 3) -> Sent:
    """Queue every reminder due today that was not sent before; the caller commits (then e-mail goes)."""
    sent = Sent()
    horizon = today + dt.timedelta(days=max(days_before, 0))
    _item_reminders(session, today, horizon, sent)
    _request_reminders(session, today, horizon, sent)
    return sent
