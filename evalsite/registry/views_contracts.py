"""Collective contracts: per enterprise and industry/regional, with their meetings."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from ..access import admin_required
from ..db import db
from ..models import BargainingMeeting, CollectiveContract, ContractCoverage, Enterprise
from ..models.contracts import OFFER_BY, REVIEW_RESULTS
from . import service
from .blueprint import bp
from .common import all_industries, units_for
from .forms import ContractForm, MeetingForm
from .lists import AREA_CONTRACTS
from .permissions import can_edit_contract, contract_or_403, editable_enterprise_or_403

AREA_ONLY = ("scope", "unit_id", "industry_id", "coverage_codes")


def _form(contract: CollectiveContract, area: bool) -> ContractForm:
    form = ContractForm(obj=contract if contract.id else None)
    if area:
        form.unit_id.choices = [(u.id, u.name) for u in units_for(db.session, current_user)]
        form.industry_id.choices = [(0, "（未填）")] + [
            (i.id, i.name + ("（新业态）" if i.is_new_form else "")) for i in all_industries(db.session)]
        if request.method == "GET" and contract.id:
            form.coverage_codes.data = "\n".join(sorted(c.enterprise.credit_code for c in contract.coverage))
            form.industry_id.data = contract.industry_id or 0
    else:
        for name in AREA_ONLY:
            delattr(form, name)
    return form


def _save(form: ContractForm, contract: CollectiveContract, area: bool):
    """Validate (form + contract_rules), save, flash the legal warnings; 400 with messages otherwise."""
    if form.is_submitted():
        valid = form.validate()  # the rules run too, so every message shows at once
        values, coverage, linked = form.values(), None, 0
        if area:
            coverage, problems = service.parse_coverage(db.session, form.coverage_codes.data, current_user)
            form.coverage_codes.errors.extend(problems)
            linked = len(coverage)
            values.update(scope=form.scope.data, unit_id=form.unit_id.data, industry_id=form.industry_id.data or None)
        rules = service.check_contract(db.session, contract, values, values.get("industry_id"), linked)
        for name, messages in rules.errors.items():
            form[name].errors.extend(messages)
        if valid and not any(f.errors for f in form):
            service.save_contract(db.session, contract, values, coverage)
            end = contract.expiry_date
            flash(f"集体合同已保存（有效期至{end.year}年{end.month}月{end.day}日）。" if end else "集体合同已保存。",
                  "success")
            for warning in rules.warnings:
                flash("提示：" + warning, "warning")
            return redirect(url_for("registry.contract_detail", contract_id=contract.id))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/contract_form.html", form=form, contract=contract, area=area), status


@bp.route("/enterprises/<int:enterprise_id>/contracts/new", methods=["GET", "POST"])
@admin_required
def contract_new(enterprise_id: int):
    enterprise = editable_enterprise_or_403(enterprise_id)
    contract = CollectiveContract(scope="enterprise", enterprise=enterprise, unit_id=enterprise.unit_id,
                                  industry_id=enterprise.industry_id)
    return _save(_form(contract, False), contract, False)


@bp.get("/area-contracts")
@admin_required
def area_contract_list():
    stmt = select(CollectiveContract).where(CollectiveContract.scope != "enterprise")
    if current_user.role == "district_admin":
        mine = select(ContractCoverage.contract_id).join(Enterprise).where(Enterprise.unit_id == current_user.unit_id)
        stmt = stmt.where(or_(CollectiveContract.unit_id == current_user.unit_id, CollectiveContract.id.in_(mine)))
    lq = AREA_CONTRACTS.parse()
    stmt = AREA_CONTRACTS.apply(stmt, lq)
    if lq.export:
        return AREA_CONTRACTS.xlsx_response(stmt)
    contracts, page = AREA_CONTRACTS.page(stmt, lq)
    return render_template("registry/area_contract_list.html", contracts=contracts, page=page, lst=AREA_CONTRACTS,
                           lq=lq)


@bp.route("/area-contracts/new", methods=["GET", "POST"])
@admin_required
def area_contract_new():
    contract = CollectiveContract(scope="industry")
    return _save(_form(contract, True), contract, True)


def _detail(contract: CollectiveContract, meeting_form=None, failed_meeting: int | None = None, status=200):
    rules = service.check_contract(db.session, contract, {n: getattr(contract, n) for n in ContractForm.MODEL_FIELDS},
                                   linked=len(contract.coverage))
    blank = MeetingForm(formdata=None)
    add_form = meeting_form if meeting_form is not None and failed_meeting is None else blank
    return render_template("registry/contract_detail.html", c=contract, warnings=rules.warnings,
                           can_edit=can_edit_contract(current_user, contract), add_form=add_form,
                           edit_form=meeting_form or blank, failed_meeting=failed_meeting,
                           offer_labels=OFFER_BY, review_labels=REVIEW_RESULTS), status


@bp.get("/contracts/<int:contract_id>")
@login_required
def contract_detail(contract_id: int):
    return _detail(contract_or_403(contract_id))


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@admin_required
def contract_edit(contract_id: int):
    contract = contract_or_403(contract_id, edit=True)
    area = contract.enterprise_id is None
    return _save(_form(contract, area), contract, area)


@bp.post("/contracts/<int:contract_id>/delete")
@admin_required
def contract_delete(contract_id: int):
    contract = contract_or_403(contract_id, edit=True)
    enterprise_id = contract.enterprise_id
    service.delete_contract(db.session, contract)
    flash("集体合同已删除。", "success")
    if enterprise_id:
        return redirect(url_for("registry.enterprise_detail", enterprise_id=enterprise_id))
    return redirect(url_for("registry.area_contract_list"))


@bp.post("/contracts/<int:contract_id>/meetings")
@admin_required
def meeting_add(contract_id: int):
    contract = contract_or_403(contract_id, edit=True)
    form = MeetingForm()
    if not form.validate_on_submit():
        return _detail(contract, form, None, 400)
    service.save_meeting(db.session, contract, None, {"date": form.date.data, "online": form.online.data,
                                          "notes": (form.notes.data or "").strip() or None})
    flash("协商会议已添加。", "success")
    return redirect(url_for("registry.contract_detail", contract_id=contract.id) + "#meetings")


def _meeting_or_404(meeting_id: int) -> tuple[BargainingMeeting, CollectiveContract]:
    meeting = db.session.get(BargainingMeeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting, contract_or_403(meeting.contract_id, edit=True)


@bp.post("/meetings/<int:meeting_id>")
@admin_required
def meeting_update(meeting_id: int):
    meeting, contract = _meeting_or_404(meeting_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        return _detail(contract, form, meeting.id, 400)
    service.save_meeting(db.session, contract, meeting, {"date": form.date.data, "online": form.online.data,
                                             "notes": (form.notes.data or "").strip() or None})
    flash("协商会议已修改。", "success")
    return redirect(url_for("registry.contract_detail", contract_id=contract.id) + "#meetings")


@bp.post("/meetings/<int:meeting_id>/delete")
@admin_required
def meeting_delete(meeting_id: int):
    meeting, contract = _meeting_or_404(meeting_id)
    service.delete_meeting(db.session, meeting)
    flash("协商会议已删除。", "success")
    return redirect(url_for("registry.contract_detail", contract_id=contract.id) + "#meetings")
