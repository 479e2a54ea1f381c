"""The review steps of a report version besides approve/issue: return with a reason, edit, state token.

Each step is recorded in the review history (``review_history``); the caller commits.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from ..confirm import fingerprint
from ..models import ReportVersion, User
from .. import recipients, review_history as history
from ..domain_errors import Conflict
from ..notifier import notify

APPROVAL_WITHDRAWN_EDIT = "修改了评估组说明，原审核自动撤回"


def edit_remarks(session: Session, version: ReportVersion, remarks: str, user: Optional[User]) -> str:
    """Save the remarks; an approved version loses its approval, a returned one goes back for review.

    Returns what the user must be told (the approval withdrawn, or resubmitted).
    """
    if version.is_frozen:
        raise Conflict("已出具的报告版本不可修改；如需更正，请生成新版本。")
    version.remarks = remarks
    ent_id = version.report.enterprise_id
    if version.status == "approved":  # a changed text needs a new approval: say so, record it
        version.status, version.approved_by_id, version.approved_at = "draft", None, None
        history.record(session, "report_version", version.id, "withdraw", user, APPROVAL_WITHDRAWN_EDIT, ent_id)
        return "已保存。本版本原已审核通过，修改说明后审核已撤回，须重新审核后才能出具。"
    if version.status == "returned":
        version.status = "draft"
        history.record(session, "report_version", version.id, "resubmit", user, "修改评估组说明后重新提交审核", ent_id)
        return "已保存，并已重新提交审核。"
    return "已保存。"


def return_version(session: Session, version: ReportVersion, user: User, reason: str) -> None:
    """退回修改: a draft (or an approved version not yet issued) goes back to its drafter with a reason."""
    reason = history.clean_reason(reason)
    if version.status not in ("draft", "approved"):
        raise Conflict(f"只有未出具的草稿或已审核版本可以退回修改，当前状态：{version.status_label}。")
    version.status, version.approved_by_id, version.approved_at = "returned", None, None
    history.record(session, "report_version", version.id, "return", user, reason, version.report.enterprise_id)
    if version.drafted_by_id:
        notify(session, [version.drafted_by_id], "returned",
               f"报告 {version.report.number} 第{version.version}版被退回修改",
               f"{version.report.enterprise.name}\n退回原因：{reason}",
               recipients.path("reports.version", version_id=version.id))


def state_token(version: ReportVersion) -> str:
    """What a confirmation page showed: any change to the version makes the confirmation stale."""
    return fingerprint("report_version", version.id, version.status, version.drafted_by_id, version.drafted_at,
                       version.approved_by_id, version.approved_at, version.remarks, version.data)
