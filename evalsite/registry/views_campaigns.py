"""Campaigns: list, create/edit (city administrator), detail with enrolment (administrators in scope)."""
from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from ..access import admin_required, can_edit_enterprise, city_admin_required
from ..creditcode import validate as validate_code
from ..db import db
from ..models import Campaign, Enrolment, Enterprise
from . import enrolment, service
from .blueprint import bp
from .forms_admin import CampaignForm, EnrolForm
from .lists import ENROLMENTS


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _own_unit():
    """District administrators act on their unit only; the city on everything."""
    return (current_user.unit_id or -1) if current_user.role == "district_admin" else None


@bp.get("/campaigns")
@admin_required
def campaign_list():
    counts = select(Enrolment.campaign_id, func.count()).join(Enterprise).group_by(Enrolment.campaign_id)
    if _own_unit() is not None:
        counts = counts.where(Enterprise.unit_id == _own_unit())
    enrolled = dict(db.session.execute(counts).all())
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.start_date.desc(), Campaign.id.desc())).all()
    return render_template("registry/campaign_list.html", campaigns=campaigns, enrolled=enrolled)


def _save(form: CampaignForm, campaign: Campaign | None):
    if form.validate_on_submit():
        code = form.code.data.strip()
        clash = db.session.scalar(select(Campaign).where(Campaign.code == code))
        if clash is not None and clash is not campaign:
            form.code.errors.append(f"行动代码 {code} 已被“{clash.name}”使用")
        else:
            values = {
                "code": code, "name": form.name.data.strip(), "start_date": form.start_date.data,
                "end_date": form.end_date.data, "report_deadline": form.report_deadline.data,
                "target_establishment_rate": float(form.target_establishment_pct.data / Decimal(100)),
                "target_wage_rate": float(form.target_wage_pct.data / Decimal(100)),
                "min_headcount": form.min_headcount.data, "is_current": form.is_current.data,
                "description": (form.description.data or "").strip() or None,
            }
            saved = enrolment.save_campaign(db.session, campaign, values)
            flash("行动已保存。", "success")
            return redirect(url_for("registry.campaign_detail", campaign_id=saved.id))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/campaign_form.html", form=form, campaign=campaign), status


@bp.route("/campaigns/new", methods=["GET", "POST"])
@city_admin_required
def campaign_new():
    return _save(CampaignForm(), None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@city_admin_required
def campaign_edit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    form = CampaignForm(obj=campaign)
    if request.method == "GET":
        form.target_establishment_pct.data = Decimal(str(round(campaign.target_establishment_rate * 100, 2)))
        form.target_wage_pct.data = Decimal(str(round(campaign.target_wage_rate * 100, 2)))
    return _save(form, campaign)


def _detail(campaign: Campaign, enrol_form=None, status=200):
    stmt = select(Enrolment).join(Enterprise).where(Enrolment.campaign_id == campaign.id)
    if _own_unit() is not None:
        stmt = stmt.where(Enterprise.unit_id == _own_unit())
    lq = ENROLMENTS.parse()
    stmt = ENROLMENTS.apply(stmt, lq)
    if lq.export and status == 200:
        return ENROLMENTS.xlsx_response(stmt)
    rows, page = ENROLMENTS.page(stmt, lq)
    candidates = db.session.scalar(select(func.count()).select_from(
        enrolment.default_candidates(campaign, _own_unit()).subquery()))
    return render_template("registry/campaign_detail.html", campaign=campaign, rows=rows, page=page,
                           candidates=candidates, enrol_form=enrol_form or EnrolForm(formdata=None),
                           lst=ENROLMENTS, lq=lq,
                           can_edit=current_user.role == "city_admin"), status


@bp.get("/campaigns/<int:campaign_id>")
@admin_required
def campaign_detail(campaign_id: int):
    return _detail(_campaign_or_404(campaign_id))


@bp.post("/campaigns/<int:campaign_id>/enrol-default")
@admin_required
def enrol_default(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    added = enrolment.enrol_default(db.session, campaign, _own_unit())
    flash(f"已按默认规则登记 {added} 家企业（已建会、正常经营、职工{campaign.min_headcount}人及以上）。", "success")
    return redirect(url_for("registry.campaign_detail", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/enrol")
@admin_required
def enrol_add(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    form = EnrolForm()
    if form.validate_on_submit():
        check = validate_code(form.credit_code.data)
        enterprise = service.code_owner(db.session, check.code) if check.ok else None
        if not check.ok:
            form.credit_code.errors.append(check.error)
        elif enterprise is None:
            form.credit_code.errors.append(f"平台内没有统一社会信用代码为 {check.code} 的企业")
        elif not can_edit_enterprise(current_user, enterprise):
            form.credit_code.errors.append(f"{enterprise.name} 不在您管理的范围内")
        elif enrolment.is_enrolled(db.session, campaign, enterprise):
            form.credit_code.errors.append(f"{enterprise.name} 已登记在本行动中")
        else:
            enrolment.enrol(db.session, campaign, enterprise)
            flash(f"已登记 {enterprise.name}（职工 {enterprise.headcount} 人）。", "success")
            return redirect(url_for("registry.campaign_detail", campaign_id=campaign.id))
    return _detail(campaign, form, 400)


@bp.post("/campaigns/<int:campaign_id>/enrolments/<int:enrolment_id>/delete")
@admin_required
def enrol_remove(campaign_id: int, enrolment_id: int):
    campaign = _campaign_or_404(campaign_id)
    row = db.session.get(Enrolment, enrolment_id)
    if row is None or row.campaign_id != campaign.id:
        abort(404)
    if not can_edit_enterprise(current_user, row.enterprise):
        abort(403)
    name = row.enterprise.name
    enrolment.unenrol(db.session, row)
    flash(f"已将 {name} 移出本行动。", "success")
    return redirect(url_for("registry.campaign_detail", campaign_id=campaign.id))
