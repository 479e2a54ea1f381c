"""Enterprise workspace: the self-assessment by dimension, evidence, confirmation,
answers to evidence requests; plus the evidence download and the result page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import confirm
from ..access import can_edit_enterprise, can_view_enterprise, roles_required
from ..db import db
from ..domain_errors import Invalid
from ..errors import abort_zh, field_errors
from ..models import Assessment, DetectedProblem, EvaluationResult, Evidence, EvidenceRequest, VetoEvent
from . import results as evaluation
from .. import review_history as history
from ..timefmt import local_today
from .evidence import UploadRejected, send_stored, store_upload
from . import service
from .blueprint import bp
from .common import campaign_or_404, own_enterprise, render_with, visible_enterprise

enterprise_required = roles_required("enterprise")


def _first_incomplete(system, missing) -> str | None:
    """The first part that still has an indicator without a level (what “继续填写” opens)."""
    todo = set(missing)
    return next((d.code for d in system.dimensions if d.source != "survey" and
                 any(i.code in todo for i in d.indicators)), None)


def _context(campaign, ent, assessment, system, **extra):
    if "missing" in extra:
        extra["resume"] = _first_incomplete(system, extra["missing"])
        extra["dims_of"] = {i.code: d.code for d in system.dimensions for i in d.indicators}
        extra["today"] = local_today()
    return dict(campaign=campaign, ent=ent, assessment=assessment, system=system,
                evidence=service.evidence_for(db.session, campaign, ent),
                requests=service.requests_for(db.session, campaign, ent), **_review_context(assessment), **extra)


@bp.get("/self")
@enterprise_required
def self_workspace():
    """Overview: progress per dimension, submission, confirmations, evidence requests."""
    campaign, ent = campaign_or_404(), own_enterprise()
    system = evaluation.system_for(db.session, campaign, pin=False)
    assessment = service.find_assessment(db.session, campaign, ent)
    missing = service.missing_indicators(system, assessment) if assessment else [i.code for i in system.assessable]
    return render_template("assessments/self_overview.html", enrolled=service.is_enrolled(db.session, campaign, ent),
                           **_context(campaign, ent, assessment, system, missing=missing))


def _review_context(assessment) -> dict:
    """The reason of a return still to be acted on, and the review history."""
    if assessment is None:
        return dict(returned=None, history=[])
    returned = None if assessment.submitted else history.last_return(db.session, "assessment", assessment.id)
    return dict(returned=returned, history=history.history_rows(db.session, "assessment", assessment.id))


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
    except Invalid as exc:
        db.session.rollback()  # the page shows what is stored, with what was typed
        return _section_page(campaign, ent, assessment, system, dim, exc.status, form=request.form,
                             errors=field_errors(exc))
    service.save_section(db.session, assessment, system, dim, data, current_user)
    # commit in steps: the typed answers are kept even when a file below is refused (the 400/413 re-render)
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
            db.session.commit()  # each accepted file is kept with its row, whatever happens to the next one
    flash(f"已保存第 {dim} 部分（草稿）。", "success")
    following = request.form.get("go")
    if following and following in {d.code for d in system.dimensions}:
        return redirect(url_for(".self_section", dim=following))
    return redirect(url_for(".self_section", dim=dim))


@bp.route("/self/submit", methods=["GET", "POST"])
@enterprise_required
def self_submit():
    """Submit and lock, after a confirmation page saying what locking means."""
    campaign, ent = campaign_or_404(), own_enterprise()
    system = evaluation.system_for(db.session, campaign)
    assessment = service.find_assessment(db.session, campaign, ent)
    if assessment is None:
        abort_zh(400, "尚未填写自评，不能提交。")
    if assessment.submitted:
        abort_zh(409, service.LOCKED_SELF)
    missing = service.missing_indicators(system, assessment)
    if missing:
        return render_with("assessments/self_overview.html", 400, enrolled=True,
                           error=f"以下指标尚未评分，不能提交：{'、'.join(missing)}",
                           **_context(campaign, ent, assessment, system, missing=missing))
    total = sum(i.points or 0 for i in assessment.items if i.level)
    page = confirm.gate(service.state_token(assessment), title="提交自评（提交后锁定）",
                        subject=f"{ent.name} · {campaign.name} · 自评合计 {total:g} 分",
                        consequences=["自评提交后锁定，不能再修改评分、说明或上传材料（补充材料请求仍可答复）。",
                                      "职工方和企业方须分别登录确认自评。",
                                      "评估结果按已提交的自评重新计算。",
                                      "如确需更正，须由区级管理员退回并说明原因。"],
                        action_url=url_for(".self_submit"), button="确认提交并锁定",
                        back_url=url_for(".self_workspace"))
    if page is not None:
        return page
    service.submit(db.session, assessment, system, current_user)
    flash("自评已提交并锁定，请职工方和企业方分别确认。", "success")
    return redirect(url_for(".self_workspace"))


@bp.post("/self/confirm")
@enterprise_required
def self_confirm():
    campaign, ent = campaign_or_404(), own_enterprise()
    assessment = service.find_assessment(db.session, campaign, ent)
    if assessment is None:
        abort_zh(409, "尚未填写自评。")
    service.confirm(db.session, assessment, current_user)
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
        stored = store_upload(upload)  # UploadRejected: the error page with its 400 or 413
        from ..models import Campaign

        service.add_evidence(db.session, db.session.get(Campaign, req.campaign_id), current_user.enterprise,
                             req.indicator, stored, current_user, request=req)
    service.answer_request(db.session, req, answer, current_user)
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
    return send_stored(ev)


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

    staff = current_user.role != "enterprise"
    assessments = db.session.scalars(select(Assessment).where(
        Assessment.campaign_id == campaign.id, Assessment.enterprise_id == ent.id)
        .order_by(Assessment.kind.desc(), Assessment.id)).all() if staff else []
    return render_template("assessments/result.html", campaign=campaign, ent=ent, stored=stored,
                           assessments=assessments, may_return=current_user.role in ("city_admin", "district_admin")
                           and can_edit_enterprise(current_user, ent),
                           data=stored.breakdown if stored else None, problems=problems, vetoes=vetoes,
                           veto_form=VetoForm() if can_edit_enterprise(current_user, ent) else None)
