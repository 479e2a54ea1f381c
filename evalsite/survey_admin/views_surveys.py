"""Overview and monitoring, enterprise pages, definitions (upload, preview, pin)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from surveys import DefinitionError

from .. import audit
from ..access import city_admin_required, enterprise_or_403, roles_required, scope_enterprises, visible_enterprise_ids
from ..campaign_context import campaign_or_404
from ..db import db
from ..inputs import query_int
from ..models import Campaign, Enterprise, SurveyDefinition, SurveyLink
from ..survey_data import aggregates
from ..survey_data import disclosure as policy
from ..survey_data import releases
from ..survey_data import results
from ..survey_data import store as svc
from ..survey_site.pages import build_page, raw_answers
from .blueprint import bp
from .forms import ActionForm, BallotForm, LinkSettingsForm, UploadForm
from .lists import MONITOR

MANAGERS = ("city_admin", "district_admin", "enterprise")
VIEWERS = MANAGERS + ("evaluator",)


can_manage = policy.can_manage  # the link permissions live with the disclosure policy (the hub asks them too)
runs_link = policy.runs_link


def link_or_404(link_id: int) -> SurveyLink:
    """The link, when the account may run it: 404 unknown, 403 another enterprise or the other side's link."""
    link = db.session.get(SurveyLink, link_id)
    if link is None:
        abort(404)
    enterprise = enterprise_or_403(link.enterprise_id, link.campaign_id)
    if not can_manage(current_user, enterprise):
        abort(403)
    policy.require_for(current_user, link.audience, "run_link")
    return link


@bp.get("/")
@roles_required(*MANAGERS)
def overview():
    campaign = campaign_or_404()
    if current_user.role == "enterprise":
        return redirect(url_for(".enterprise", enterprise_id=current_user.enterprise_id, campaign=campaign.id))
    for audience in svc.AUDIENCE_CODES:
        policy.require_for(current_user, audience, "totals")
    ids = None if current_user.role == "city_admin" else visible_enterprise_ids(current_user, campaign.id)
    counts = svc.response_counts(db.session, campaign.id, ids)  # the response counters
    if releases.refresh(db.session, campaign.id, counts, ids):
        db.session.rollback()  # a new read, to see the releases just made
    rows = results.monitor(db.session, campaign, scope_enterprises(select(Enterprise), current_user, campaign.id),
                           counts)
    lq = MONITOR.parse()
    listed = MONITOR.apply_rows(rows, lq)
    if lq.export:
        return MONITOR.xlsx_response(listed)
    page_rows, page = MONITOR.page(listed, lq)
    scope = aggregates.scope_summary(db.session, campaign, counts, ids, policy.grants_for(current_user))
    definitions = {a: svc.pinned_definition(db.session, campaign, a) for a in svc.AUDIENCE_CODES}
    return render_template("survey_admin/overview.html", campaign=campaign, rows=page_rows, page=page,
                           units=results.group_totals(rows), lst=MONITOR, lq=lq,
                           scope=scope, definitions=definitions, form=ActionForm(campaign_id=campaign.id),
                           campaigns=db.session.scalars(select(Campaign).order_by(Campaign.id.desc())).all())


@bp.get("/enterprises/<int:enterprise_id>")
@roles_required(*VIEWERS)
def enterprise(enterprise_id: int):
    campaign = campaign_or_404()
    ent = enterprise_or_403(enterprise_id, campaign.id)
    runs = [a for a in svc.AUDIENCE_CODES if runs_link(current_user, ent, a)]
    manage = bool(runs)
    links = [svc.current_link(db.session, campaign.id, ent.id, a) for a in runs]
    counts = svc.response_counts(db.session, campaign.id, [ent.id])
    if releases.refresh(db.session, campaign.id, counts, [ent.id]):
        db.session.rollback()  # a new read, to see the releases just made
    rows = results.monitor(db.session, campaign, select(Enterprise).where(Enterprise.id == ent.id), counts)
    grants = policy.grants_for(current_user)
    scope = aggregates.enterprise_summary(db.session, campaign, ent.id, grants, counts)
    return render_template("survey_admin/enterprise.html", campaign=campaign, enterprise=ent, manage=manage,
                           links=[lk for lk in links if lk], missing_links=any(lk is None for lk in links),
                           row=rows[0] if rows else None, scope=scope, grants=grants,
                           form=ActionForm(campaign_id=campaign.id), settings_form=LinkSettingsForm,
                           ballot_form=BallotForm(), public_url=svc.public_url)


