"""Administrators: evaluator assignments (scoped to their district) and the analysis page."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import svg
from ..access import admin_required, can_edit_enterprise
from ..db import db
from ..inputs import form_int, query_int
from ..errors import abort_zh
from ..models import Assessment, ConflictDeclaration, Enterprise, EvaluatorAssignment, ReportingUnit, User
from . import service
from .blueprint import bp
from .analysis import district_analysis
from .common import campaign_or_404
from .lists import ASSIGNMENTS, assignment_select


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
    lq = ASSIGNMENTS.parse()
    stmt = ASSIGNMENTS.apply(assignment_select(current_user, campaign.id), lq)
    if lq.export:
        return ASSIGNMENTS.xlsx_response(stmt, scalars=False)
    rows, page = ASSIGNMENTS.page(stmt, lq, scalars=False)
    ids = [row[0].id for row in rows]
    assigned = db.session.execute(select(EvaluatorAssignment, User).join(
        User, User.id == EvaluatorAssignment.evaluator_id).where(
        EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.enterprise_id.in_(ids))).all()
    assessments = db.session.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id,
                                                              Assessment.enterprise_id.in_(ids))).all()
    conflicts = {(c.evaluator_id, c.enterprise_id) for c in db.session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.enterprise_id.in_(ids)))}
    return render_template("assessments/assignments.html", campaign=campaign, rows=rows, page=page, lst=ASSIGNMENTS,
                           lq=lq, assigned=assigned, assessments=assessments, conflicts=conflicts,
                           evaluators=service.assignable_evaluators(db.session, current_user),
                           error=request.args.get("error"))


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
