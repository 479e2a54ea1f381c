"""Administrators send a submitted assessment back with a reason.

A self-assessment is reopened for the enterprise (both sides confirm again
after resubmitting); an external evaluation goes back to its evaluator. The
reason is shown to them on their page and kept in the review history.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from .. import confirm
from ..access import admin_required, can_edit_enterprise
from ..db import db
from ..errors import abort_zh
from ..models import Assessment
from ..review_history import NO_REASON, REASON_MAX
from . import service
from .blueprint import bp


def _assessment_or_404(assessment_id: int) -> Assessment:
    a = db.session.get(Assessment, assessment_id)
    if a is None:
        abort(404)
    if not can_edit_enterprise(current_user, a.enterprise):
        abort(403)
    return a


@bp.route("/<int:assessment_id>/return", methods=["GET", "POST"])
@admin_required
def assessment_return(assessment_id):
    a = _assessment_or_404(assessment_id)
    if not a.submitted:
        abort_zh(409, "该评估尚未提交，无需退回。")
    back = url_for(".result", enterprise_id=a.enterprise_id, campaign=a.campaign_id)
    if a.kind == "self":
        title, who = "退回自评", "企业（职工方和企业方）"
        lines = ["自评重新开放，企业可以修改评分、说明和材料，修改后重新提交。",
                 "已有的双方确认作废，重新提交后职工方和企业方须再次确认。"]
    else:
        name = a.evaluator.display_name if a.evaluator else "评估员"
        title, who = "退回外部评估", f"评估员（{name}）"
        lines = ["外部评估重新开放，评估员修改后重新提交。"]
    lines += [f"退回原因显示给{who}，并记入处理记录。", "评估结果按退回后的状态重新计算。"]
    token = service.state_token(a)
    value = request.form.get("reason", "") if request.method == "POST" else ""
    kw = dict(title=title, subject=f"{a.enterprise.name} · {'自评' if a.kind == 'self' else '外部评估'}",
              consequences=lines, action_url=url_for(".assessment_return", assessment_id=a.id),
              button=f"确认{title}", back_url=back)
    reason = value.strip()
    if request.method == "GET":
        return confirm.page(token, reason=dict(name="reason", label="退回原因", value=value), **kw)
    if not reason or len(reason) > REASON_MAX:
        error = NO_REASON if not reason else f"退回原因不超过{REASON_MAX}字。"
        return confirm.page(token, status=400, reason=dict(name="reason", label="退回原因", value=value, error=error),
                            **kw)
    if request.form.get("confirm"):
        confirm.confirmed(token)  # 409 when the assessment changed since the page was shown
    service.reopen(db.session, a, current_user, reason)
    flash(f"已{title}，{who}将看到退回原因。", "success")
    return redirect(back)
