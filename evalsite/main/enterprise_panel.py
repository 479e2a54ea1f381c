"""An enterprise account's own open items and deadlines, for its home page (both sides).

Deadlines of the rectification items this side answers for, reply deadlines
of the evaluators' evidence requests, the self-assessment state with the
reason of a return, and the state of the enterprise's survey links.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Assessment, Campaign, EvidenceRequest, User
from ..review_history import last_return
from ..survey_data.store import current_link, response_counts
from ..timefmt import format_date
from .queues import Ctx, _own_items


@dataclass(frozen=True)
class Deadline:
    date: Optional[dt.date]
    what: str
    href: str
    overdue: bool

    @property
    def date_text(self) -> str:
        return format_date(self.date) if self.date else "未设期限"


@dataclass(frozen=True)
class LinkState:
    audience: str
    state: str
    answers: int


def deadlines(session: Session, user: User, campaign: Campaign, today: dt.date) -> list[Deadline]:
    ctx = Ctx(session, user, campaign, today)
    rows = [Deadline(i.deadline, f"整改：{i.title}" + ("（被退回，须重新答复）" if i.status == "returned" else ""),
                     url_for("reports.item", item_id=i.id), today > i.deadline)
            for i in session.scalars(_own_items(ctx))]
    requests = session.scalars(select(EvidenceRequest).where(
        EvidenceRequest.campaign_id == campaign.id, EvidenceRequest.enterprise_id == user.enterprise_id,
        EvidenceRequest.status == "open"))
    rows += [Deadline(r.due_date, f"补充材料：指标 {r.indicator}",
                      url_for("assessments.self_workspace", _anchor=f"req-{r.id}"),
                      bool(r.due_date and today > r.due_date)) for r in requests]
    return sorted(rows, key=lambda d: (d.date is None, d.date or dt.date.max, d.what))


def self_return(session: Session, user: User, campaign: Campaign):
    """The return of this enterprise's self-assessment still waiting to be resubmitted, or None."""
    a = session.scalar(select(Assessment).where(Assessment.campaign_id == campaign.id, Assessment.kind == "self",
                                                Assessment.enterprise_id == user.enterprise_id))
    if a is None or a.status == "submitted":
        return None
    return last_return(session, "assessment", a.id)


def survey_links(session: Session, user: User, campaign: Campaign) -> list[LinkState]:
    counts = response_counts(session, campaign.id, [user.enterprise_id])
    out = []
    for audience, label in (("worker", "职工问卷"), ("employer", "企业方问卷")):
        link = current_link(session, campaign.id, user.enterprise_id, audience)
        if link is None:
            state = "尚未生成链接"
        elif link.status == "open":
            state = "开放填写" + (f"，{format_date(link.closes_on)}关闭" if link.closes_on else "")
        else:
            state = link.status_label
        out.append(LinkState(label, state, counts.get((user.enterprise_id, audience), 0)))
    return out
