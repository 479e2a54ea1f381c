"""Evaluator workspace: assigned enterprises, side-by-side scoring, evidence
requests, submission, and the declaration of conflicts of interest."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import confirm
from ..access import roles_required
from ..db import db
from ..domain_errors import Invalid
from ..errors import abort_zh, field_errors
from ..inputs import form_int
from ..models import ConflictDeclaration, Enrolment, Enterprise, EvaluatorAssignment
from . import results as evaluation
from .. import review_history as history
from ..timefmt import format_date, local_today
from . import evaluate_page, service
from .blueprint import bp
from .lists import MY_ENTERPRISES, STATES, evaluator_select
from .common import campaign_or_404, render_with

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
    lq = MY_ENTERPRISES.parse()
    stmt = MY_ENTERPRISES.apply(evaluator_select(current_user, campaign.id), lq)
    if lq.export:
        return MY_ENTERPRISES.xlsx_response(stmt, scalars=False)
    rows, page = MY_ENTERPRISES.page(stmt, lq, scalars=False)
    returned = {mine_id: history.last_return(db.session, "assessment", mine_id)
                for _, _, mine_status, mine_id in rows if mine_id and mine_status != "submitted"}
    return render_template("assessments/evaluator_home.html", campaign=campaign, rows=rows, page=page,
                           lst=MY_ENTERPRISES, lq=lq, returned=returned, states=dict(STATES))


def _page(campaign, ent, status=200, form=None, errors=None, req_form=None):
    system = evaluation.system_for(db.session, campaign, pin=False)
    own = service.find_assessment(db.session, campaign, ent)
    mine = service.find_assessment(db.session, campaign, ent, "external", current_user)
    checks = evaluation.procedure_checks_for(db.session, ent, campaign)
    dims = evaluate_page.dimensions(system, own, mine, form, {c.code: c.status for c in checks})
    requests = service.requests_for(db.session, campaign, ent)
    by_indicator: dict = {}
    for r in requests:
        by_indicator.setdefault(r.indicator, []).append(r)
    returned = history.last_return(db.session, "assessment", mine.id) if mine and not mine.submitted else None
    return render_with("assessments/evaluate.html", status, campaign=campaign, ent=ent, system=system,
                       own=own, mine=mine, dims=dims, checks=checks, form=form, errors=errors or {},
                       missing=service.missing_indicators(system, mine) if mine else
                       [i.code for i in system.assessable],
                       evidence=service.evidence_for(db.session, campaign, ent), requests=requests,
                       requests_by=by_indicator, req_form=req_form or {}, reply_days=service.reply_days(),
                       today=local_today(), returned=returned,
                       history=history.history_rows(db.session, "assessment", mine.id) if mine else [])


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
    form, copied, target = request.form, [], (request.form.get("agree") or "").strip()
    if target:  # “同意企业自评” (a submit button: works without JavaScript)
        own = service.find_assessment(db.session, campaign, ent)
        form, copied = evaluate_page.apply_agree(system, own, request.form, target)
        if not copied:
            db.session.rollback()
            return _page(campaign, ent, 409, form=request.form,
                         errors={"": "企业自评尚未提交或该项未评分，不能“同意企业自评”，请自行选择评分。"})
    parsed, errors = {}, {}
    for dim in dims:
        try:
            parsed[dim] = service.parse_section(system, dim, form)
        except Invalid as exc:
            errors.update(field_errors(exc))
    if errors:
        db.session.rollback()
        return _page(campaign, ent, 400, form=form, errors=errors)
    for dim in dims:
        service.save_section(db.session, mine, system, dim, parsed[dim], current_user)
    totals = "；".join(f"{d['dim'].code} {d['total']:g}/{d['dim'].points:g}分" for d in
                      evaluate_page.dimensions(system, None, mine, None, {}))
    if copied:
        flash(f"已按企业自评填入 {'、'.join(copied)}，草稿已保存。各维度合计：{totals}", "success")
        anchor = f"dim-{target[4:]}" if target.startswith("dim:") else f"ind-{target}"
        return redirect(url_for(".evaluate", enterprise_id=ent.id, _anchor=anchor))
    flash(f"外部评估草稿已保存。各维度合计：{totals}", "success")
    return redirect(url_for(".evaluate", enterprise_id=ent.id))


@bp.route("/evaluate/<int:enterprise_id>/submit", methods=["GET", "POST"])
@evaluator_required
def evaluate_submit(enterprise_id):
    """Submit and lock the external evaluation, after a confirmation page."""
    campaign = campaign_or_404()
    ent = _assigned_or_403(enterprise_id, campaign)
    system = evaluation.system_for(db.session, campaign)
    mine = service.find_assessment(db.session, campaign, ent, "external", current_user)
    if mine is None:
        abort_zh(400, "尚未评分，不能提交。")
    if mine.submitted:
        abort_zh(409, service.LOCKED_EXTERNAL)
    missing = service.missing_indicators(system, mine)
    if missing:
        return _page(campaign, ent, 400, errors={"": f"以下指标尚未评分，不能提交：{'、'.join(missing)}"})
    total = sum(i.points or 0 for i in mine.items if i.level)
    page = confirm.gate(service.state_token(mine), title="提交外部评估（提交后锁定）",
                        subject=f"{ent.name} · 外部评估合计 {total:g} 分",
                        consequences=["外部评估提交后锁定，不能再修改评分或说明。",
                                      "评估结果按自评与外部评估重新计算，可能产生问题和整改项。",
                                      "如确需更正，须由区级管理员退回并说明原因。"],
                        action_url=url_for(".evaluate_submit", enterprise_id=ent.id), button="确认提交并锁定",
                        back_url=url_for(".evaluate", enterprise_id=ent.id))
    if page is not None:
        return page
    try:
        service.submit(db.session, mine, system, current_user)
    except Invalid as exc:
        db.session.rollback()  # the page shows what is stored
        return _page(campaign, ent, exc.status, errors=field_errors(exc))
    flash("外部评估已提交。", "success")
    return redirect(url_for(".evaluator_home"))


@bp.post("/evaluate/<int:enterprise_id>/request")
@evaluator_required
def request_evidence(enterprise_id):
    campaign = campaign_or_404()
    ent = _assigned_or_403(enterprise_id, campaign)
    system = evaluation.system_for(db.session, campaign)
    indicator = request.form.get("indicator", "")
    try:
        req = service.request_evidence(db.session, campaign, ent, system, indicator, request.form.get("message", ""),
                                       current_user, days=request.form.get("days"), today=local_today())
    except Invalid as exc:
        db.session.rollback()
        errors = {f"req-{indicator}" if k != "indicator" else "req": v for k, v in field_errors(exc).items()}
        return _page(campaign, ent, exc.status, errors=errors, req_form=request.form)
    flash(f"已向企业发出 {req.indicator} 的补充材料请求，答复期限 {format_date(req.due_date)}。", "success")
    return redirect(url_for(".evaluate", enterprise_id=ent.id, _anchor=f"ind-{req.indicator}"))


def _conflict_scope(campaign):
    """The enterprises an evaluator may name in a declaration: enrolled in the campaign, in the
    evaluator's own district (all districts for an evaluator without one)."""
    stmt = select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id).where(
        Enrolment.campaign_id == campaign.id)
    if current_user.unit_id is not None:
        stmt = stmt.where(Enterprise.unit_id == current_user.unit_id)
    return stmt