@bp.get("/definitions")
@city_admin_required
def definitions(form=None, error=None, status=200):
    campaign = campaign_or_404()
    rows = db.session.scalars(select(SurveyDefinition).order_by(SurveyDefinition.uploaded_at.desc())).all()
    pinned = {svc.pinned_hash(campaign, a) for a in svc.AUDIENCE_CODES}
    return render_template("survey_admin/definitions.html", campaign=campaign, rows=rows, pinned=pinned,
                           form=form or UploadForm(campaign_id=campaign.id), action=ActionForm(campaign_id=campaign.id),
                           error=error), status


@bp.post("/definitions/defaults")
@city_admin_required
def pin_defaults():
    campaign = campaign_or_404()
    if not ActionForm().validate_on_submit():
        abort(400)
    pinned = svc.pin_defaults(db.session, campaign, current_user.id)
    audit.record("survey.pin_defaults", "campaign", campaign.id, f"{campaign.code} 采用默认问卷",
                 {d.audience: d.hash for d in pinned})
    flash("已将默认职工问卷和企业方问卷用于本行动。", "success")
    return redirect(url_for(".definitions", campaign=campaign.id))


@bp.post("/definitions/upload")
@city_admin_required
def upload_definition():
    campaign = campaign_or_404()
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    text, source = (form.text.data or ""), "粘贴内容"
    if upload and getattr(upload, "filename", ""):
        source = upload.filename[:100]
        try:
            text = upload.read(512 * 1024 + 1).decode("utf-8")
        except UnicodeDecodeError:
            return definitions(form, f"{source}：文件不是 UTF-8 编码", 400)
        if len(text) > 512 * 1024:
            return definitions(form, f"{source}：文件超过512KB", 413)
    if not text.strip():
        return definitions(form, "请选择文件或粘贴 YAML 内容", 400)
    try:
        definition = svc.store_definition(db.session, text, source, current_user.id)
    except DefinitionError as exc:
        return definitions(form, str(exc), 400)
    audit.record("survey.upload_definition", "survey_definition", definition.hash,
                 f"上传问卷 {definition.code} {definition.version}")
    flash(f"问卷 {definition.title}（{definition.version}）已校验并保存，请预览后再启用。", "success")
    return redirect(url_for(".preview", digest=definition.hash, campaign=campaign.id))


@bp.post("/definitions/<digest>/pin")
@city_admin_required
def pin_definition(digest: str):
    campaign = campaign_or_404()
    definition = svc.definition_by_hash(db.session, digest)
    if definition is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    svc.pin(campaign, definition)
    audit.record("survey.pin", "campaign", campaign.id, f"{campaign.code} 启用问卷 {definition.code} {definition.version}",
                 {"audience": definition.audience, "hash": definition.hash})
    flash("已启用。此前提交的答卷仍按其原问卷版本保存和统计。", "success")
    return redirect(url_for(".definitions", campaign=campaign.id))


@bp.get("/definitions/<digest>/preview")
@roles_required("city_admin", "district_admin")
def preview(digest: str):
    """The phone page exactly as respondents see it (navigation by GET, nothing stored)."""
    definition = svc.definition_by_hash(db.session, digest)
    if definition is None:
        abort(404)
    raw = raw_answers(definition, request.args)
    index = query_int("_sec", 0, minimum=0, label="分节") or 0
    index = index if index < len(definition.sections) else 0
    step = {"next": 1, "back": -1}.get(request.args.get("_nav", ""), 0)
    index = min(max(index + step, 0), len(definition.sections) - 1)
    link = SurveyLink(token="preview", audience=definition.audience, ballots_required=False)
    return render_template("survey_site/page.html", preview_action=url_for(".preview", digest=digest), link=link, definition=definition, key="preview",
                           page=build_page(definition, index, raw), csrf="", token=link.token, message=None,
                           total=len(definition.sections), ballot="")
