"""Report pages: list, enterprise page, draft → approve → issue, revoke, PDF."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..timefmt import local_today
from .. import audit, four_eyes
from ..access import enterprise_or_403, roles_required, scope_enterprises
from ..campaign_context import campaign_or_404
from ..db import db
from ..models import Enterprise, Report, ReportVersion
from ..downloads import send_stored_file
from . import workflow as svc
from .. import review_history as history
from .lists import REPORTS, reports_select
from .rectification import items_of
from .blueprint import bp
from .forms import ActionForm, RemarksForm, RevokeForm

STAFF = ("city_admin", "district_admin", "evaluator", "enterprise")




def version_or_404(version_id: int) -> ReportVersion:
    """The version if the user may see its enterprise; drafts are invisible to enterprises."""
    version = db.session.get(ReportVersion, version_id)
    if version is None:
        abort(404)
    enterprise_or_403(version.report.enterprise_id, version.report.campaign_id)
    if current_user.role == "enterprise" and not version.is_frozen:
        abort(404)
    return version


@bp.get("/")
@roles_required(*STAFF)
def index():
    campaign = campaign_or_404()
    lq = REPORTS.parse()
    stmt = REPORTS.apply(reports_select(current_user, campaign.id), lq)
    if lq.export:
        return REPORTS.xlsx_response(stmt, scalars=False)
    rows, page = REPORTS.page(stmt, lq, scalars=False)
    ents = []
    if current_user.role != "enterprise":
        ents = db.session.scalars(scope_enterprises(select(Enterprise), current_user, campaign.id)
                                  .where(~Enterprise.id.in_(select(Report.enterprise_id).where(
                                      Report.campaign_id == campaign.id, Report.kind == "evaluation")))
                                  .order_by(Enterprise.name).limit(200)).all()
    return render_template("reports/index.html", campaign=campaign, rows=rows, page=page, lst=REPORTS, lq=lq,
                           ents=ents, form=ActionForm())


@bp.get("/enterprise/<int:ent_id>")
@roles_required(*STAFF)
def enterprise(ent_id):
    campaign = campaign_or_404()
    ent = enterprise_or_403(ent_id, campaign.id)
    reports = db.session.scalars(select(Report).where(Report.campaign_id == campaign.id,
                                                      Report.enterprise_id == ent.id).order_by(Report.kind.desc())).all()
    evaluation = next((r for r in reports if r.kind == "evaluation"), None)
    items = items_of(db.session, evaluation) if evaluation else []
    if current_user.role == "enterprise" and evaluation and not svc.visible_versions(evaluation, current_user):
        items = []
    return render_template("reports/enterprise.html", campaign=campaign, ent=ent, reports=reports,
                           evaluation=evaluation, items=items, form=ActionForm(),
                           versions={r.id: svc.visible_versions(r, current_user) for r in reports},
                           may_draft=svc.can_draft(current_user, ent, campaign.id, db.session),
                           may_approve=svc.can_approve(current_user, ent),
                           all_accepted=bool(items) and all(i.status == "accepted" for i in items),
                           today=_today())


@bp.post("/enterprise/<int:ent_id>/draft")
@roles_required("city_admin", "district_admin", "evaluator")
def draft(ent_id):
    campaign = campaign_or_404()
    ent = enterprise_or_403(ent_id, campaign.id)
    if not svc.can_draft(current_user, ent, campaign.id, db.session):
        abort(403)
    before = _latest_status(campaign.id, ent.id)
    version = svc.draft_report(db.session, campaign, ent, current_user,
                               recompute=request.form.get("recompute") == "1")
    audit.record("report.draft", "report_version", version.id, f"{version.report.number} 第{version.version}版草稿")
    note = {"approved": "原已审核通过的版本内容已更新，审核已撤回，须重新审核后才能出具。",
            "returned": "已按退回意见重新生成，版本重新进入待审核。"}.get(before if version.version_refreshed else "", "")
    flash(f"已生成报告草稿 {version.report.number} 第{version.version}版。{note}", "success")
    return redirect(url_for("reports.version", version_id=version.id))


@bp.get("/versions/<int:version_id>")
@roles_required(*STAFF)
def version(version_id):
    return render_version_page(version_or_404(version_id))


def _latest_status(campaign_id: int, ent_id: int):
    report = db.session.scalar(select(Report).where(Report.campaign_id == campaign_id, Report.enterprise_id == ent_id,
                                                    Report.kind == "evaluation"))
    last = svc.latest_version(report) if report else None
    return last.status if last else None


def render_version_page(v: ReportVersion, status_code: int = 200, **forms):
    """The version page; ``forms`` replaces a form that failed validation (kept as typed)."""
    ent = v.report.enterprise
    ctx = dict(form=ActionForm(), remarks_form=RemarksForm(remarks=v.remarks), revoke_form=RevokeForm())
    ctx.update(forms)
    staff = current_user.role != "enterprise"  # the internal review stays internal
    ctx.update(history=history.history_rows(db.session, "report_version", v.id) if staff else [],
               returned=history.last_return(db.session, "report_version", v.id) if v.status == "returned" else None)
    return render_template("reports/version.html", v=v, report=v.report, ent=ent,
                           may_draft=svc.can_draft(current_user, ent, v.report.campaign_id, db.session),
                           may_approve=svc.can_approve(current_user, ent), four_eyes=four_eyes_state(v),
                           status=svc.verification_status(v), **ctx), status_code


def four_eyes_state(v: ReportVersion) -> dict:
    """Which of the next steps the current user may take under the four-eyes rule (for the buttons)."""
    return dict(approve=four_eyes.may_approve(v.drafted_by_id, current_user.id),
                issue=four_eyes.may_issue(v.approved_by_id, current_user.id))


def _managed_version(version_id: int, approve: bool) -> ReportVersion:
    v = version_or_404(version_id)
    ent = v.report.enterprise
    allowed = svc.can_approve(current_user, ent) if approve else \
        svc.can_draft(current_user, ent, v.report.campaign_id, db.session)
    if not allowed:
        abort(403)
    return v


@bp.get("/versions/<int:version_id>/pdf")
@roles_required(*STAFF)
def version_pdf(version_id):
    v = version_or_404(version_id)
    ent = v.report.enterprise
    if v.is_frozen and v.sha256 is not None:  # the issued bytes, from the file store
        return send_stored_file(v.sha256, f"{ent.credit_code}-{v.report.number}-v{v.version}.pdf", "application/pdf")
    data = svc.render_version(db.session, v, draft=not v.is_frozen)
    suffix = "" if v.is_frozen else "-草稿"
    return pdf_response(data, f"{ent.credit_code}-{v.report.number}-v{v.version}{suffix}.pdf")


@bp.post("/<int:report_id>/closing")
@roles_required("city_admin", "district_admin", "evaluator")
def closing(report_id):
    report = db.session.get(Report, report_id)
    if report is None or report.kind != "evaluation":
        abort(404)
    ent = enterprise_or_403(report.enterprise_id, report.campaign_id)
    if not svc.can_draft(current_user, ent, report.campaign_id, db.session):
        abort(403)
    from .rectification import draft_closing

    v = draft_closing(db.session, report, current_user)
    audit.record("report.closing_draft", "report_version", v.id, f"{v.report.number} 整改情况报告草稿")
    flash("已生成整改情况报告草稿，审核后出具。", "success")
    return redirect(url_for("reports.version", version_id=v.id))


def pdf_response(data: bytes, filename: str):
    from urllib.parse import quote

    from flask import Response

    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f"attachment; filename=report.pdf; filename*=UTF-8''{quote(filename)}"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


def _today():
    """Today in the configured zone, overridable in tests through app.config['TODAY']."""
    return local_today()

