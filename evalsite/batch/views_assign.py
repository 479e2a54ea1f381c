"""Bulk evaluator assignment: choose district or industry and evaluators, preview the balanced plan, confirm.

The preview is the confirmation page (``evalsite.confirm`` fingerprint of the
plan): a plan that changed meanwhile (someone assigned, an evaluator declared a
conflict) is a 409 and nothing is queued.
"""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import confirm
from ..access import admin_required
from ..assessments import service
from ..campaign_context import campaign_or_404
from ..db import db
from ..errors import abort_zh
from ..inputs import form_int
from ..models import Enterprise, Industry, ReportingUnit, User
from . import assign_plan
from .assign_plan import CONFLICT_ALL
from .blueprint import bp
from .starting import start

MAX_EVALUATORS = 200


def _choices():
    units = (db.session.scalars(select(ReportingUnit).order_by(ReportingUnit.sort_order, ReportingUnit.id)).all()
             if current_user.role == "city_admin" else [])
    industries = db.session.scalars(select(Industry).order_by(Industry.name)).all()
    return units, industries, service.assignable_evaluators(db.session, current_user)


def _form(campaign, status=200, **ctx):
    units, industries, evaluators = _choices()
    values = dict(unit=request.values.get("unit", ""), industry=request.values.get("industry", ""),
                  evaluators=set(request.form.getlist("evaluator")),
                  only_unassigned=request.method == "GET" or request.form.get("only_unassigned") == "1")
    return render_template("batch/assign.html", campaign=campaign, units=units, industries=industries,
                           evaluators=evaluators, values=values, **ctx), status


def _read():
    """((unit id, industry id, evaluator ids, only unassigned), None) from the form, or (None, the error)."""
    unit_id = form_int("unit", 0, minimum=0, label="区市") or None
    industry_id = form_int("industry", 0, minimum=0, label="行业") or None
    if current_user.role == "district_admin":
        if unit_id and unit_id != current_user.unit_id:
            abort(403)
        unit_id = current_user.unit_id
    if unit_id and db.session.get(ReportingUnit, unit_id) is None:
        return None, "所选区市不存在。"
    if industry_id and db.session.get(Industry, industry_id) is None:
        return None, "所选行业不存在。"
    raw = request.form.getlist("evaluator")
    if not raw:
        return None, "请至少选择一位评估员。"
    try:
        ids = list(dict.fromkeys(int(r) for r in raw))
    except ValueError:
        return None, "所选评估员无效，请重新选择。"
    if len(ids) > MAX_EVALUATORS:
        return None, f"一次最多选择 {MAX_EVALUATORS} 位评估员。"
    allowed = {u.id for u in service.assignable_evaluators(db.session, current_user)}
    if any(i not in allowed for i in ids):
        return None, "只能选择本区或市级的评估员。"
    return (unit_id, industry_id, ids, request.form.get("only_unassigned") == "1"), None


@bp.get("/assign")
@admin_required
def assign_form():
    return _form(campaign_or_404())


@bp.post("/assign")
@admin_required
def assign():
    campaign = campaign_or_404()
    read, error = _read()
    if error:
        return _form(campaign, 400, error=error)
    unit_id, industry_id, evaluator_ids, only_unassigned = read
    ents = assign_plan.candidates(db.session, current_user, campaign.id, unit_id, industry_id, only_unassigned)
    if not ents:
        return _form(campaign, 409, error="按所选区市、行业，没有需要分配的参加企业。")
    plan = assign_plan.make_plan(db.session, campaign.id, ents, evaluator_ids)
    token = confirm.fingerprint("assign", current_user.id, campaign.id, plan.pairs, plan.unassignable)
    if confirm.confirmed(token):  # 409 when the plan changed since the preview
        if not plan.pairs:
            abort_zh(409, CONFLICT_ALL)
        params = {"campaign_id": campaign.id, "pairs": plan.pairs, "unit_id": unit_id, "industry_id": industry_id}
        return start("assess.assign", params, f"批量分配评估员 {len(plan.pairs)} 家", campaign.id,
                     total=len(plan.pairs))
    names = {e.id: e for e in ents}
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(evaluator_ids)))}
    rows = [(names[e], people[v]) for e, v in plan.pairs]
    return _form(campaign, token=token, rows=rows, unassignable=[names[e] for e in plan.unassignable],
                 load=[(people[v], n) for v, n in plan.load.items()], conflict_all=CONFLICT_ALL,
                 action=url_for("batch.assign", campaign=campaign.id))
