"""Login, logout, password change, and the checks every request passes through."""
from __future__ import annotations

import ipaddress

from flask import Flask, request

from . import sessions
from .views import bp

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

    @app.before_request
    def _development_mode_serves_this_machine_only():
        if app.config.get("DEV_LOCAL_ONLY") and not _is_loopback(request.remote_addr):
            from ..errors import abort_zh

            abort_zh(403, LOOPBACK_ONLY_MESSAGE)
        return None

    @app.before_request
    def _load_user_first():
        """Check the session before any view opens the request's transaction (see sessions.check)."""
        from flask_login import current_user

        current_user._get_current_object()
        return None
