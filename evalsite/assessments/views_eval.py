"""Evaluator workspace: assigned enterprises, side-by-side scoring, evidence
requests, submission, and the declaration of conflicts of interest."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..db import db
from ..errors import abort_zh
from ..inputs import form_int
from ..models import ConflictDeclaration, Enrolment, Enterprise, EvaluatorAssignment
from ..services import evaluation
from . import bp, service
from .common import campaign_or_404, discrepant, render_with

evaluator_required = roles_required("evaluator")


def _assigned_or_403(enterprise_id, campaign):
    ent = db.session.get(Enterprise, enterprise_id)
    if ent is None:
        abort(404)
    row = db.session.scalar(select(EvaluatorAssignment.id).where(
        EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.enterprise_id == ent.id,
        EvaluatorAssignment.evaluator_id == current_user.id))
    if row is None:
        abort_zh(403, "该企业未分配给您，不能查看或评分。")
    return ent


@bp.get("/evaluator")
@evaluator_required
def evaluator_home():
    campaign = campaign_or_404()
    rows = db.session.execute(select(EvaluatorAssignment, Enterprise).join(
        Enterprise, Enterprise.id == EvaluatorAssignment.enterprise_id).where(
        EvaluatorAssignment.evaluator_id == current_user.id, EvaluatorAssignment.campaign_id == campaign.id
    ).order_by(Enterprise.name)).all()
    items = []
    for assignment, ent in rows:
        own = service.find_assessment(db.session, campaign, ent)
        mine = service.find_assessment(db.session, campaign, ent, "external", current_user)
        items.append(dict(ent=ent, self=own, mine=mine))
    return render_template("assessments/evaluator_home.html", campaign=campaign, items=items)


def _page(campaign, ent, status=200, form=None, errors=None):
    system = evaluation.system_for(db.session, campaign, pin=False)
    own = service.find_assessment(db.session, campaign, ent)
    mine = service.find_assessment(db.session, campaign, ent, "external", current_user)
    checks = evaluation.procedure_checks_for(db.session, ent, campaign)
    statuses = {c.code: c.status for c in checks}
    rows = []
    for ind in system.assessable:
        s_item, m_item = own.item(ind.code) if own else None, mine.item(ind.code) if mine else None
        s_pts = s_item.points if s_item and s_item.level and own.submitted else None
        m_pts = m_item.points if m_item and m_item.level else None
        rows.append(dict(ind=ind, self_item=s_item, mine=m_item, flag=discrepant(system, ind.code, s_pts, m_pts),
                         suggested=ind.rule.suggest(statuses) if ind.rule.kind == "procedure" else None))
    return render_with("assessments/evaluate.html", status, campaign=campaign, ent=ent, system=system,
                       own=own, mine=mine, rows=rows, checks=checks, form=form, errors=errors or {},
                       evidence=service.evidence_for(db.session, campaign, ent),
                       requests=service.requests_for(db.session, campaign, ent))


@bp.get("/evaluate/<int:enterprise_id>")
@evaluator_required
def evaluate(enterprise_id):
    campaign = campaign_or_404()
    return _page(campaign, _assigned_or_403(enterprise_id, campaign))


@bp.post("/evaluate/<int:enterprise_id>")
@evaluator_required
def evaluate_save(enterprise_id):
    campaign = campaign_or_404()
    ent = _assigned_or_403(enterprise_id, campaign)
    system = evaluation.system_for(db.session, campaign)
    mine = service.find_assessment(db.session, campaign, ent, "external", current_user, create=True)
    if mine.submitted:
        abort_zh(409, service.LOCKED_EXTERNAL)
    dims = [d.code for d in system.dimensions if d.source != "survey"]
    parsed, errors = {}, {}
    for dim in dims:
        try:
            parsed[dim] = service.parse_section(system, dim, request.form)
        except service.Invalid as exc:
            errors.update(exc.errors)
    if errors:
        db.session.rollback()
        return _page(campaign, ent, 400, form=request.form, errors=errors)
    for dim in dims:
        service.save_section(db.session, mine, system, dim, parsed[dim], current_user)
    db.session.commit()
    flash("外部评估草稿已保存。", "success")
    return redirect(url_for(".evaluate", enterprise_id=ent.id))


@bp.post("/evaluate/<int:enterprise_id>/submit")
@evaluator_required
def evaluate_submit(enterprise_id):
    campaign = campaign_or_404()
    ent = _assigned_or_403(enterprise_id, campaign)
    system = evaluation.system_for(db.session, campaign)
    mine = service.find_assessment(db.session, campaign, ent, "external", current_user)
    if mine is None:
        abort_zh(400, "尚未评分，不能提交。")
    try:
        service.submit(db.session, mine, system, current_user)
    except service.Locked as exc:
        abort_zh(409, str(exc))
    except service.Invalid as exc:
        db.session.rollback()
        return _page(campaign, ent, 400, errors=exc.errors)
    db.session.commit()
    flash("外部评估已提交。", "success")
    return redirect(url_for(".evaluator_home"))


@bp.post("/evaluate/<int:enterprise_id>/request")
@evaluator_required
def request_evidence(enterprise_id):
    campaign = campaign_or_404()
    ent = _assigned_or_403(enterprise_id, campaign)
    system = evaluation.system_for(db.session, campaign)
    try:
        service.request_evidence(db.session, campaign, ent, system, request.form.get("indicator", ""),
                                 request.form.get("message", ""), current_user)
    except service.Invalid as exc:
        db.session.rollback()
        return _page(campaign, ent, 400, errors=exc.errors)
    db.session.commit()
    flash("已向企业发出补充材料请求。", "success")
    return redirect(url_for(".evaluate", enterprise_id=ent.id))


def _conflict_candidates(campaign):
    stmt = select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id).where(
        Enrolment.campaign_id == campaign.id)
    if current_user.unit_id is not None:
        stmt = stmt.where(Enterprise.unit_id == current_user.unit_id)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(Enterprise.name.contains(q))
    return list(db.session.scalars(stmt.order_by(Enterprise.name).limit(300)))


@bp.route("/conflicts", methods=["GET", "POST"])
@evaluator_required
def conflicts():
    """Declare a conflict of interest with an enterprise; it blocks any assignment to it."""
    campaign = campaign_or_404()
    errors, status = {}, 200
    if request.method == "POST":
        ent = db.session.get(Enterprise, form_int("enterprise_id", 0, minimum=0, label="企业") or 0)
        if ent is None:
            errors, status = {"enterprise": "请选择企业。"}, 400
        else:
            try:
                service.declare_conflict(db.session, current_user, ent, request.form.get("reason", ""))
                db.session.commit()
                flash(f"已申报与 {ent.name} 的利益冲突。", "success")
                return redirect(url_for(".conflicts"))
            except service.Invalid as exc:
                db.session.rollback()
                errors, status = exc.errors, 400
    declared = db.session.execute(select(ConflictDeclaration, Enterprise).join(
        Enterprise, Enterprise.id == ConflictDeclaration.enterprise_id).where(
        ConflictDeclaration.evaluator_id == current_user.id).order_by(ConflictDeclaration.id)).all()
    return render_with("assessments/conflicts.html", status, campaign=campaign, declared=declared,
                       candidates=_conflict_candidates(campaign), errors=errors, form=request.form)

