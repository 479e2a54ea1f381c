"""The public questionnaire at /s/<token>: phone pages, idempotent submit.

No login, no JavaScript needed, nothing identifying stored or logged. The
blueprint is exempt from the global CSRF check and validates the token itself,
so an expired token re-renders the page with everything typed kept.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app, make_response, render_template, request
from flask_wtf.csrf import ValidationError, generate_csrf, validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from surveys import prune_hidden, validate_answers

from ..db import db
from ..errors import MESSAGES, abort_zh
from ..models import SurveyLink
from ..services import surveys as svc
from . import bp
from .pages import accumulated, bad_bytes, build_page, next_index, raw_answers

MAX_BODY = 64 * 1024
DONE_COOKIE = "sdone"
CSRF_MESSAGE = "页面停留时间较长，安全校验已过期。您填写的内容都已保留，请再点一次按钮。"


@bp.before_request
def _limit_body():
    request.max_content_length = current_app.config.get("SURVEY_MAX_BODY", MAX_BODY)


@bp.after_request
def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return resp


def _error(exc):
    code = getattr(exc, "code", 500) or 500
    title, message = MESSAGES.get(code, MESSAGES[500])
    return render_template("survey_site/message.html", title=title,
                           message=getattr(exc, "description_zh", None) or message), code


for _code in (400, 404, 405, 410, 413, 429):
    bp.register_error_handler(_code, _error)


def _today() -> dt.date:
    return dt.date.today()


def _link(token: str) -> SurveyLink:
    link = db.session.scalar(select(SurveyLink).options(joinedload(SurveyLink.campaign))
                             .where(SurveyLink.token == token)) if len(token) <= 64 else None
    if link is None:
        abort_zh(404, "找不到这份问卷，请检查网址或重新扫描二维码。")
    problem = svc.link_problem(link, _today())
    if problem:
        abort_zh(410, problem)
    definition = svc.pinned_definition(db.session, link.campaign, link.audience)
    if definition is None:
        abort_zh(410, "此链接已失效：问卷尚未发布。")
    return link, definition


def _render(link, definition, page, key, status=200, message=None, ballot=""):
    html = render_template("survey_site/page.html", link=link, definition=definition, page=page, key=key,
                           csrf=generate_csrf(), message=message, ballot=ballot,
                           total=len(definition.sections), token=link.token)
    return html, status


@bp.get("/s/<token>")
def survey(token: str):
    link, definition = _link(token)
    if request.cookies.get(DONE_COOKIE) and request.args.get("again") != "1":
        return render_template("survey_site/already.html", link=link, definition=definition)
    page = build_page(definition, 0, {})
    return _render(link, definition, page, secrets.token_urlsafe(18))


@bp.post("/s/<token>")
def submit(token: str):
    link, definition = _link(token)
    if request.mimetype == "application/x-www-form-urlencoded":
        request.get_data(cache=True)  # kept to check its bytes are UTF-8; bounded by max_content_length
    form = request.form
    key = form.get("_key", "")
    if not svc.valid_key(key):
        return _render(link, definition, build_page(definition, 0, raw_answers(definition, form)),
                       secrets.token_urlsafe(18), 400, "表单已损坏，请重新填写本页。")
    if svc.key_exists(db.session, key):
        return _thanks(link, definition)
    raw = raw_answers(definition, form)
    ballot = form.get("_ballot", "").strip()[:32]
    index = form.get("_sec", "")
    index = int(index) if index.isdigit() and int(index) < len(definition.sections) else None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(form.get("csrf_token"))
        except ValidationError:
            return _render(link, definition, build_page(definition, index or 0, raw), key, 400, CSRF_MESSAGE, ballot)
    if form.get("_def") != definition.hash or index is None:
        return _render(link, definition, build_page(definition, 0, raw), key, 400,
                       "问卷内容已更新或页面数据有误，请核对后继续。", ballot)
    return _advance(link, definition, raw, index, key, ballot, form.get("_nav", "next"))


def _advance(link, definition, raw, index, key, ballot, nav):
    """Validate the page, then go back, forward, or store the whole answer."""
    if nav == "back":
        previous, _, _ = accumulated(definition, raw, index)
        back = next_index(definition, index, previous, step=-1)
        return _render(link, definition, build_page(definition, index if back is None else back, raw), key,
                       ballot=ballot)
    urlencoded = request.mimetype == "application/x-www-form-urlencoded"
    errors = bad_bytes(raw, request.get_data(cache=True) if urlencoded else b"")
    previous, earlier_errors, bad_index = accumulated(definition, raw, index)
    if bad_index is not None:  # a hidden field was tampered with: show that page again
        return _render(link, definition, build_page(definition, bad_index, raw, earlier_errors), key, 400,
                       "请检查标出的题目。", ballot)
    check = validate_answers(definition, raw, definition.sections[index].code, previous=previous)
    errors = {**check.errors, **errors}
    if index == 0 and link.ballots_required and not svc.ballot_usable(db.session, link, ballot):
        errors["_ballot"] = "作答码无效或已使用，请核对纸条上的作答码。"
    if errors:
        return _render(link, definition, build_page(definition, index, raw, errors), key, 400,
                       "请按提示修改标出的题目，其他答案已保留。", ballot)
    later = next_index(definition, index, {**previous, **check.answers})
    if later is not None:
        return _render(link, definition, build_page(definition, later, raw), key, ballot=ballot)
    full = validate_answers(definition, raw)
    if full.errors:
        first = min(i for i, s in enumerate(definition.sections) for q in s.questions if q.code in full.errors)
        return _render(link, definition, build_page(definition, first, raw, full.errors), key, 400,
                       "请按提示修改标出的题目，其他答案已保留。", ballot)
    outcome = svc.record(db.session, link, definition, key, prune_hidden(definition, full.answers), _today(), ballot)
    if outcome == "ballot":
        return _render(link, definition, build_page(definition, 0, raw, {"_ballot": "作答码无效或已使用。"}), key, 400,
                       "作答码无效或已被使用，每个作答码只能提交一次。", ballot)
    if outcome == "cap":
        return _render(link, definition, build_page(definition, index, raw), key, 429,
                       "今天通过此链接提交的答卷已达上限，请明天再提交（您的答案已保留在本页）。", ballot)
    return _thanks(link, definition)


def _thanks(link, definition):
    resp = make_response(render_template("survey_site/thanks.html", link=link, definition=definition))
    resp.set_cookie(DONE_COOKIE, secrets.token_urlsafe(8), max_age=180 * 86400, path=f"/s/{link.token}",
                    httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return resp
