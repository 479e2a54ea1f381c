"""Flask extensions, created once and bound to each app with init_app."""
from __future__ import annotations

import math
import time

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def retry_after() -> int | None:
    """Seconds until every limit this request broke has room again (None when none was broken)."""
    try:
        breached = [lim for lim in limiter.current_limits if lim.breached]
    except Exception:  # noqa: BLE001 - outside a limited request
        return None
    if not breached:
        return None
    return max(1, math.ceil(max(lim.reset_at for lim in breached) - time.time()))
