"""The review steps of a report version, each confirmed before it acts.

退回修改 (with a reason), 审核通过, 出具, 撤销, and saving the remarks of an
approved version (which withdraws the approval, explicitly). The action URLs
answer a GET or an unconfirmed POST with the confirmation page; a stale
confirmation is a 409 and changes nothing (``evalsite.confirm``).
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user

from .. import audit, confirm, four_eyes
from ..db import db
from ..domain_errors import Conflict
from ..errors import abort_zh
from ..access import roles_required
from . import review
from . import workflow as svc
from ..review_history import NO_REASON, REASON_MAX
from .blueprint import bp
from .forms import RemarksForm, RevokeForm
from .views_reports import _managed_version, _today, render_version_page

ADMINS = ("city_admin", "district_admin")


def _subject(v) -> str:
    return f"{v.report.kind_label} {v.report.number} 第{v.version}版 · {v.report.enterprise.name}"


def _back(v) -> str:
    return url_for("reports.version", version_id=v.id)


def _done(v, message: str):
    flash(message, "success")
    return redirect(_back(v))


@bp.route("/versions/<int:version_id>/approve", methods=["GET", "POST"])
@roles_required(*ADMINS)
def approve(version_id):
    v = _managed_version(version_id, approve=True)
    if v.status != "draft":
        raise Conflict("该版本已退回修改，须由起草人修改并重新提交后才能审核。" if v.status == "returned"
                       else f"只有草稿可以审核，当前状态：{v.status_label}。")
    four_eyes.check_can_approve(v.drafted_by_id, current_user.id)
    lines = ["本版本状态变为“已审核”，之后可以出具；审核人记为您。"]
    if four_eyes.enabled() and not four_eyes.approver_may_issue():
        lines.append("按照“四眼原则”，出具须由另一位管理员（例如起草人）进行。")
    lines.append("审核后如再修改说明或重新生成草稿，审核将自动撤回。")
    page = confirm.gate(review.state_token(v), title="审核通过", subject=_subject(v), consequences=lines,
                        action_url=url_for("reports.approve", version_id=v.id), button="确认审核通过",
                        back_url=_back(v))
    if page is not None:
        return page
    svc.approve(db.session, v, current_user)
    audit.record("report.approve", "report_version", v.id, f"{v.report.number} 第{v.version}版审核通过")
    return _done(v, "已审核通过，可以出具。")


@bp.route("/versions/<int:version_id>/issue", methods=["GET", "POST"])
@roles_required(*ADMINS)
def issue(version_id):
    v = _managed_version(version_id, approve=True)
    if v.status != "approved":
        raise Conflict("报告须先经区级（或市级）管理员审核通过后才能出具。" if v.status in ("draft", "returned")
                       else f"该版本当前状态为“{v.status_label}”，不能出具。")
    four_eyes.check_can_issue(v.approved_by_id, current_user.id)
    lines = ["生成正式 PDF，计算 SHA-256 摘要并分配公开核验码，出具日期记为今天。",
             "出具后本版本不能再修改或删除；如需更正，只能生成新版本。",
             "企业职工方和企业方都可以查看和下载本报告。"]
    if v.report.kind == "evaluation":
        lines.append("报告所列问题转为整改项，整改期限自出具日起算。")
    if any(o.status == "issued" for o in v.report.versions if o.id != v.id):
        lines.append("此前出具的版本将标记为“已被新版本取代”。")
    page = confirm.gate(review.state_token(v), title="出具报告", subject=_subject(v), consequences=lines,
                        action_url=url_for("reports.issue", version_id=v.id), button="确认出具",
                        back_url=_back(v))
    if page is not None:
        return page
    svc.issue(db.session, v, current_user, today=_today())
    audit.record("report.issue", "report_version", v.id, f"{v.report.number} 第{v.version}版出具",
                 {"sha256": v.sha256})
    return _done(v, f"已出具，核验码 {v.verify_code}。")


def _reason_page(v, token, *, title, label, action, button, lines, error=None, status=200, danger=False):
    value = request.form.get("reason", "") if request.method == "POST" else ""
    return confirm.page(token, title=title, subject=_subject(v), consequences=lines, action_url=action,
                        button=button, back_url=_back(v), danger=danger, status=status,
                        reason=dict(name="reason", label=label, value=value, error=error,
                                    hint=f"{REASON_MAX}字以内"))


@bp.route("/versions/<int:version_id>/revoke", methods=["GET", "POST"])
@roles_required(*ADMINS)
def revoke(version_id):
    v = _managed_version(version_id, approve=True)
    if v.status != "issued":
        raise Conflict(f"只有现行有效的已出具版本可以撤销，当前状态：{v.status_label}。")
    token = review.state_token(v)
    kw = dict(title="撤销报告版本", label="撤销原因", action=url_for("reports.revoke", version_id=v.id),
              button="确认撤销", danger=True,
              lines=["本版本状态变为“已撤销”，公开核验页面将显示“已撤销”及撤销原因。",
                     "撤销不可恢复；如需报告，须重新生成、审核并出具新版本。"])
    if request.method == "GET":
        return _reason_page(v, token, **kw)
    form = RevokeForm()
    if not form.validate():
        error = "；".join(form.reason.errors) or "请填写撤销原因"
        if request.form.get("confirm"):
            return _reason_page(v, token, error=error, status=400, **kw)
        return render_version_page(v, 400, revoke_form=form)
    if not confirm.confirmed(token):
        return _reason_page(v, token, **kw)
    svc.revoke(db.session, v, current_user, form.reason.data)
    audit.record("report.revoke", "report_version", v.id, f"{v.report.number} 第{v.version}版撤销",
                 {"reason": form.reason.data})
    return _done(v, "已撤销。")


@bp.route("/versions/<int:version_id>/return", methods=["GET", "POST"])
@roles_required(*ADMINS)
def return_version(version_id):
    """退回修改: back to the drafter with a reason they will see on the version page."""
    v = _managed_version(version_id, approve=True)
    if v.status not in ("draft", "approved"):
        raise Conflict(f"只有未出具的草稿或已审核版本可以退回修改，当前状态：{v.status_label}。")
    drafter = v.drafted_by.display_name if v.drafted_by else "起草人"
    token = review.state_token(v)
    kw = dict(title="退回修改", label="退回原因（起草人将看到）", action=url_for("reports.return_version", version_id=v.id),
              button="确认退回修改",
              lines=[f"本版本退回给起草人（{drafter}）修改，状态变为“已退回修改”，不能审核或出具。",
                     "退回原因显示在版本页面上，并记入处理记录。",
                     "起草人修改说明或重新生成草稿后，版本重新进入待审核。"])
    if request.method == "GET":
        return _reason_page(v, token, **kw)
    reason = (request.form.get("reason") or "").strip()
    if not reason or len(reason) > REASON_MAX:
        return _reason_page(v, token, error=NO_REASON if not reason else f"退回原因不超过{REASON_MAX}字。",
                            status=400, **kw)
    if request.form.get("confirm"):
        confirm.confirmed(token)  # 409 when the version changed since the page was shown
    review.return_version(db.session, v, current_user, reason)
    audit.record("report.return", "report_version", v.id, f"{v.report.number} 第{v.version}版退回修改",
                 {"reason": reason})
    return _done(v, f"已退回修改，起草人（{drafter}）将在版本页面看到退回原因。")


@bp.post("/versions/<int:version_id>/edit")
@roles_required("city_admin", "district_admin", "evaluator")
def edit_version(version_id):
    """Save the remarks; on an approved version, first confirm that the approval is withdrawn."""
    v = _managed_version(version_id, approve=False)
    form = RemarksForm()
    if v.is_frozen:
        abort_zh(409, "已出具的报告版本不可修改；如需更正，请生成新版本。")
    if not form.validate():
        return render_version_page(v, 400, remarks_form=form)
    if v.status == "approved":
        page = confirm.gate(review.state_token(v), title="修改已审核的版本", subject=_subject(v),
                            consequences=["保存修改后的评估组说明。",
                                          "本版本的审核将被撤回，状态回到“草稿”，出具前须重新审核。"],
                            action_url=url_for("reports.edit_version", version_id=v.id),
                            button="撤回审核并保存", back_url=_back(v), hidden={"remarks": form.remarks.data or ""},
                            note="如不想撤回审核，请点击“取消，返回”，修改不会保存。")
        if page is not None:
            return page
    message = review.edit_remarks(db.session, v, form.remarks.data or "", current_user)
    audit.record("report.edit", "report_version", v.id, f"{v.report.number} 第{v.version}版修改说明")
    return _done(v, message)
