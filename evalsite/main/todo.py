"""What each user has to do next in the current campaign, for the home page.

Every line is a work queue (``queues.py``): its number is the count of the
very select its list page shows, so a to-do always opens exactly what it counts.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Assessment, Campaign, User
from ..review_history import last_return
from .queues import Ctx, count, queues_for


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    url: str
    tone: str = ""  # "red" for overdue work, "amber" for waiting work


def _self_label(session: Session, user: User, campaign: Campaign) -> str:
    """The enterprise's own self-assessment line says where it stands, for this side."""
    a = session.scalar(select(Assessment).where(Assessment.campaign_id == campaign.id, Assessment.kind == "self",
                                                Assessment.enterprise_id == user.enterprise_id))
    if a is None or a.status != "submitted":
        if a is not None and last_return(session, "assessment", a.id) is not None:
            return "自评已退回，请修改后重新提交"
        return "自评尚未提交"
    confirmed = a.union_confirmed_at if user.side == "union" else a.management_confirmed_at
    return "自评已提交，待本方确认" if confirmed is None else "自评已提交并已确认"


def todos(session: Session, user: User, campaign: Campaign, today: dt.date) -> list[Todo]:
    ctx = Ctx(session, user, campaign, today)
    lines = []
    for q in queues_for(user):
        n = count(session, q.query(ctx))
        label = _self_label(session, user, campaign) if q.key == "my-self" else q.label
        lines.append(Todo(q.key, label, n, url_for("main.queue", key=q.key, campaign=campaign.id), q.tone if n else ""))
    return lines
