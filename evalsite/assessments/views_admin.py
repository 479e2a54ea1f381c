"""Administrators: evaluator assignments (scoped to their district) and the analysis page."""
from __future__ import annotations

from types import SimpleNamespace

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from .. import svg
from ..access import admin_required, can_edit_enterprise, scope_enterprises
from ..db import db
from ..inputs import form_int, query_int
from ..errors import abort_zh
from ..models import (Assessment, ConflictDeclaration, Enrolment, Enterprise, EvaluationResult,
                      EvaluatorAssignment, ReportingUnit, User)
from . import service
from .blueprint import bp
from .analysis import district_analysis
from .common import campaign_or_404

PAGE_SIZE = 50


def _unit_filter():
    """District admins see their unit; the city may choose one (?unit=ID) or all."""
    if current_user.role == "district_admin":
        return current_user.unit_id
    return query_int("unit", label="区市")


def _units():
    if current_user.role != "city_admin":
        return []
    return db.session.scalars(select(ReportingUnit).order_by(ReportingUnit.sort_order, ReportingUnit.id)).all()


@bp.get("/assignments")
@admin_required
def assignments():
    campaign = campaign_or_404()
    stmt = scope_enterprises(select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id).where(
        Enrolment.campaign_id == campaign.id), current_user)
    unit_id = _unit_filter()
    if unit_id:
        stmt = stmt.where(Enterprise.unit_id == unit_id)
    q = (request.args.get("q") or "").strip()
    if q:
        stmt = stmt.where(Enterprise.name.contains(q))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    page_no = query_int("page", 1, label="页码")
    ents = db.session.scalars(stmt.order_by(Enterprise.name).offset((page_no - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    ids = [e.id for e in ents]
    assigned = db.session.execute(select(EvaluatorAssignment, User).join(
        User, User.id == EvaluatorAssignment.evaluator_id).where(
        EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.enterprise_id.in_(ids))).all()
    assessments = db.session.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id,
                                                              Assessment.enterprise_id.in_(ids))).all()
    results = {r.enterprise_id: r for r in db.session.scalars(select(EvaluationResult).where(
        EvaluationResult.campaign_id == campaign.id, EvaluationResult.enterprise_id.in_(ids)))}
    conflicts = {(c.evaluator_id, c.enterprise_id) for c in db.session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.enterprise_id.in_(ids)))}
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = SimpleNamespace(page=page_no, pages=pages, total=total, has_prev=page_no > 1, has_next=page_no < pages)
    return render_template("assessments/assignments.html", campaign=campaign, ents=ents, page=page,
                           assigned=assigned, assessments=assessments, results=results, conflicts=conflicts,
                           evaluators=service.assignable_evaluators(db.session, current_user), units=_units(),
                           unit_id=unit_id, q=q, error=request.args.get("error"))


@bp.post("/assignments")
@admin_required
def assign():
    campaign = campaign_or_404()
    ent = db.session.get(Enterprise, form_int("enterprise_id", 0, minimum=0, label="企业") or 0)
    evaluator = db.session.get(User, form_int("evaluator_id", 0, minimum=0, label="评估员") or 0)
    if ent is None:
        abort_zh(400, "请选择企业。")
    if not can_edit_enterprise(current_user, ent):
        abort(403)
    if evaluator is None:
        abort_zh(400, "请选择评估员。")
    service.assign(db.session, campaign, ent, evaluator, current_user)
    flash(f"已将 {ent.name} 分配给评估员 {evaluator.display_name}。", "success")
    return redirect(request.form.get("back") or url_for(".assignments"))


@bp.post("/assignments/<int:assignment_id>/delete")
@admin_required
def unassign(assignment_id):
    row = db.session.get(EvaluatorAssignment, assignment_id)
    if row is None:
        abort(404)
    if not can_edit_enterprise(current_user, row.enterprise):
        abort(403)
    service.unassign(db.session, row, current_user)
    flash("已取消分配。", "success")
    return redirect(url_for(".assignments"))


@bp.get("/analysis")
@admin_required
def analysis():
    campaign = campaign_or_404()
    unit_id = _unit_filter()
    data = district_analysis(db.session, campaign, unit_id)
    charts = dict(
        grades=svg.bar_chart([g for g, _ in data["grades"]], [n for _, n in data["grades"]], title="等级分布",
                             y_label="企业数"),
        scatter=svg.scatter([(s, e) for s, e, _ in data["pairs"]], title="自评与外部评估（A–D 维度）",
                            x_label="自评得分", y_label="外部评估得分", lo=0, hi=data["assess_max"],
                            labels=[name for _, _, name in data["pairs"]]),
    )
    unit = db.session.get(ReportingUnit, unit_id) if unit_id else None
    return render_template("assessments/analysis.html", campaign=campaign, data=data, charts=charts,
                           units=_units(), unit=unit, unit_id=unit_id)
