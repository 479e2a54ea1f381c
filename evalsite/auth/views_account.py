"""One's own account page: who one is, one's e-mail address (re-authenticated), links to password and MFA."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..audit import record_apart
from ..db import db
from . import account
from .forms import OwnEmailForm
from .passwords import verify_password
from .views_login import bp

WRONG_PASSWORD = "当前密码不正确，电子邮箱未修改"


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account_page():
    """Only the signed-in user's own address: the form carries no user id, whatever else is posted."""
    user = current_user._get_current_object()
    form = OwnEmailForm()
    if request.method == "GET":
        form.email.data = user.email or ""
    elif form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            record_apart("email_change_refused", "user", user.id, f"{user.username} 修改电子邮箱：当前密码不正确",
                         user=user)
            form.current.errors.append(WRONG_PASSWORD)
        else:
            changed = account.set_own_email(db.session, user, form.email.data)
            flash(("电子邮箱已清除，今后不再发送邮件通知。" if not user.email else "电子邮箱已保存，今后的通知邮件发送到该地址。")
                  if changed else "电子邮箱没有变化。", "success")
            return redirect(url_for("auth.account_page"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("auth/account.html", form=form, user=user), status
