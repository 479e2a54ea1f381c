"""Request-wide input guards that every page shares.

NUL characters cannot be stored in PostgreSQL text (psycopg raises) and have
no business in a form or a query string: refuse them once, here, with a
Chinese 400, instead of in every view. The public survey pages check control
characters per question themselves, to show the message beside the answer.
"""
from __future__ import annotations

from flask import Flask, request

from . import headers, inputs, logging_filters
from .errors import abort_zh

OWN_CHECKS = {"survey_site"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    inputs.init_app(app)  # before any blueprint: every <int:...> rule gets the bounded converter
    headers.init_app(app)
    logging_filters.install(app)

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
