"""Accounts (administrators, within their scope) and the audit log (city administrator)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import admin_required, city_admin_required, scope_users
from ..auth import sessions
from ..db import db
from ..errors import abort_zh
from ..models import AuditEntry, User
from ..models.users import ROLES, SIDES
from . import accounts
from .blueprint import bp
from .common import units_for
from .forms_admin import PasswordResetForm, UserCreateForm, UserEditForm
from .permissions import CREATABLE_ROLES, managed_user_or_403
from .lists import AUDIT, USERS


@bp.get("/users")
@admin_required
def user_list():
    lq = USERS.parse()
    stmt = USERS.apply(scope_users(select(User), current_user), lq)
    if lq.export:
        return USERS.xlsx_response(stmt)
    users, page = USERS.page(stmt, lq)
    return render_template("registry/user_list.html", users=users, page=page, lst=USERS, lq=lq)


def _unit_choices():
    return [(0, "（请选择）")] + [(u.id, u.name) for u in units_for(db.session, current_user)]


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserCreateForm()
    form.role.choices = [(r, ROLES[r]) for r in CREATABLE_ROLES[current_user.role]]
    form.unit_id.choices = _unit_choices()
    if not form.is_submitted():  # a new account starts with the least powerful role (the list ends with it)
        form.role.data = CREATABLE_ROLES[current_user.role][-1]
    if form.validate_on_submit():
        username = form.username.data.strip()
        errors, values = accounts.account_problems(db.session, current_user, form.role.data,
                                                   form.unit_id.data, form.enterprise_code.data, form.side.data)
        if accounts.username_taken(db.session, username):
            errors.setdefault("username", []).append(f"用户名 {username} 已存在")
        for name, messages in errors.items():
            form[name].errors.extend(messages)
        values["email"] = (form.email.data or "").strip() or None
        if not errors:
            user = accounts.create_user(db.session, username, form.display_name.data.strip(), form.password.data,
                                        values)
            flash(f"已创建账号 {user.username}。请将初始密码通过安全渠道告知本人；其首次登录时须修改密码。", "success")
            return redirect(url_for("registry.user_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = managed_user_or_403(user_id)
    form = UserEditForm(obj=user)
    form.unit_id.choices = _unit_choices()
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
    if form.validate_on_submit():
        values = {"display_name": form.display_name.data.strip(), "email": (form.email.data or "").strip() or None}
        if user.role in ("district_admin", "evaluator"):
            errors, resolved = accounts.account_problems(db.session, current_user, user.role,
                                                         form.unit_id.data, "", "")
            form.unit_id.errors.extend(errors.get("unit_id", []))
            values["unit_id"] = resolved["unit_id"]
        if user.role == "enterprise":
            if form.side.data not in SIDES:
                form.side.errors.append("企业用户须选择职工方或企业方")
            values["side"] = form.side.data
        if not form.unit_id.errors and not form.side.errors:
            accounts.update_user(db.session, user, values)
            flash("账号已保存。", "success")
            return redirect(url_for("registry.user_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/user_form.html", form=form, user=user,
                           session_count=sessions.store().count(user.id)), status


def _toggle(user_id: int, active: bool):
    user = managed_user_or_403(user_id)
    if user.id == current_user.id:
        abort_zh(409, "不能停用或启用自己的账号。")
    accounts.set_active(db.session, user, active)
    flash(f"账号 {user.username} 已{'启用' if active else '停用'}。", "success")
    return redirect(url_for("registry.user_list"))


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def user_deactivate(user_id: int):
    return _toggle(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def user_reactivate(user_id: int):
    return _toggle(user_id, True)


@bp.post("/users/<int:user_id>/sessions/end")
@admin_required
def user_end_sessions(user_id: int):
    user = managed_user_or_403(user_id)
    accounts.end_sessions(db.session, user)
    flash(f"账号 {user.username} 的所有登录均已退出，需重新登录。", "success")
    return redirect(url_for("registry.user_edit", user_id=user.id))


@bp.post("/users/<int:user_id>/mfa/reset")
@admin_required
def user_reset_mfa(user_id: int):
    user = managed_user_or_403(user_id)
    if user.id == current_user.id:
        abort_zh(409, "不能重置自己的两步验证，请联系其他管理员。")
    accounts.reset_second_factor(db.session, user)
    flash(f"已重置 {user.username} 的两步验证，其下次登录时须重新设置。", "success")
    return redirect(url_for("registry.user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def user_reset_password(user_id: int):
    user = managed_user_or_403(user_id)
    form = PasswordResetForm(user=user)
    if form.validate_on_submit():
        accounts.reset_password(db.session, user, form.new.data)
        flash(f"已重置 {user.username} 的密码，其已登录的会话均已失效；其下次登录时须修改密码。", "success")
        return redirect(url_for("registry.user_list"))
    status = 400 if request.method == "POST" else 200
    return render_template("registry/user_password.html", form=form, user=user), status


@bp.get("/audit")
@city_admin_required
def audit_log():
    lq = AUDIT.parse()
    stmt = AUDIT.apply(select(AuditEntry), lq)
    if lq.export:
        return AUDIT.xlsx_response(stmt)
    entries, page = AUDIT.page(stmt, lq)
    return render_template("registry/audit_log.html", entries=entries, page=page, lst=AUDIT, lq=lq)
