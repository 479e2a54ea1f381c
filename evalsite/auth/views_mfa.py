"""The second step of a login (code or recovery code), enrolment by QR code, and the account's recovery codes."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..audit import ANONYMOUS, record
from ..db import db
from ..extensions import limiter
from . import mfa
from .forms import CodeForm
from .throttle import failed, mfa_limit, on_breach
from .views_login import bp, finish_login

SECRET_KEY_IN_SESSION = "_mfa_secret"  # the secret being enrolled, until the first code confirms it
WRONG_CODE = "验证码不正确或已使用过，请输入验证器应用中显示的最新6位数字，或一个未用过的恢复码"


def _pending_key() -> str:
    data = session.get(mfa.PENDING_KEY)
    return f"mfa-user:{data.get('user') if isinstance(data, dict) else 'none'}"


def _limit_codes(view):
    """Wrong codes count per pending account, like wrong passwords."""
    return limiter.limit(mfa_limit, key_func=_pending_key, methods=["POST"], deduct_when=failed,
                         on_breach=on_breach)(view)


def _start_over():
    flash("登录已超时或未完成，请重新输入用户名和密码。", "warning")
    return redirect(url_for("auth.login"))


@bp.route("/login/verify", methods=["GET", "POST"])
@_limit_codes
def mfa_verify():
    user = mfa.pending_user()
    if user is None:
        return _start_over()
    if not user.has_totp:
        return redirect(url_for("auth.mfa_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data
        if mfa.accept_totp(user, user.totp_secret, code):
            return finish_login(user, mfa.pending_next())
        if mfa.use_recovery_code(db.session, user, code):
            record("mfa_recovery_used", "user", user.id,
                   f"{user.username} 使用恢复码登录（剩余 {mfa.recovery_codes_left(db.session, user)} 个）",
                   user=user)
            flash("您使用了一个恢复码登录。每个恢复码只能使用一次；如剩余不多，请在“两步验证”页面重新生成。", "warning")
            return finish_login(user, mfa.pending_next())
        record("mfa_failed", "user", user.id, f"{user.username} 两步验证失败",
               {"address": request.remote_addr}, actor_name=ANONYMOUS)
        db.session.commit()  # commit in steps: the failure is audited although the answer is 401 (rolled back)
        form.code.errors.append(WRONG_CODE)
        return render_template("auth/mfa_verify.html", form=form, user=user), 401
    status = 400 if request.method == "POST" else 200
    return render_template("auth/mfa_verify.html", form=form, user=user), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@_limit_codes
def mfa_enrol():
    user = mfa.pending_user()
    if user is None:
        return _start_over()
    if user.has_totp:
        return redirect(url_for("auth.mfa_verify"))
    secret = session.get(SECRET_KEY_IN_SESSION)
    if not secret:
        secret = session[SECRET_KEY_IN_SESSION] = mfa.new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        if mfa.accept_totp(user, secret, form.code.data):
            codes = mfa.enable(db.session, user, secret)
            record("mfa_enrol", "user", user.id, f"{user.username} 启用两步验证", user=user)
            next_url = mfa.pending_next()
            finish_login(user, next_url)  # signs in; the recovery codes are shown once, on this answer
            return render_template("auth/mfa_codes.html", codes=codes, next_url=next_url or url_for("main.home"))
        form.code.errors.append(WRONG_CODE)
        status = 401
    else:
        status = 400 if request.method == "POST" else 200
    uri = mfa.provisioning_uri(user, secret)
    return render_template("auth/mfa_enrol.html", form=form, user=user, qr=mfa.qr_data_uri(uri),
                           secret=mfa.grouped(secret)), status


@bp.get("/account/mfa")
@login_required
def mfa_manage():
    return render_template("auth/mfa_manage.html", left=mfa.recovery_codes_left(db.session, current_user),
                           required=mfa.required_for(current_user))


@bp.post("/account/mfa/recovery")
@login_required
def mfa_new_recovery_codes():
    user = current_user._get_current_object()
    if not user.has_totp:
        flash("您尚未启用两步验证。", "warning")
        return redirect(url_for("auth.mfa_manage"))
    codes = mfa.new_recovery_codes(db.session, user)
    record("mfa_recovery_codes", "user", user.id, f"{user.username} 重新生成恢复码")
    return render_template("auth/mfa_codes.html", codes=codes, next_url=url_for("auth.mfa_manage"))
