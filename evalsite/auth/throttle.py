"""Login throttling (ASVS V6.3): per account and per client address, failures only, with Flask-Limiter.

* Per account (``LOGIN_ACCOUNT_LIMIT``, default ``5 per minute;10 per 15 minutes;20 per hour;40 per
  day``): each window is longer than the last, so the wait grows with the failures, and every window
  ends: a correct password is accepted again once the wait is over, whoever shares the address.
* Per address (``LOGIN_RATE_LIMIT``, default ``30 per minute;300 per hour``): a ceiling on failures
  from one address, high enough for a factory behind one NAT, that stops one machine from trying
  many accounts.

Only failed logins count (``deduct_when``), so colleagues signing in correctly from the same address
never use the ceiling up. The counters live in Redis when ``REDIS_URL`` is set. A refusal answers
429 with ``Retry-After`` and is written to the audit log.
"""
from __future__ import annotations

import math
import time

from flask import current_app, request

from ..audit import ANONYMOUS, record_apart
from ..errors import render_error
from ..extensions import limiter

THROTTLED_MESSAGE = "登录失败次数过多，请在 {wait} 后再试。"


def account_key() -> str:
    name = (request.form.get("username") or "").strip().lower()[:64]
    return f"login-account:{name}"


def account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_LIMIT"]


def address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def mfa_limit() -> str:
    return current_app.config["MFA_RATE_LIMIT"]


# which setting a counter's key belongs to (the per-address key is the bare address)
_LIMITS_BY_KEY = (("login-account:", account_limit, "account"), ("mfa-user:", mfa_limit, "second factor"))


def _kind(key: str):
    for prefix, limits, label in _LIMITS_BY_KEY:
        if prefix in key:
            return limits, label
    return address_limit, "address"


def failed(response) -> bool:
    return response.status_code == 401


def _wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}秒"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"{minutes}分钟"
    return f"{math.ceil(minutes / 60)}小时"


def _longest_wait(request_limit, limits: str) -> int:
    """Several windows may be full at once (5 a minute and 10 in 15 minutes): wait for the longest."""
    from limits import parse_many

    strategy, args = limiter.limiter, request_limit.request_args
    resets = [request_limit.reset_at] + [strategy.get_window_stats(item, *args).reset_time
                                         for item in parse_many(limits) if not strategy.test(item, *args)]
    return max(1, math.ceil(max(resets) - time.time()))


def on_breach(request_limit):
    """Audit the lock-out, answer 429 with Retry-After and a Chinese message saying how long to wait."""
    limits, per = _kind(request_limit.key)
    seconds = _longest_wait(request_limit, limits())
    username = (request.form.get("username") or "").strip()[:64]
    what = {"account": f"账号 {username} 的登录", "address": "同一地址的登录",
            "second factor": "两步验证"}[per]
    record_apart("login_throttled", "user", None, f"登录被限制：{what}失败次数过多（{request_limit.limit}）",
                 {"username": username, "address": request.remote_addr, "per": per, "retry_after": seconds},
                 actor_name=ANONYMOUS)
    body, status = render_error(429, THROTTLED_MESSAGE.format(wait=_wait_words(seconds)))
    resp = current_app.make_response((body, status))
    resp.headers["Retry-After"] = str(seconds)
    return resp


def limit_login(view):
    """Both limits on the login view's POSTs."""
    view = limiter.limit(address_limit, methods=["POST"], deduct_when=failed, on_breach=on_breach)(view)
    view = limiter.limit(account_limit, key_func=account_key, methods=["POST"], deduct_when=failed,
                         on_breach=on_breach)(view)
    return view
