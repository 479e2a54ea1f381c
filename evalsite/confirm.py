"""Confirm, then act: every irreversible step asks once more, with or without JavaScript.

A step's view computes a *fingerprint* of the object's current state and
calls ``gate``. A GET, or a POST without a ``confirm`` field, answers with
the confirmation page (what will happen, and a form that posts again with the
fingerprint in ``confirm``). A POST whose ``confirm`` is the current
fingerprint goes ahead; one whose fingerprint no longer matches (the object
changed since the page was shown) is refused with 409 and nothing is done.
"""
from __future__ import annotations

import hashlib
import json
from typing import Iterable, Optional

from flask import render_template, request

from .errors import abort_zh
from .transaction import discard

STALE = ("确认页面显示之后，该内容已经发生变化（例如被他人修改、退回、审核或出具），本次操作未执行。"
         "请返回重新查看最新内容后再确认。")


def fingerprint(*parts) -> str:
    """A short digest of the state the user is asked to confirm."""
    raw = json.dumps(parts, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def confirmed(token: str) -> bool:
    """True when this POST confirms the current state; 409 when it confirms an older one."""
    if request.method != "POST":
        return False
    given = (request.form.get("confirm") or "").strip()
    if not given:
        return False
    if given != token:
        abort_zh(409, STALE)
    return True


def page(token: str, *, title: str, subject: str, consequences: Iterable[str], action_url: str, button: str,
         back_url: str, hidden: Optional[dict] = None, danger: bool = False, note: str = "",
         reason: Optional[dict] = None, status: int = 200):
    """The confirmation page: what will happen, and the form that confirms it.

    ``reason`` adds a required text field (dict with name, label, value and
    an optional error) for steps that need one (退回修改, 撤销). Nothing the request did on the
    way to this page is kept: the step happens when it is confirmed.
    """
    discard()
    return render_template("confirm.html", token=token, title=title, subject=subject,
                           consequences=list(consequences), action_url=action_url, button=button,
                           back_url=back_url, hidden=hidden or {}, danger=danger, note=note,
                           reason=reason), status


def gate(token: str, **page_kwargs):
    """None when confirmed (go ahead); otherwise the confirmation page to return."""
    if confirmed(token):
        return None
    return page(token, **page_kwargs)
