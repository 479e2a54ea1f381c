"""The public questionnaire at /s/<token>: phone pages, post/redirect/get, idempotent submit.

No login, no JavaScript needed, nothing identifying stored or logged. Every
POST answers with a 303 to a GET page (``draft.py`` says where the answers
wait meanwhile and why), so the phone's back button never meets a POST. The
status a refused page deserves (400, 409, 429) is carried to that GET. The
blueprint is exempt from the global CSRF check and validates the token itself,
so an expired token re-renders the page with everything typed kept.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets

from flask import current_app, make_response, redirect, render_template, request, send_from_directory

from surveys import Definition, ballots, prune_hidden, validate_answers

from ..db import db
from ..domain_errors import DomainError, Gone
from ..errors import MESSAGES, abort_zh, handle_domain_error
from ..survey_data import store as svc
from ..survey_data import releases
from ..survey_data.releaser import releaser
from ..survey_data import submit as answering
from ..timefmt import local_today
from . import csrf, draft
from .blueprint import ASSET_TYPES, ASSETS, asset_version, bp
from .pages import accumulated, bad_bytes, build_page, next_index, raw_answers, share_description

MAX_BODY = 64 * 1024
YEAR = 365 * 86400
DONE_COOKIE = "sdone"
THANKS_CACHED = 256  # thank-you pages kept per process, by link token
LIMIT_MESSAGES = {
    "burst": "这份问卷一分钟内收到的答卷太多，为防止刷票暂停接收。您的答案都已保留在本页，请过一分钟再点“提交”。",
    "cap": "今天通过此链接提交的答卷已达上限，请明天再提交（您的答案已保留在本页）。",
}
CSRF_MESSAGE = "页面停留时间较长，安全校验已过期。您填写的内容都已保留，请再点一次按钮。"
STALE_MESSAGE = "问卷设置刚刚有变动，请再点一次“提交”，您的答案都已保留。"
FIX_MESSAGE = "请按提示修改标出的题目，其他答案已保留。"


@bp.before_request
def _limit_body():
    request.max_content_length = current_app.config.get("SURVEY_MAX_BODY", MAX_BODY)


@bp.after_request
def _no_store(resp):
    if request.endpoint != "survey_site.asset":
        resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    return csrf.set_cookie(resp)


@bp.get("/s/assets/<name>")
def asset(name: str):
    """The survey's style, script and icons. Their URLs carry the content hash (``?v=``), so a phone
    keeps them for a year and the next pages load only their HTML; any other ``v`` is not cached."""
    if name not in ASSET_TYPES:
        abort_zh(404, "找不到这个文件。")
    current = request.args.get("v") == asset_version(name)
    resp = send_from_directory(ASSETS, name, mimetype=ASSET_TYPES[name], max_age=YEAR if current else 0)
    resp.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if current else "no-cache"
    return resp


SURVEY_ERROR_CODES = (400, 404, 405, 410, 413, 429)


def _error(exc):
    """The respondent's own message page, for domain errors and HTTP errors alike (a 403 as everywhere)."""
    domain = isinstance(exc, DomainError)
    if domain and exc.status not in SURVEY_ERROR_CODES:
        return handle_domain_error(exc)
    code = (exc.status if domain else getattr(exc, "code", 500)) or 500
    title, message = MESSAGES.get(code, MESSAGES[500])
    detail = exc.message if domain else getattr(exc, "description_zh", None)
    return render_template("survey_site/message.html", title=title, enterprise_name=getattr(exc, "enterprise", ""),
                           message=detail or message), code


for _code in SURVEY_ERROR_CODES:
    bp.register_error_handler(_code, _error)
bp.register_error_handler(DomainError, _error)


def _today() -> dt.date:
    return local_today()


def _links() -> answering.LinkCache:
    return current_app.extensions.setdefault("survey_links", answering.LinkCache())


def _link(token: str, cached: bool = False) -> tuple[answering.PublicLink, Definition]:
    """The link and its questionnaire, or the Chinese 404/410. ``cached``: the submit may answer from
    this process's copy of a link that could be answered (the INSERT checks it again)."""
    link = _links().get(token) if cached else None
    if link is not None and answering.link_problem(link, _today()) is None:
        definition = svc.loaded_definition(link.definition_hash)  # no session opened for a cached link
        if definition is not None:
            return link, definition
    link = answering.public_link(db.session, token) if len(token) <= 64 else None
    if link is None:
        abort_zh(404, "找不到这份问卷，请检查网址或重新扫描二维码。")
    problem = answering.link_problem(link, _today())
    if problem:
        _links().forget(token)
        exc = Gone(problem)
        exc.enterprise = link.enterprise_name
        raise exc
    definition = svc.definition_by_hash(db.session, link.definition_hash)
    if definition is None:
        abort_zh(410, "此链接已失效：问卷尚未发布。")
    _links().put(link)
    return link, definition


def _render(link, definition, page, key, status=200, message=None, ballot=""):
    html = render_template("survey_site/page.html", link=link, definition=definition, page=page, key=key,
                           csrf=csrf.token(), message=message, ballot=ballot, enterprise_name=link.enterprise_name,
                           share=share_description(definition), total=len(definition.sections), token=link.token)
    return html, status


