"""Login, logout, password change, and the checks every request passes through."""
from __future__ import annotations

import ipaddress

from flask import Flask, redirect, request, url_for

from . import sessions
from .forms import PASSWORD_HINT
from .views_login import bp
from . import views_account, views_mfa  # noqa: F401,E402  (routes on the same blueprint)

# what a user who must replace an administrator's password may still open
OPEN_DURING_FORCED_CHANGE = {"auth.change_password", "auth.logout", "auth.login", "auth.mfa_verify",
                             "auth.mfa_enrol", "static", "main.healthz"}

LOOPBACK_ONLY_MESSAGE = ("开发模式（未设置 SECRET_KEY）只接受本机访问。如需对外提供服务，请设置 SECRET_KEY 并"
                         "以生产方式启动。")


def _is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def init_app(app: Flask) -> None:
    sessions.init_app(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["password_hint"] = PASSWORD_HINT

    @app.before_request
    def _development_mode_serves_this_machine_only():
        if app.config.get("DEV_LOCAL_ONLY") and not _is_loopback(request.remote_addr):
            from ..errors import abort_zh

            abort_zh(403, LOOPBACK_ONLY_MESSAGE)
        return None

    @app.before_request
    def _load_user_first():
        """Check the session before any view opens the request's transaction (see sessions.check).

        Not for the public survey: nobody signs in there, and its answers should not open a session.
        """
        if request.blueprint == "survey_site":
            return None
        from flask_login import current_user

        current_user._get_current_object()
        return None

    @app.before_request
    def _forced_password_change():
        """After an administrator set the password (new account, reset), every page asks for a new one."""
        from flask_login import current_user

        if (request.blueprint != "survey_site" and current_user.is_authenticated
                and current_user.must_change_password and request.endpoint not in OPEN_DURING_FORCED_CHANGE):
            return redirect(url_for("auth.change_password"))
        return None
