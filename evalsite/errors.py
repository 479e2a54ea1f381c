"""Chinese error pages; a 500 never shows a traceback to the user.

One handler renders every domain error (``evalsite/domain_errors.py``: message, status, field
errors) as the error page, or as JSON when the request asks for JSON; HTTP errors raised by Flask
and werkzeug (``abort(404)``, a route without the method, CSRF) get the same page through the
handlers of their codes. Every 403, of either kind, is written to the audit log. Form views that
show the messages next to their fields catch the domain error and re-render (:func:`field_errors`).
"""
from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from .domain_errors import DomainError, error
from .extensions import retry_after

MESSAGES = {
    400: ("请求无效", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("无权访问", "您没有权限查看或操作此内容。"),
    404: ("页面不存在", "您要找的页面不存在，可能链接有误或已被删除。"),
    405: ("请求方式不允许", "此页面不支持该操作。"),
    409: ("操作冲突", "该内容的当前状态不允许此操作。"),
    410: ("链接已失效", "此链接已失效，请向单位工会索取新的链接或二维码。"),
    413: ("文件过大", "上传的内容超过大小限制，请压缩或拆分后重新上传。"),
    416: ("范围无效", "请求的文件字节范围无效。"),
    429: ("操作过于频繁", "请稍后再试。"),
    500: ("系统错误", "服务器出现问题，我们已记录此错误，请稍后再试。"),
    503: ("服务暂不可用", "系统维护中，请稍后再试。"),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=detail or message), code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def _audit_refusal(e) -> None:
    """Every 403 goes to the audit log (ASVS V16), in a transaction of its own (see audit.record_apart)."""
    from .audit import ANONYMOUS, record_apart

    # the public survey pages carry tokens in their paths: name the page, never the path
    where = request.endpoint if request.blueprint == "survey_site" else request.path
    record_apart("access_denied", "request", None, f"拒绝访问：{request.method} {where}"[:500],
                 {"endpoint": request.endpoint, "method": request.method, "address": request.remote_addr},
                 actor_name=None if current_user.is_authenticated else ANONYMOUS)


def handle_domain_error(e: DomainError):
    """The one handler of domain errors: the Chinese error page (or JSON) with the error's status."""
    if e.status == 403:
        _audit_refusal(e)
    return render_error(e.status, e.message)


def _forbidden(e):
    _audit_refusal(e)
    return render_error(403, getattr(e, "description_zh", None))


def _too_many(e):
    if getattr(e, "response", None) is not None:  # already answered (the login's on_breach)
        return e.response
    resp = render_error(429, getattr(e, "description_zh", None))
    seconds = retry_after()
    if seconds:
        resp = make_response(resp)
        resp.headers["Retry-After"] = str(seconds)
    return resp


def init_app(app: Flask) -> None:
    special = {403: _forbidden, 429: _too_many}
    for code in MESSAGES:
        handler = special.get(code) or (lambda e, code=code: render_error(code, getattr(e, "description_zh", None)))
        app.register_error_handler(code, handler)

    app.register_error_handler(DomainError, handle_domain_error)

    @app.errorhandler(CSRFError)
    def _csrf(e):
        return render_error(400, "页面已过期或表单校验失败（CSRF），请刷新页面后重新提交。")


def abort_zh(code: int, message: str):
    """Stop the request with the domain error of HTTP status ``code`` and a specific Chinese message."""
    raise error(code, message)


def field_errors(exc: DomainError, form=None, default: str = "") -> dict[str, str]:
    """The error's messages by field, for a form view that re-renders with them (status ``exc.status``).

    With a WTForms ``form`` the messages are also appended to its fields' ``errors`` (a message for a
    field the form lacks, or for '', goes to ``default``'s field when given).
    """
    messages = dict(exc.fields) or {default: exc.message}
    if form is not None:
        for name, message in messages.items():
            field = form._fields.get(name) or form._fields.get(default)
            if field is not None:
                field.errors = [*field.errors, message]
    return messages
