"""Enterprise list (search, filters, paging), detail, create/edit and the XLSX export."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from ..timefmt import local_today
from ..access import admin_required, can_edit_enterprise, enterprise_or_403, roles_required, scope_enterprises
from ..db import db
from ..models import Campaign, CollectiveContract, ContractCoverage, Enrolment, Enterprise, User
from . import service
from .blueprint import bp
from ..models.contracts import REVIEW_RESULTS
from .common import all_industries, units_for
from .forms import EnterpriseForm
from .lists import ENTERPRISES
from .xlsx import export_workbook


def _filtered(lq) -> Select:
    """The scoped select of the enterprise list, searched, filtered and ordered as asked."""
    return ENTERPRISES.apply(scope_enterprises(select(Enterprise), current_user), lq)


@bp.get("/enterprises")
@login_required
def enterprise_list():
    if current_user.role == "enterprise":
        return redirect(url_for("registry.enterprise_mine"))
    lq = ENTERPRISES.parse()
    if lq.export:
        return redirect(url_for("registry.enterprise_export", **request.args.to_dict()))
    enterprises, page = ENTERPRISES.page(_filtered(lq), lq)
    return render_template("registry/enterprise_list.html", enterprises=enterprises, page=page, lst=ENTERPRISES,
                           lq=lq)


@bp.get("/enterprises/mine")
@login_required
def enterprise_mine():
    """Enterprise accounts land on their own enterprise; others on the list."""
    if current_user.role == "enterprise" and current_user.enterprise_id:
        return redirect(url_for("registry.enterprise_detail", enterprise_id=current_user.enterprise_id))
    if current_user.role == "enterprise":
        abort(404)
    return redirect(url_for("registry.enterprise_list"))


@bp.get("/enterprises/export.xlsx")
@roles_required("city_admin", "district_admin", "evaluator")
def enterprise_export():
    """The filtered list (every page) in the import layout, so that it can be edited and imported back."""
    data = export_workbook(db.session.scalars(_filtered(ENTERPRISES.parse())).all())
    name = f"enterprises-{local_today():%Y%m%d}.xlsx"
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/enterprises/<int:enterprise_id>")
@login_required
def enterprise_detail(enterprise_id: int):
    enterprise = enterprise_or_403(enterprise_id)
    own = db.session.scalars(select(CollectiveContract).where(CollectiveContract.enterprise_id == enterprise.id)
                             .order_by(CollectiveContract.signing_date.desc(), CollectiveContract.id.desc())).all()
    area = db.session.scalars(select(CollectiveContract).join(ContractCoverage).where(
        ContractCoverage.enterprise_id == enterprise.id).order_by(CollectiveContract.id)).all()
    enrolments = db.session.execute(select(Enrolment, Campaign).join(Campaign).where(
        Enrolment.enterprise_id == enterprise.id).order_by(Campaign.start_date.desc())).all()
    accounts = []
    if can_edit_enterprise(current_user, enterprise):
        accounts = db.session.scalars(select(User).where(User.enterprise_id == enterprise.id).order_by(User.id)).all()
    return render_template("registry/enterprise_detail.html", e=enterprise, own=own, area=area,
                           enrolments=enrolments, accounts=accounts, review_labels=REVIEW_RESULTS,
                           can_edit=can_edit_enterprise(current_user, enterprise))


def _prepare(form: EnterpriseForm) -> None:
    form.unit_id.choices = [(u.id, u.name) for u in units_for(db.session, current_user)]
    form.industry_id.choices = [(0, "（请选择）")] + [
        (i.id, i.name + ("（新业态）" if i.is_new_form else "")) for i in all_industries(db.session)]


def _save(form: EnterpriseForm, enterprise: Enterprise | None):
    """Validate, save and redirect; re-render with 400 on any error."""
    if form.validate_on_submit():
        owner = service.code_owner(db.session, form.normalised_code, enterprise.id if enterprise else None)
        if owner is not None:
            form.credit_code.errors.append(f"该统一社会信用代码已登记为“{owner.name}”")
        else:
            values = {name: form[name].data for name in service.ENTERPRISE_FIELDS if name in form}
            values["credit_code"] = form.normalised_code
            values["name"] = values["name"].strip()
            for key in ("address", "union_chair", "union_chair_phone", "hr_contact", "hr_contact_phone", "notes"):
                values[key] = (values[key] or "").strip() or None
            saved = service.save_enterprise(db.session, enterprise, values)
            flash("企业信息已保存。", "success")
            if form.code_note:
                flash(f"统一社会信用代码：{form.code_note}（{saved.credit_code}）。", "info")
            if form.code_warning:
                flash(f"统一社会信用代码：{form.code_warning}。已保存。", "warning")
            return redirect(url_for("registry.enterprise_detail", enterprise_id=saved.id))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/enterprise_form.html", form=form, enterprise=enterprise), status


@bp.route("/enterprises/new", methods=["GET", "POST"])
@admin_required
def enterprise_new():
    form = EnterpriseForm()
    _prepare(form)
    if request.method == "GET":
        form.unionised.data = True
    return _save(form, None)


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@admin_required
def enterprise_edit(enterprise_id: int):
    enterprise = enterprise_or_403(enterprise_id)
    if not can_edit_enterprise(current_user, enterprise):
        abort(403)
    form = EnterpriseForm(obj=enterprise)
    _prepare(form)
    if request.method == "GET" and enterprise.industry_id is None:
        form.industry_id.data = 0
    return _save(form, enterprise)
