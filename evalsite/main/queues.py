"""Work queues: each to-do line of the home page and the list it opens, from one query.

A queue is a select of one kind of row (enterprises, report versions,
rectification items, evidence requests, letters), scoped to what the user may
see.  The home page counts that select; the queue page lists it, page by page,
so the number on the home page is the number of rows behind its link by
construction (``tests/evalsite/test_queues.py`` checks it for every role).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from ..access import visible_enterprise_ids
from ..models import (Assessment, Campaign, Enrolment, EscalationLetter, EvaluatorAssignment, EvidenceRequest,
                      RectificationItem, Report, ReportVersion, ReviewEvent, User)
from ..recipients import OWNER_SIDES

OPEN_ITEMS = ("open", "returned")
# the item owners each side answers for, derived from the rectification rule itself
SIDE_OWNERS = {side: tuple(owner for owner, sides in OWNER_SIDES.items() if side in sides)
               for side in ("union", "management")}


@dataclass(frozen=True)
class Ctx:
    session: Session
    user: User
    campaign: Campaign
    today: dt.date


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: frozenset
    kind: str  # the row type, which decides the columns (see ``queue_rows``)
    query: Callable[[Ctx], Select]
    tone: str = ""  # "red" overdue work, "amber" waiting work, "" for information
    # the same rows in the area's full list (evalsite/listing.py: search, sort, filters, XLSX): (endpoint, args)
    full_list: tuple = ()


def count(session: Session, stmt: Select) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


# ---------------------------------------------------------------- building blocks
def _enrolled_ids(c: Ctx):
    return select(Enrolment.enterprise_id).where(Enrolment.campaign_id == c.campaign.id,
                                                 Enrolment.enterprise_id.in_(visible_enterprise_ids(c.user,
                                                                                                    c.campaign.id)))


def _assigned_ids(c: Ctx):
    return select(EvaluatorAssignment.enterprise_id).where(EvaluatorAssignment.campaign_id == c.campaign.id,
                                                           EvaluatorAssignment.evaluator_id == c.user.id)


def _scope_ids(c: Ctx):
    """The enterprises whose work this user handles: assigned ones for an evaluator, the region's otherwise."""
    if c.user.role == "evaluator":
        return _assigned_ids(c)
    return visible_enterprise_ids(c.user, c.campaign.id)


def _enterprises(ids) -> Select:
    from ..models import Enterprise

    return select(Enterprise).where(Enterprise.id.in_(ids)).order_by(Enterprise.name, Enterprise.id)


def _versions(c: Ctx, status: str) -> Select:
    return (select(ReportVersion).join(Report, Report.id == ReportVersion.report_id)
            .where(Report.campaign_id == c.campaign.id, Report.enterprise_id.in_(_scope_ids(c)),
                   ReportVersion.status == status)
            .order_by(ReportVersion.drafted_at, ReportVersion.id))


def _items(c: Ctx, ent_ids) -> Select:
    return (select(RectificationItem).where(RectificationItem.campaign_id == c.campaign.id,
                                            RectificationItem.enterprise_id.in_(ent_ids))
            .order_by(RectificationItem.deadline, RectificationItem.id))


def _own_items(c: Ctx) -> Select:
    owners = SIDE_OWNERS.get(c.user.side or "", ())
    return _items(c, [c.user.enterprise_id]).where(RectificationItem.status.in_(OPEN_ITEMS),
                                                   RectificationItem.owner.in_(owners))


def _letters(c: Ctx, status: str) -> Select:
    return (select(EscalationLetter).where(EscalationLetter.campaign_id == c.campaign.id,
                                           EscalationLetter.enterprise_id.in_(_scope_ids(c)),
                                           EscalationLetter.status == status)
            .order_by(EscalationLetter.drafted_at, EscalationLetter.id))


def _submitted(c: Ctx, kind: str, evaluator_id: Optional[int] = None):
    stmt = select(Assessment.enterprise_id).where(Assessment.campaign_id == c.campaign.id, Assessment.kind == kind,
                                                  Assessment.status == "submitted")
    if evaluator_id is not None:
        stmt = stmt.where(Assessment.evaluator_id == evaluator_id)
    return stmt


def reopened(assessment_id_col):
    """A return (reopen) was recorded for the assessment: with status draft it waits to be resubmitted."""
    return exists().where(ReviewEvent.object_type == "assessment", ReviewEvent.object_id == assessment_id_col,
                          ReviewEvent.action.in_(("reopen", "return")))


# ---------------------------------------------------------------- the queues of each role
def _self_missing(c: Ctx) -> Select:
    return _enterprises(_enrolled_ids(c).where(~Enrolment.enterprise_id.in_(_submitted(c, "self"))))


def _self_returned(c: Ctx) -> Select:
    returned = select(Assessment.enterprise_id).where(Assessment.campaign_id == c.campaign.id,
                                                      Assessment.kind == "self", Assessment.status == "draft",
                                                      reopened(Assessment.id))
    return _enterprises(_enrolled_ids(c).where(Enrolment.enterprise_id.in_(returned)))


def _external_todo(c: Ctx) -> Select:
    return _enterprises(_assigned_ids(c).where(~EvaluatorAssignment.enterprise_id.in_(
        _submitted(c, "external", c.user.id))))


