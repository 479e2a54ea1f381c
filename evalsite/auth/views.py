from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..audit import record
from ..db import db
from ..extensions import limiter, login_manager
from ..models import User
from ..models.base import utcnow
from . import sessions
from .forms import LoginForm, PasswordChangeForm
from .passwords import hash_password, verify_password

bp = Blueprint("auth", __name__)


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


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], error_message="登录尝试过于频繁，请稍后再试。")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
        if user and user.active and verify_password(user.password_hash, form.password.data):
            user.last_login_at = utcnow()
            record("login", "user", user.id, f"{user.username} 登录", user=user)
            sessions.begin(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("用户名或密码错误，或账号已停用")
        return render_template("auth/login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sessions.end_current()
    db.session.commit()
    flash("您已退出登录。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append("当前密码不正确")
            return render_template("auth/password.html", form=form), 400
        user = current_user._get_current_object()
        user.password_hash = hash_password(form.new.data)
        user.session_version += 1
        record("password_change", "user", user.id, f"{user.username} 修改密码")
        sessions.end_all(user.id)  # every other browser signs in again
        sessions.begin(user)  # this one goes on under a new session id
        db.session.commit()
        flash("密码已修改。", "success")
        return redirect(url_for("main.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/password.html", form=form), status
