"""Request-wide input guards that every page shares.

NUL characters cannot be stored in PostgreSQL text (psycopg raises) and have
no business in a form or a query string: refuse them once, here, with a
Chinese 400, instead of in every view. The public survey pages check control
characters per question themselves, to show the message beside the answer.
"""
from __future__ import annotations

from flask import Flask, request

from . import inputs
from .errors import abort_zh

OWN_CHECKS = {"survey_site"}
# No third-party request is ever needed: every page, the phone survey included, loads only from us.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'; "
                               "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    inputs.init_app(app)  # before any blueprint: every <int:...> rule gets the bounded converter

    @app.after_request
    def _security_headers(resp):
        for name, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(name, value)
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    @app.before_request
    def _reject_nul_characters():
        if request.blueprint in OWN_CHECKS:
            return None
        if _has_nul(request.args.values()) or "\x00" in request.path:
            abort_zh(400, "网址中含有无效字符，请检查后重试。")
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES \
                and _has_nul(request.form.values()):
            abort_zh(400, "提交的内容含有无效字符（NUL），请删除后重新提交。")
        return None
