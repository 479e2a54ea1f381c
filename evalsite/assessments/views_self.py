"""Enterprise workspace: the self-assessment by dimension, evidence, confirmation,
answers to evidence requests; plus the evidence download and the result page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..access import can_edit_enterprise, can_view_enterprise, roles_required
from ..db import db
from ..errors import abort_zh
from ..models import DetectedProblem, EvaluationResult, Evidence, EvidenceRequest, VetoEvent
from ..services import evaluation
from ..services.evidence import UploadRejected, send_stored, store_upload
from . import bp, service
from .common import campaign_or_404, own_enterprise, render_with, visible_enterprise

enterprise_required = roles_required("enterprise")


def _context(campaign, ent, assessment, system, **extra):
    return dict(campaign=campaign, ent=ent, assessment=assessment, system=system,
                evidence=service.evidence_for(db.session, campaign, ent),
                requests=service.requests_for(db.session, campaign, ent), **extra)


@bp.get("/self")
@enterprise_required
def self_workspace():
    """Overview: progress per dimension, submission, confirmations, evidence requests."""
    campaign, ent = campaign_or_404(), own_enterprise()
    system = evaluation.system_for(db.session, campaign, pin=False)
    assessment = service.find_assessment(db.session, campaign, ent)
    missing = service.missing_indicators(system, assessment) if assessment else [i.code for i in system.assessable]
    return render_template("assessments/self_overview.html", enrolled=service.is_enrolled(db.session, campaign, ent),
                           missing=missing, **_context(campaign, ent, assessment, system))


def _section_page(campaign, ent, assessment, system, dim, status=200, form=None, errors=None, message=None):
    indicators = service.dimension_indicators(system, dim)
    survey = None
    if dim in {d.code for d in system.dimensions if d.source == "survey"}:
        survey = evaluation.survey_inputs(db.session, campaign, ent)
    return render_with("assessments/self_section.html", status, dim=dim, indicators=indicators, survey=survey,
                       form=form, errors=errors or {}, message=message,
                       **_context(campaign, ent, assessment, system))


def _dim_or_404(system, dim, editable=False):
    codes = {d.code: d for d in system.dimensions}
    if dim not in codes or (editable and codes[dim].source == "survey"):
        abort(404)


@bp.get("/self/<dim>")
@enterprise_required
def self_section(dim):
    campaign, ent = campaign_or_404(), own_enterprise()
    system = evaluation.system_for(db.session, campaign, pin=False)
    _dim_or_404(system, dim)
    return _section_page(campaign, ent, service.find_assessment(db.session, campaign, ent), system, dim)


@bp.post("/self/<dim>")
@enterprise_required
def self_save(dim):
    """Save the section's draft first, then handle the files, so a bad file loses no text."""
    campaign, ent = campaign_or_404(), own_enterprise()
    system = evaluation.system_for(db.session, campaign)
    _dim_or_404(system, dim, editable=True)
    if not service.is_enrolled(db.session, campaign, ent):
        abort_zh(409, "本企业未参加本次行动，无需自评。")
    assessment = service.find_assessment(db.session, campaign, ent, create=True)
    if assessment.submitted:
        abort_zh(409, service.LOCKED_SELF)
    try:
        data = service.parse_section(system, dim, request.form)
    except service.Invalid as exc:
        db.session.rollback()
        return _section_page(campaign, ent, assessment, system, dim, 400, form=request.form, errors=exc.errors)
    service.save_section(db.session, assessment, system, dim, data, current_user)
    db.session.commit()
    for ind in service.dimension_indicators(system, dim):
        for upload in request.files.getlist(f"file_{ind.code}"):
            if not upload or not upload.filename:
                continue
            try:
                stored = store_upload(upload)
            except UploadRejected as exc:
                return _section_page(campaign, ent, assessment, system, dim, exc.status,
                                     errors={ind.code: exc.message}, message=exc.message)
            service.add_evidence(db.session, campaign, ent, ind.code, stored, current_user, assessment)
            db.session.commit()
    flash(f"已保存第 {dim} 部分（草稿）。", "success")
    following = request.form.get("go")
    if following and following in {d.code for d in system.dimensions}:
        return redirect(url_for(".self_section", dim=following))
    return redirect(url_for(".self_section", dim=dim))


