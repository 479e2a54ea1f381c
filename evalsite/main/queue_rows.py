"""The columns of a work-queue page: one table shape per kind of row, every cell in words.

No internal code reaches a cell: statuses, owners and letter kinds go through
their labels; dates and times through ``timefmt``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select

from ..models import Assessment, Enterprise, EscalationLetter, EvidenceRequest, RectificationItem, ReportVersion
from ..review_history import last_return
from ..timefmt import format_date, format_datetime
from .queues import Ctx, Queue

OWNER_LABELS = {"worker": "职工方", "union": "职工方", "employer": "企业方", "management": "企业方", "both": "双方"}


@dataclass
class Row:
    cells: list[str]
    href: str
    tone: str = ""
    note: str = ""  # a second line under the first cell (a return reason, say)
    extra: dict = field(default_factory=dict)


def _name(user) -> str:
    return (user.display_name or user.username) if user else "—"


def _assessments(ctx: Ctx, ents, kind: str) -> dict:
    stmt = select(Assessment).where(Assessment.campaign_id == ctx.campaign.id, Assessment.kind == kind,
                                    Assessment.enterprise_id.in_([e.id for e in ents] or [0]))
    if kind == "external":
        stmt = stmt.where(Assessment.evaluator_id == ctx.user.id)
    return {a.enterprise_id: a for a in ctx.session.scalars(stmt)}


def _state(ctx: Ctx, a: Assessment | None) -> tuple[str, str]:
    """(state in words, the return reason while it waits to be resubmitted)."""
    if a is None:
        return "尚未开始", ""
    if a.status == "submitted":
        return "已提交", ""
    back = last_return(ctx.session, "assessment", a.id)
    if back is not None:
        return "已退回，待重新提交", back.reason or ""
    return "填写中", ""


def _enterprise_rows(queue: Queue, ctx: Ctx, ents: list[Enterprise]) -> tuple[list[str], list[Row]]:
    evaluator = ctx.user.role == "evaluator"
    kind = "external" if evaluator else "self"
    found = _assessments(ctx, ents, kind)
    rows = []
    for e in ents:
        state, reason = _state(ctx, found.get(e.id))
        href = (url_for("assessments.evaluate", enterprise_id=e.id) if evaluator
                else url_for("registry.hub", enterprise_id=e.id, campaign_id=ctx.campaign.id))
        rows.append(Row([e.name, e.credit_code, e.unit.name if e.unit else "—", state], href,
                        note=f"退回原因：{reason}" if reason else ""))
    return ["企业", "统一社会信用代码", "所属区市", "外部评估" if evaluator else "自评"], rows


def _version_rows(queue, ctx, versions: list[ReportVersion]):
    rows = [Row([v.report.enterprise.name, v.report.number, f"第{v.version}版", _name(v.drafted_by),
                 format_datetime(v.drafted_at)], url_for("reports.version", version_id=v.id)) for v in versions]
    return ["企业", "报告编号", "版本", "起草人", "起草时间"], rows


def _item_rows(queue, ctx, items: list[RectificationItem]):
    rows = []
    for i in items:
        late = i.status in ("open", "returned") and ctx.today > i.deadline
        cells = [i.title, i.enterprise.name, OWNER_LABELS.get(i.owner, i.owner), format_date(i.deadline),
                 i.status_label + ("（已逾期）" if late else "")]
        if i.status == "submitted":
            cells[4] = f"{i.status_label}（{format_datetime(i.submitted_at)}）"
        rows.append(Row(cells, url_for("reports.item", item_id=i.id), "red" if late else ""))
    return ["整改事项", "企业", "责任方", "整改期限", "状态"], rows


def _request_rows(queue, ctx, requests: list[EvidenceRequest]):
    rows = []
    for r in requests:
        late = bool(r.due_date and ctx.today > r.due_date)
        due = (format_date(r.due_date) + ("（已逾期）" if late else "")) if r.due_date else "未设期限"
        href = (url_for("assessments.self_workspace", _anchor=f"req-{r.id}") if ctx.user.role == "enterprise"
                else url_for("assessments.evaluate", enterprise_id=r.enterprise_id))
        ent = ctx.session.get(Enterprise, r.enterprise_id)
        rows.append(Row([f"指标 {r.indicator}", ent.name if ent else "—", r.message, due,
                         format_datetime(r.created_at)], href, "red" if late else ""))
    return ["补充材料", "企业", "评估员说明", "答复期限", "提出时间"], rows


def _letter_rows(queue, ctx, letters: list[EscalationLetter]):
    rows = [Row([f"{l.kind_label}（{l.item.title}）", l.enterprise.name, _name(l.drafted_by),
                 format_datetime(l.drafted_at), _name(l.approved_by) if l.approved_by_id else "—"],
                url_for("reports.letter", letter_id=l.id)) for l in letters]
    return ["文书", "企业", "起草人", "起草时间", "审核人"], rows


def _self_rows(queue, ctx, ents: list[Enterprise]):
    found = _assessments(ctx, ents, "self")
    rows = []
    for e in ents:
        a = found.get(e.id)
        state, reason = _state(ctx, a)
        if a is not None and a.status == "submitted":
            state = "已提交，待本方确认"
        rows.append(Row(["本企业自评", state], url_for("assessments.self_workspace"),
                        note=f"退回原因：{reason}" if reason else ""))
    return ["事项", "状态"], rows


RENDERERS = {"enterprise": _enterprise_rows, "version": _version_rows, "item": _item_rows,
             "request": _request_rows, "letter": _letter_rows, "self": _self_rows}


def queue_rows(queue: Queue, ctx: Ctx, entities: list) -> tuple[list[str], list[Row]]:
    return RENDERERS[queue.kind](queue, ctx, entities)