def _external_returned(c: Ctx) -> Select:
    returned = select(Assessment.enterprise_id).where(Assessment.campaign_id == c.campaign.id,
                                                      Assessment.kind == "external", Assessment.status == "draft",
                                                      Assessment.evaluator_id == c.user.id, reopened(Assessment.id))
    return _enterprises(_assigned_ids(c).where(EvaluatorAssignment.enterprise_id.in_(returned)))


def _evidence_waiting(c: Ctx) -> Select:
    return (select(EvidenceRequest).where(EvidenceRequest.campaign_id == c.campaign.id,
                                          EvidenceRequest.enterprise_id.in_(_assigned_ids(c)),
                                          EvidenceRequest.status == "open")
            .order_by(EvidenceRequest.due_date, EvidenceRequest.id))


def _own_self(c: Ctx) -> Select:
    """This enterprise, while its self-assessment is not submitted or not yet confirmed by this side."""
    confirmed = (Assessment.union_confirmed_at if c.user.side == "union" else Assessment.management_confirmed_at)
    done = select(Assessment.id).where(Assessment.campaign_id == c.campaign.id, Assessment.kind == "self",
                                       Assessment.enterprise_id == c.user.enterprise_id,
                                       Assessment.status == "submitted", confirmed.is_not(None))
    return _enterprises(_enrolled_ids(c)).where(~exists(done))


def _own_requests(c: Ctx) -> Select:
    return (select(EvidenceRequest).where(EvidenceRequest.campaign_id == c.campaign.id,
                                          EvidenceRequest.enterprise_id == c.user.enterprise_id,
                                          EvidenceRequest.status == "open")
            .order_by(EvidenceRequest.due_date, EvidenceRequest.id))


ADMINS = frozenset({"city_admin", "district_admin"})
EVALUATOR = frozenset({"evaluator"})
ENTERPRISE = frozenset({"enterprise"})
REVIEWERS = ADMINS | EVALUATOR

QUEUES: tuple[Queue, ...] = (
    Queue("enrolled", "参加本次行动的企业", ADMINS, "enterprise", lambda c: _enterprises(_enrolled_ids(c))),
    Queue("self-missing", "尚未提交自评的企业", ADMINS, "enterprise", _self_missing, "amber"),
    Queue("self-returned", "已退回、待企业重新提交的自评", ADMINS, "enterprise", _self_returned, "amber"),
    Queue("assigned", "分配给我的企业", EVALUATOR, "enterprise", lambda c: _enterprises(_assigned_ids(c))),
    Queue("external-todo", "尚未完成的外部评估", EVALUATOR, "enterprise", _external_todo, "amber"),
    Queue("external-returned", "被退回、待修改的外部评估", EVALUATOR, "enterprise", _external_returned, "amber"),
    Queue("evidence-waiting", "已要求补充、企业尚未答复的材料", EVALUATOR, "request", _evidence_waiting),
    Queue("drafts", "待审核的报告草稿", ADMINS, "version", lambda c: _versions(c, "draft"), "amber",
          ("reports.index", {"status": "draft"})),
    Queue("approved", "已审核待出具的报告", ADMINS, "version", lambda c: _versions(c, "approved"), "amber",
          ("reports.index", {"status": "approved"})),
    Queue("reports-returned", "被退回、待重新起草的报告", REVIEWERS, "version",
          lambda c: _versions(c, "returned"), "amber", ("reports.index", {"status": "returned"})),
    Queue("answers", "待验收的整改答复", REVIEWERS, "item",
          lambda c: _items(c, _scope_ids(c)).where(RectificationItem.status == "submitted"), "amber",
          ("reports.items", {"status": "submitted"})),
    Queue("overdue", "已逾期的整改事项", ADMINS, "item",
          lambda c: _items(c, _scope_ids(c)).where(RectificationItem.status.in_(OPEN_ITEMS),
                                                   RectificationItem.deadline < c.today), "red",
          ("reports.items", {"overdue": "1"})),
    Queue("letters-draft", "待审核的监督文书", ADMINS, "letter", lambda c: _letters(c, "draft"), "amber",
          ("reports.letters", {"status": "draft"})),
    Queue("letters-approved", "已审核待编号出具的监督文书", ADMINS, "letter",
          lambda c: _letters(c, "approved"), "amber", ("reports.letters", {"status": "approved"})),
    Queue("my-self", "本企业自评", ENTERPRISE, "self", _own_self, "amber"),
    Queue("my-requests", "评估员要求补充的材料", ENTERPRISE, "request", _own_requests, "amber"),
    Queue("my-items", "待本方答复的整改事项", ENTERPRISE, "item", _own_items, "amber"),
    Queue("my-returned", "其中被退回、须重新答复", ENTERPRISE, "item",
          lambda c: _own_items(c).where(RectificationItem.status == "returned"), "amber"),
    Queue("my-overdue", "其中已逾期", ENTERPRISE, "item",
          lambda c: _own_items(c).where(RectificationItem.deadline < c.today), "red"),
)
BY_KEY = {q.key: q for q in QUEUES}


def queues_for(user: User) -> list[Queue]:
    return [q for q in QUEUES if user.role in q.roles]


def rows_query(queue: Queue, ctx: Ctx) -> Select:
    return queue.query(ctx)