def _go(link, definition, key, index, raw, errors=None, status=200, message=None, ballot=""):
    """Redirect to page ``index`` with the answers in the draft cookie (post/redirect/get).

    The first bad question's anchor ends the URL, so even without JavaScript
    the phone scrolls to it. A draft too large for the cookies is shown at once.
    """
    errors = errors or {}
    page = draft.Draft(key, index, raw, ballot, errors, message, status)
    first = build_page(definition, index, raw, errors).first_error if errors else None
    resp = redirect(f"/s/{link.token}?p={index}" + (f"#{first}" if first else ""), 303)
    if draft.write(resp, link.token, definition.hash, page):
        return resp
    return _render(link, definition, build_page(definition, index, raw, errors), key, status, message, ballot)


def _again(link, definition, key, index, raw, errors=None, status=400, message=None, ballot=""):
    """Show a page (again), unless the key is stored already (a retry whose reply was lost): then the thanks.

    Only the pages that do not store need this look-up; a submit lets the unique key decide.
    """
    if answering.key_exists(db.session, key):
        return _thanks(link)
    return _go(link, definition, key, index, raw, errors, status, message, ballot)


def _requested_page(last: int) -> int:
    """``?p=`` of the URL, capped at the page the answers reached; the bare link is the first page.

    The bare link is also the first entry of the phone's history, so "back" to it must show page 1.
    """
    p = request.args.get("p", "0")
    return min(int(p), last) if p.isascii() and p.isdigit() and len(p) < 6 else 0


@bp.get("/s/<token>")
def survey(token: str):
    link, definition = _link(token)
    # A slip's QR code carries its ballot code (?b=): a slip is one person, so no "already answered" question.
    ballot = ballots.normalise(request.args.get(ballots.PARAM)) if link.ballots_required else ""
    saved = draft.read(token, definition.hash)
    if saved is None or request.args.get("again") == "1" or (ballot and ballot != saved.ballot):
        if request.cookies.get(DONE_COOKIE) and request.args.get("again") != "1" and not ballot:
            return render_template("survey_site/already.html", link=link, definition=definition,
                                   enterprise_name=link.enterprise_name)
        return _render(link, definition, build_page(definition, 0, {}), secrets.token_urlsafe(18), ballot=ballot)
    index = _requested_page(saved.index)  # back to any page already reached, never past the last one
    _, earlier, bad = accumulated(definition, saved.raw, index)
    if bad is not None:  # an earlier page no longer holds (cannot happen through the form; a guard)
        return _render(link, definition, build_page(definition, bad, saved.raw, earlier), saved.key, 400,
                       FIX_MESSAGE, saved.ballot)
    here = index == saved.index  # the message and errors belong to the page the last POST led to
    page = build_page(definition, index, saved.raw, saved.errors if here else None)
    return _render(link, definition, page, saved.key, saved.status if here else 200,
                   saved.message if here else None, saved.ballot)


STALE_TRIES = 2  # the link changed under a submit: read it again this many times before asking to resubmit


@bp.post("/s/<token>")
def submit(token: str, attempt: int = 0):
    link, definition = _link(token, cached=attempt == 0)
    if db.engine.dialect.name == "sqlite":
        db.session.rollback()  # end BEGIN IMMEDIATE: other workers may write while this one validates
    if request.mimetype == "application/x-www-form-urlencoded":
        request.get_data(cache=True)  # kept to check its bytes are UTF-8; bounded by max_content_length
    form = request.form
    key = form.get("_key", "")
    if not answering.valid_key(key):  # only a broken or forged form: no draft to keep, the page again
        return _render(link, definition, build_page(definition, 0, raw_answers(definition, form)),
                       secrets.token_urlsafe(18), 400, "表单已损坏，请重新填写本页。")
    raw = raw_answers(definition, form)
    ballot = ballots.normalise(form.get("_ballot", ""))
    index = form.get("_sec", "")
    index = int(index) if index.isascii() and index.isdigit() and len(index) < 6 and int(index) < len(definition.sections) else None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        if not csrf.valid(form.get("csrf_token")):
            return _again(link, definition, key, index or 0, raw, message=CSRF_MESSAGE, ballot=ballot)
    if form.get("_def") != definition.hash and attempt == 0:  # perhaps republished: read the link again
        return submit(token, attempt + 1)
    if form.get("_def") != definition.hash or index is None:
        return _again(link, definition, key, 0, raw, message="问卷内容已更新或页面数据有误，请核对后继续。", ballot=ballot)
    resp = _advance(link, definition, raw, index, key, ballot, form.get("_nav", "next"))
    if resp is not None:
        return resp
    _links().forget(token)  # stale: the link changed since it was read; decide again on what it is now
    if attempt < STALE_TRIES:
        return submit(token, attempt + 1)
    return _go(link, definition, key, index, raw, status=409, message=STALE_MESSAGE, ballot=ballot)


