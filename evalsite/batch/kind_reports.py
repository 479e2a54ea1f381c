"""Batch approve and batch issue of selected report versions, each item as the requesting administrator.

Per version: it must exist and belong to an enterprise the person may see;
approving and issuing belong to the enterprise's district (or the city); the
state must allow the step; and four eyes applies (the drafter does not
approve, the approver does not issue alone). A version that fails any of these
is listed with the reason and left as it was; the others are done.
"""
from __future__ import annotations

from typing import Optional

from .. import audit, four_eyes
from ..access import can_view_enterprise
from ..jobs import Refused
from ..models import ReportVersion, User
from ..reports import workflow as svc
from ..timefmt import local_today

HIDDEN = "该报告版本不存在，或您无权查看。"
NOT_YOURS = "您无权处理该企业的报告（只有企业所在区市的管理员或市级管理员可以审核、出具）。"
MAX_ITEMS = 1000


def label_of(v: ReportVersion) -> str:
    return f"{v.report.number} 第{v.version}版 · {v.report.enterprise.name}"


def visible(user: User, v: Optional[ReportVersion]) -> bool:
    return v is not None and can_view_enterprise(user, v.report.enterprise, v.report.campaign_id)


def reason_not_to(action: str, user: User, v: Optional[ReportVersion]) -> Optional[str]:
    """Why ``user`` may not take ``action`` (approve | issue) on this version now, or None."""
    if not visible(user, v):
        return HIDDEN
    if not svc.can_approve(user, v.report.enterprise):
        return NOT_YOURS
    if action == "approve":
        if v.status != "draft":
            return (f"只有草稿可以审核，当前状态：{v.status_label}。" if v.status != "returned"
                    else "该版本已退回修改，须由起草人修改并重新提交后才能审核。")
        if not four_eyes.may_approve(v.drafted_by_id, user.id):
            return four_eyes.APPROVE_RULE
        return None
    if v.status != "approved":
        return ("报告须先经区级（或市级）管理员审核通过后才能出具。" if v.status in ("draft", "returned")
                else f"该版本当前状态为“{v.status_label}”，不能出具。")
    if not four_eyes.may_issue(v.approved_by_id, user.id):
        return four_eyes.ISSUE_RULE
    return None


def _each(ctx, action: str, step) -> None:
    ids = [int(i) for i in ctx.params.get("version_ids", [])][:MAX_ITEMS]
    ctx.set_total(len(ids))
    for vid in ids:
        with ctx.item(f"报告版本 {vid}") as item:
            v = ctx.session.get(ReportVersion, vid)
            if visible(ctx.user, v):
                item.label = label_of(v)
            why = reason_not_to(action, ctx.user, v)
            if why:
                raise Refused(why)
            step(ctx, v)  # a state conflict or four eyes raises a DomainError: listed with its message


class Approve:
    LABEL = "批量审核通过报告"

    @staticmethod
    def run(ctx) -> None:
        def step(ctx, v):
            svc.approve(ctx.session, v, ctx.user)
            audit.record("report.approve", "report_version", v.id, f"{v.report.number} 第{v.version}版审核通过（批量）",
                         {"job": ctx.job.id}, user=ctx.user)
            ctx.count("approved")

        _each(ctx, "approve", step)

    @staticmethod
    def summary_lines(summary: dict) -> list[str]:
        return [f"已审核通过 {summary.get('approved', 0)} 份。"]


class Issue:
    LABEL = "批量出具报告"

    @staticmethod
    def run(ctx) -> None:
        today = local_today()

        def step(ctx, v):
            svc.issue(ctx.session, v, ctx.user, today=today)
            audit.record("report.issue", "report_version", v.id, f"{v.report.number} 第{v.version}版出具（批量）",
                         {"sha256": v.sha256, "job": ctx.job.id}, user=ctx.user)
            ctx.count("issued")

        _each(ctx, "issue", step)

    @staticmethod
    def summary_lines(summary: dict) -> list[str]:
        return [f"已出具 {summary.get('issued', 0)} 份（正式 PDF、SHA-256 摘要和核验码已生成）。"]
