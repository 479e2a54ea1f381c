"""Batch approve / batch issue of the report versions ticked on the report list, after a confirmation page.

The confirmation page says what will happen and which of the ticked versions
will be left alone and why (as far as can be told now; the job checks each
one again when it runs, as the same person).
"""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import confirm
from ..access import roles_required, scope_enterprises
from ..campaign_context import campaign_or_404
from ..db import db
from ..errors import abort_zh
from ..models import Enterprise, Report, ReportVersion
from .starting import start
from .blueprint import bp
from .kind_reports import MAX_ITEMS, label_of, reason_not_to, visible

ACTIONS = {"approve": ("reports.approve", "批量审核通过", "审核通过"),
           "issue": ("reports.issue", "批量出具", "出具")}
NONE_TICKED = "请先在报告列表中勾选要处理的报告版本。"


def selected_ids() -> list[int]:
    """The ticked version ids (checkboxes ``version``, or ``ids`` from the confirmation page); 400 when bad."""
    raw = request.form.getlist("version") or [p for p in (request.form.get("ids") or "").split(",") if p.strip()]
    if not raw:
        abort_zh(400, NONE_TICKED)
    try:
        ids = sorted({int(p) for p in raw})
    except ValueError:
        abort_zh(400, "勾选的报告版本编号无效，请返回报告列表重新勾选。")
    if any(i <= 0 for i in ids):
        abort_zh(400, "勾选的报告版本编号无效，请返回报告列表重新勾选。")
    if len(ids) > MAX_ITEMS:
        abort_zh(400, f"一次最多处理 {MAX_ITEMS} 份报告版本，请分批勾选。")
    return ids


def _consequences(action: str, n_ok: int, refused: list[tuple[str, str]]) -> list[str]:
    if action == "approve":
        lines = [f"{n_ok} 份草稿的状态变为“已审核”，审核人记为您；之后可以出具。"]
        lines.append("按照“四眼原则”，您起草的版本不能由您审核，这些版本将被列为未处理。")
    else:
        lines = [f"为 {n_ok} 份已审核的版本生成正式 PDF、SHA-256 摘要和公开核验码，出具日期记为今天，出具人记为您。",
                 "出具后不能再修改或删除；报告所列问题转为整改项，整改期限自出具日起算；企业双方都可以查看。",
                 "按照“四眼原则”，您审核通过的版本不能由您独自出具，这些版本将被列为未处理。"]
    lines.append("任务在后台逐份进行，进度页面显示完成数量和每一份未处理报告的原因。")
    if refused:
        shown = "；".join(f"{label}：{why}" for label, why in refused[:20])
        more = f"（另有 {len(refused) - 20} 份）" if len(refused) > 20 else ""
        lines.append(f"以下 {len(refused)} 份按目前状态将不会处理：{shown}{more}")
    return lines


@bp.route("/reports", methods=["POST"])
@roles_required("city_admin", "district_admin")
def reports():
    action = request.form.get("action") or ""
    if action not in ACTIONS:
        abort_zh(400, "请选择“批量审核通过”或“批量出具”。")
    kind, title, verb = ACTIONS[action]
    campaign = campaign_or_404()
    ids = selected_ids()
    versions = {v.id: v for v in db.session.scalars(select(ReportVersion).where(ReportVersion.id.in_(ids)))}
    refused, ok, state = [], 0, []
    for vid in ids:
        v = versions.get(vid)
        why = reason_not_to(action, current_user, v)
        seen = visible(current_user, v)
        state.append((vid, v.status, v.drafted_by_id, v.approved_by_id) if seen else (vid, None))
        if why:
            refused.append((label_of(v) if seen else f"报告版本 {vid}", why))
        else:
            ok += 1
    if not ok:
        abort_zh(409, f"勾选的 {len(ids)} 份报告版本都不能由您{verb}：" + "；".join(
            f"{label}：{why}" for label, why in refused[:10]))
    token = confirm.fingerprint("batch", action, current_user.id, state)
    back = url_for("reports.index", campaign=campaign.id)
    page = confirm.gate(token, title=title + "报告", subject=f"{campaign.name}：勾选了 {len(ids)} 份报告版本",
                        consequences=_consequences(action, ok, refused),
                        action_url=url_for("batch.reports", campaign=campaign.id), button=f"确认{title} {ok} 份",
                        back_url=back, hidden={"action": action, "ids": ",".join(map(str, ids))},
                        danger=action == "issue")
    if page is not None:
        return page
    return start(kind, {"campaign_id": campaign.id, "version_ids": ids}, f"{title}报告 {len(ids)} 份", campaign.id)


@bp.route("/reports/issue-approved", methods=["POST"])
@roles_required("city_admin", "district_admin")
def issue_approved():
    """The tables page's button: every approved version of the campaign in the person's scope, as a job."""
    campaign = campaign_or_404()
    ents = scope_enterprises(select(Enterprise.id), current_user, campaign.id)
    versions = db.session.scalars(select(ReportVersion).join(Report).where(
        Report.campaign_id == campaign.id, ReportVersion.status == "approved", Report.enterprise_id.in_(ents))
        .order_by(Report.number, ReportVersion.version).limit(MAX_ITEMS)).all()
    if not versions:
        abort_zh(409, "本行动在您的辖区内没有已审核待出具的报告。")
    ids = [v.id for v in versions]
    refused = [(label_of(v), why) for v in versions if (why := reason_not_to("issue", current_user, v))]
    token = confirm.fingerprint("issue-approved", current_user.id, [(v.id, v.approved_by_id) for v in versions])
    page = confirm.gate(token, title="批量出具已审核报告", subject=f"{campaign.name}：已审核待出具 {len(ids)} 份",
                        consequences=_consequences("issue", len(ids) - len(refused), refused),
                        action_url=url_for("batch.issue_approved", campaign=campaign.id),
                        button=f"确认批量出具 {len(ids) - len(refused)} 份", back_url=url_for("reports.tables", campaign=campaign.id),
                        danger=True)
    if page is not None:
        return page
    return start("reports.issue", {"campaign_id": campaign.id, "version_ids": ids}, f"批量出具报告 {len(ids)} 份",
                 campaign.id)