def _advance(link, definition, raw, index, key, ballot, nav):
    """Validate the page, then go back, resume, forward, or store the whole answer.

    None when the link is no longer as read (``record`` said 'stale'): the caller reads it again.
    """
    if nav in ("back", "resume"):
        previous, earlier, bad = accumulated(definition, raw, index)
        if nav == "resume":  # answers kept on the phone (localStorage) after WeChat was closed
            if bad is not None:
                return _again(link, definition, key, bad, raw, earlier, message=FIX_MESSAGE, ballot=ballot)
            return _again(link, definition, key, index, raw, status=200, ballot=ballot)
        back = next_index(definition, index, previous, step=-1)
        return _again(link, definition, key, index if back is None else back, raw, status=200, ballot=ballot)
    urlencoded = request.mimetype == "application/x-www-form-urlencoded"
    bad = bad_bytes(raw, request.get_data(cache=True) if urlencoded else b"")
    # One pass over every page: a section's result depends only on the answers before it, so this
    # equals checking page by page, and the page's errors are those of its own questions.
    check = validate_answers(definition, raw)
    section_of = {q.code: i for i, s in enumerate(definition.sections) for q in s.questions}
    first_bad = min((section_of[code] for code in check.errors), default=None)
    if first_bad is not None and first_bad < index:  # a hidden field was tampered with: show that page again
        earlier = {code: m for code, m in check.errors.items() if section_of[code] == first_bad}
        return _again(link, definition, key, first_bad, raw, earlier, message="请检查标出的题目。", ballot=ballot)
    errors = {**{code: m for code, m in check.errors.items() if section_of[code] == index}, **bad}
    if index == 0 and link.ballots_required:
        problem = answering.ballot_problem(db.session, link, ballot)
        if problem:
            errors["_ballot"] = problem
    if errors:
        return _again(link, definition, key, index, raw, errors, message=FIX_MESSAGE, ballot=ballot)
    later = next_index(definition, index, {c: v for c, v in check.answers.items() if section_of[c] <= index})
    if later is not None:
        return _again(link, definition, key, later, raw, status=200, ballot=ballot)
    if check.errors:  # later pages show nothing, so none of their questions can fail; kept as a guard
        return _again(link, definition, key, first_bad, raw, check.errors, message=FIX_MESSAGE, ballot=ballot)
    recorded = answering.record_answer(lambda: db.session, link, definition, key,
                                       prune_hidden(definition, check.answers), _today(), ballot)
    outcome = recorded.outcome
    if outcome == "ballot":  # used meanwhile (another phone, same slip): say which, keep everything
        problem = answering.ballot_problem(db.session, link, ballot) or ballots.USED
        return _go(link, definition, key, 0, raw, {"_ballot": problem}, 400,
                   "作答码不能使用，请核对后再提交，您的答案都已保留。", ballot)
    if outcome == "stale":
        return None
    if outcome in LIMIT_MESSAGES:
        return _go(link, definition, key, index, raw, status=429, message=LIMIT_MESSAGES[outcome], ballot=ballot)
    resp = _thanks(link)
    if recorded.paces_release:  # committed, and one in five: the batch it may complete is released soon
        background = releaser(current_app)
        if background is not None:
            background.ask((link.campaign_id, link.enterprise_id, link.audience))
        else:  # inline, once the reply is sent (SURVEY_RELEASE_DELAY unset)
            resp.call_on_close(functools.partial(_publish_after, current_app._get_current_object(), link))
    return resp


def _publish_after(app, link) -> None:
    """Off the hot path (after the response): the release this answer completes, if any (``releases.after_answer``)."""
    try:
        with app.app_context():
            releases.after_answer(db.session, link.campaign_id, link.enterprise_id, link.audience)
    except Exception as exc:  # noqa: BLE001 - the answer is stored; the next answer or page makes the release
        # the type only: a message could carry statement parameters
        logging.getLogger(__name__).warning("survey release after an answer failed (%s)", type(exc).__name__)


def _thanks(link):
    """The answer is stored (now or by an earlier try): forget the draft, go to the thank-you page."""
    resp = redirect(f"/s/{link.token}/thanks", 303)
    draft.clear(resp, link.token)
    return resp


@bp.get("/s/<token>/thanks")
def thanks(token: str):
    """The thank-you page; its HTML depends on the link only, so each process keeps it.

    It also leaves the "answered on this phone" cookie (random, the same for
    nobody else), so reopening the link asks before a second answer.
    """
    cache = current_app.extensions.setdefault("survey_thanks", {})
    html = cache.get(token)
    if html is None:
        link = answering.public_link(db.session, token) if len(token) <= 64 else None
        definition = svc.definition_by_hash(db.session, link.definition_hash) if link else None
        if definition is None:
            abort_zh(404, "找不到这份问卷，请检查网址或重新扫描二维码。")
        html = render_template("survey_site/thanks.html", link=link, definition=definition,
                               enterprise_name=link.enterprise_name)
        if len(cache) >= THANKS_CACHED:
            cache.clear()
        cache[token] = html
    resp = make_response(html)
    resp.set_cookie(DONE_COOKIE, secrets.token_urlsafe(8), max_age=180 * 86400, path=f"/s/{token}",
                    httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return resp