@bp.post("/self/submit")
@enterprise_required
def self_submit():
    campaign, ent = campaign_or_404(), own_enterprise()
    system = evaluation.system_for(db.session, campaign)
    assessment = service.find_assessment(db.session, campaign, ent)
    if assessment is None:
        abort_zh(400, "尚未填写自评，不能提交。")
    try:
        service.submit(db.session, assessment, system, current_user)
    except service.Locked as exc:
        abort_zh(409, str(exc))
    except service.Invalid as exc:
        db.session.rollback()
        missing = service.missing_indicators(system, assessment)
        return render_with("assessments/self_overview.html", 400, enrolled=True, missing=missing,
                           error=str(exc), **_context(campaign, ent, assessment, system))
    db.session.commit()
    flash("自评已提交并锁定，请职工方和企业方分别确认。", "success")
    return redirect(url_for(".self_workspace"))


@bp.post("/self/confirm")
@enterprise_required
def self_confirm():
    campaign, ent = campaign_or_404(), own_enterprise()
    assessment = service.find_assessment(db.session, campaign, ent)
    if assessment is None:
        abort_zh(409, "尚未填写自评。")
    try:
        service.confirm(db.session, assessment, current_user)
    except service.Locked as exc:
        abort_zh(409, str(exc))
    except service.Invalid as exc:
        abort_zh(400, str(exc))
    db.session.commit()
    flash(f"{current_user.side_label}已确认自评。", "success")
    return redirect(url_for(".self_workspace"))


@bp.post("/self/requests/<int:request_id>")
@enterprise_required
def request_answer(request_id):
    """Answer an evaluator's request with a note and/or a file (allowed after submission)."""
    req = db.session.get(EvidenceRequest, request_id)
    if req is None or req.enterprise_id != current_user.enterprise_id:
        abort(404)
    upload = request.files.get("file")
    answer = request.form.get("answer", "")
    if not (upload and upload.filename) and not answer.strip():
        abort_zh(400, "请上传材料或填写说明。")
    if req.status != "open":
        abort_zh(409, "该补充材料请求已答复。")
    if upload and upload.filename:
        try:
            stored = store_upload(upload)
        except UploadRejected as exc:
            abort_zh(exc.status, exc.message)
        from ..models import Campaign

        service.add_evidence(db.session, db.session.get(Campaign, req.campaign_id), current_user.enterprise,
                             req.indicator, stored, current_user, request=req)
    service.answer_request(db.session, req, answer, current_user)
    db.session.commit()
    flash("已答复补充材料请求。", "success")
    return redirect(url_for(".self_workspace"))


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence_download(evidence_id):
    ev = db.session.get(Evidence, evidence_id)
    if ev is None:
        abort(404)
    if not can_view_enterprise(current_user, ev.enterprise, ev.campaign_id):
        abort(403)
    return send_stored(ev.stored_name, ev.filename, ev.content_type)


@bp.get("/result/<int:enterprise_id>")
@login_required
def result(enterprise_id):
    """Final score, grade, caps, the traced breakdown and the problems."""
    campaign = campaign_or_404()
    ent = visible_enterprise(enterprise_id, campaign.id if current_user.role == "evaluator" else None)
    stored = db.session.scalar(select(EvaluationResult).where(EvaluationResult.campaign_id == campaign.id,
                                                              EvaluationResult.enterprise_id == ent.id))
    problems = db.session.scalars(select(DetectedProblem).where(
        DetectedProblem.campaign_id == campaign.id, DetectedProblem.enterprise_id == ent.id,
        DetectedProblem.superseded.is_(False)).order_by(DetectedProblem.id)).all()
    vetoes = db.session.scalars(select(VetoEvent).where(VetoEvent.campaign_id == campaign.id,
                                                        VetoEvent.enterprise_id == ent.id)
                                .order_by(VetoEvent.occurred_on)).all()
    from .views_veto import VetoForm

    return render_template("assessments/result.html", campaign=campaign, ent=ent, stored=stored,
                           data=stored.breakdown if stored else None, problems=problems, vetoes=vetoes,
                           veto_form=VetoForm() if can_edit_enterprise(current_user, ent) else None)