def _conflict_candidates(campaign):
    stmt = _conflict_scope(campaign)
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
        ent_id = form_int("enterprise_id", 0, minimum=0, label="企业") or 0
        ent = db.session.scalar(_conflict_scope(campaign).where(Enterprise.id == ent_id)) if ent_id else None
        if ent is None and ent_id and db.session.get(Enterprise, ent_id) is not None:
            abort_zh(403, "只能对本区市参加本次行动的企业申报利益冲突，请从列表中选择。")
        if ent is None:  # not naming what the id belongs to either way
            errors, status = {"enterprise": "请从列表中选择企业。"}, 400
        else:
            try:
                service.declare_conflict(db.session, current_user, ent, request.form.get("reason", ""))
                flash(f"已申报与 {ent.name} 的利益冲突。", "success")
                return redirect(url_for(".conflicts"))
            except Invalid as exc:
                db.session.rollback()
                errors, status = field_errors(exc), exc.status
    declared = db.session.execute(select(ConflictDeclaration, Enterprise).join(
        Enterprise, Enterprise.id == ConflictDeclaration.enterprise_id).where(
        ConflictDeclaration.evaluator_id == current_user.id).order_by(ConflictDeclaration.id)).all()
    return render_with("assessments/conflicts.html", status, campaign=campaign, declared=declared,
                       candidates=_conflict_candidates(campaign), errors=errors, form=request.form)

