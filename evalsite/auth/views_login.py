"""Login, logout and password change."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..audit import ANONYMOUS, record
from ..db import db
from ..extensions import login_manager
from ..models import User
from ..models.base import utcnow
from . import mfa, sessions
from .forms import LoginForm, PasswordChangeForm
from .passwords import hash_password, verify_or_pretend, verify_password
from .throttle import limit_login

bp = Blueprint("auth", __name__)
LOGIN_FAILED = "用户名或密码错误，或账号已停用"


@login_manager.user_loader
def load_user(user_id: str):
    """The signed-in user, only while the server still knows this browser's session (see sessions)."""
    try:
        raw_id, version = user_id.split(":", 1)
        wanted = int(raw_id)
    except (ValueError, TypeError):
        return None
    if sessions.current_user_id() != wanted:
        return None
    user = db.session.get(User, wanted)
    if user is None or not user.active or str(user.session_version) != version:
        return None
    return user


def safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def finish_login(user: User, next_url: str | None):
    """The last step of every login: a new server-side session, the audit entry, one commit."""
    user.last_login_at = utcnow()
    record("login", "user", user.id, f"{user.username} 登录", user=user)
    sessions.begin(user)
    return redirect(safe_next(next_url))


def _audit_failure(username: str, user: User | None) -> None:
    reason = "unknown_user" if user is None else ("inactive" if not user.active else "wrong_password")
    record("login_failed", "user", user.id if user else None, f"登录失败：{username}",
           {"username": username, "reason": reason, "address": request.remote_addr}, actor_name=ANONYMOUS)
    db.session.commit()  # commit in steps: the failure is audited although the answer is 401 (rolled back)


@bp.route("/login", methods=["GET", "POST"])
@limit_login
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        user = db.session.scalar(select(User).where(User.username == username))
        usable = user is not None and user.active
        # the same argon2 work whether the account exists, is inactive or the password is wrong
        if verify_or_pretend(user.password_hash if usable else None, form.password.data):
            if mfa.needed(user):  # password → code → in
                mfa.start_pending(user, request.args.get("next"))
                return redirect(url_for("auth.mfa_verify" if user.has_totp else "auth.mfa_enrol"))
            return finish_login(user, request.args.get("next"))
        _audit_failure(username[:64], user)
        form.password.errors.append(LOGIN_FAILED)
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end_current()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = current_user._get_current_object()
    form = PasswordChangeForm(user=user)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append("当前密码不正确")
            return render_template("auth/password.html", form=form, forced=user.must_change_password), 400
        user.password_hash = hash_password(form.new.data)
        user.session_version += 1
        user.must_change_password = False
        record("password_change", "user", user.id, f"{user.username} 修改密码")
        sessions.end_all(user.id)  # every other browser signs in again
        sessions.begin(user)  # this one goes on under a new session id
        flash("密码已修改。", "success")
        return redirect(url_for("main.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form, forced=user.must_change_password), status
