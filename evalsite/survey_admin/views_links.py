"""Links: create, schedule, close/reopen, rotate; QR codes, posters and ballot sheets."""
from __future__ import annotations

import io

import segno
from flask import abort, flash, redirect, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit, confirm
from ..access import enterprise_or_403, roles_required, scope_enterprises
from ..db import db
from ..models import Enterprise
from ..survey_data import store as svc
from ..survey_data.printing import ballots_pdf, poster_pdf
from .blueprint import bp
from .forms import ActionForm, BallotForm, LinkSettingsForm
from .views_surveys import MANAGERS, campaign_or_404, link_or_404, runs_link


def _link_token(link) -> str:
    return confirm.fingerprint("survey_link", link.id, link.status, link.token, link.opens_on, link.closes_on,
                               link.daily_cap)


def _link_subject(link) -> str:
    return f"{link.enterprise.name} · {link.audience_label}链接"


def _back(link):
    return redirect(url_for(".enterprise", enterprise_id=link.enterprise_id, campaign=link.campaign_id))


@bp.post("/enterprises/<int:enterprise_id>/links")
@roles_required(*MANAGERS)
def create_links(enterprise_id: int):
    campaign = campaign_or_404()
    ent = enterprise_or_403(enterprise_id, campaign.id)
    audiences = [a for a in svc.AUDIENCE_CODES if runs_link(current_user, ent, a)]
    if not audiences:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    made = svc.ensure_links(db.session, campaign, [ent.id], audiences)
    audit.record("survey.links", "enterprise", ent.id, f"生成问卷链接 {made} 个")
    flash(f"已生成 {made} 个问卷链接。" if made else "问卷链接已存在。", "success")
    return redirect(url_for(".enterprise", enterprise_id=ent.id, campaign=campaign.id))


@bp.post("/links/bulk")
@roles_required("city_admin", "district_admin")
def bulk_links():
    """Links for every enrolled enterprise the administrator may see."""
    campaign = campaign_or_404()
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = db.session.scalars(scope_enterprises(select(Enterprise.id), current_user, campaign.id)
                             .where(Enterprise.id.in_(svc.enrolled_ids(db.session, campaign.id)))).all()
    made = svc.ensure_links(db.session, campaign, ids)
    audit.record("survey.links_bulk", "campaign", campaign.id, f"批量生成问卷链接 {made} 个")
    flash(f"已为 {len(ids)} 家参加企业补齐链接，新生成 {made} 个。", "success")
    return redirect(url_for(".overview", campaign=campaign.id))


@bp.post("/links/<int:link_id>/settings")
@roles_required(*MANAGERS)
def link_settings(link_id: int):
    link = link_or_404(link_id)
    if link.status == "rotated":
        abort(409)
    form = LinkSettingsForm()
    if not form.validate_on_submit():
        errors = "；".join(e for errs in form.errors.values() for e in errs)
        flash(f"未保存：{errors}", "error")
        return _back(link), 303
    if form.status.data == "closed" and link.status != "closed":  # confirm, then act (issue 11)
        page = confirm.gate(_link_token(link), title="关闭问卷链接", subject=_link_subject(link),
                            consequences=["此链接立即停止收集答卷，扫码或打开链接将看到“问卷已关闭”。",
                                          "已收到的答卷全部保留；之后可以重新开放。"],
                            action_url=url_for(".link_settings", link_id=link.id), button="确认关闭链接",
                            back_url=_back(link).location, hidden={k: request.form.get(k, "") for k in (
                                "status", "opens_on", "closes_on", "daily_cap")})
        if page is not None:
            return page
    link.status, link.opens_on, link.closes_on, link.daily_cap = (form.status.data, form.opens_on.data,
                                                                  form.closes_on.data, form.daily_cap.data)
    audit.record("survey.link_settings", "survey_link", link.id, f"问卷链接设为{link.status_label}",
                 {"opens_on": str(link.opens_on), "closes_on": str(link.closes_on), "daily_cap": link.daily_cap})
    flash("链接设置已保存。", "success")
    return _back(link)


@bp.post("/links/<int:link_id>/rotate")
@roles_required(*MANAGERS)
def rotate_link(link_id: int):
    link = link_or_404(link_id)
    if link.status == "rotated":
        abort(409)
    if not ActionForm().validate_on_submit():
        abort(400)
    page = confirm.gate(_link_token(link), title="更换问卷链接", subject=_link_subject(link),
                        consequences=["旧链接、旧二维码和已张贴的旧海报立即失效，不能恢复。",
                                      "生成新链接：请下载新海报并重新张贴。", "已收到的答卷不受影响。"],
                        action_url=url_for(".rotate_link", link_id=link.id), button="确认更换链接",
                        back_url=_back(link).location, danger=True)
    if page is not None:
        return page
    fresh = svc.rotate(db.session, link)
    audit.record("survey.rotate", "survey_link", link.id, f"更换问卷链接（新链接 {fresh.id}）")
    flash("已更换链接：旧链接和旧海报立即失效，请下载并张贴新海报。", "success")
    return _back(link)


def _qr(link):
    return segno.make(svc.public_url(link.token), error="q")


@bp.get("/links/<int:link_id>/qr.png")
@roles_required(*MANAGERS)
def qr_png(link_id: int):
    buf = io.BytesIO()
    _qr(link_or_404(link_id)).save(buf, kind="png", scale=10, border=4)
    buf.seek(0)
    return send_file(buf, mimetype="image/png", download_name=f"survey-{link_id}.png")


@bp.get("/links/<int:link_id>/qr.svg")
@roles_required(*MANAGERS)
def qr_svg(link_id: int):
    buf = io.BytesIO()
    _qr(link_or_404(link_id)).save(buf, kind="svg", scale=10, border=4, xmldecl=True)
    buf.seek(0)
    return send_file(buf, mimetype="image/svg+xml", download_name=f"survey-{link_id}.svg")


@bp.get("/links/<int:link_id>/poster.pdf")
@roles_required(*MANAGERS)
def poster(link_id: int):
    link = link_or_404(link_id)
    pdf = poster_pdf(link)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"poster-{link.audience}-{link_id}.pdf")


@bp.post("/links/<int:link_id>/ballots")
@roles_required(*MANAGERS)
def ballots(link_id: int):
    """Issue N new one-time codes and return their sheet; the codes are not kept in clear."""
    link = link_or_404(link_id)
    if link.status == "rotated":
        abort(409)
    form = BallotForm()
    if not form.validate_on_submit():
        flash("；".join(e for errs in form.errors.values() for e in errs) or "请求无效", "error")
        return _back(link), 303
    codes = svc.issue_ballots(db.session, link, form.count.data)
    pdf = ballots_pdf(link, codes)
    audit.record("survey.ballots", "survey_link", link.id, f"生成一次性作答码 {len(codes)} 个")
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"ballots-{link_id}.pdf")
