"""Where a half-filled questionnaire lives between two pages: a signed cookie on the phone.

Every POST of the survey answers with a redirect (post/redirect/get), so the
phone's history holds only GET pages: its back button and WeChat's "<" never
land on a "confirm resubmission" page. The answers of the pages done so far
must survive that redirect somewhere. The choices were:

- a server-side draft keyed by a random id (in the form or a cookie): refused.
  The server would hold a worker's answers before they are anonymous
  submissions, with the times of each page, and the id would tie a phone to
  them; a database row or a Redis key is also what a log, a backup or an
  administrator could read. Nothing identifying may sit beside an answer.
- answers in the redirect URL: refused, URLs end up in logs and in a
  forwarded WeChat link.
- hidden fields alone: they carry the answers inside a form (and still do, so
  the last POST is complete in itself), but cannot survive a redirect.
- **a cookie on the phone, signed** (chosen). It holds the idempotency key,
  the page reached, the answers as typed, the ballot code and the message of a
  refused page. It is never written on the server: the server reads it, shows
  the page and forgets it. It is scoped to the link's path, HttpOnly,
  SameSite=Lax, Secure when the site is, and has no expiry date (a browser
  session cookie); it is deleted when the answer is stored. The signature
  (the app's secret, its own salt) is not for the answers, which are checked
  again anyway, but for the message and status it carries: nobody can make the
  survey page display a text we did not write.

A cookie holds about 4 KB, so the draft may take two (``DRAFT_PARTS``); a draft
larger than that (pages of long free text) is not redirected but shown
directly, with its answers in the form as before: that page may ask to
resubmit on "back", but no answer is lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "sdraft"
DRAFT_PARTS = 2
PART_SIZE = 3800  # characters per cookie, under the ~4096 bytes browsers keep with its name and attributes


@dataclass
class Draft:
    key: str
    index: int  # the page the last POST led to
    raw: dict[str, list[str]]
    ballot: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    status: int = 200


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="survey-draft")


def _path(token: str) -> str:
    return f"/s/{token}"


def read(token: str, definition_hash: str) -> Draft | None:
    """The draft sent by this phone for this link and questionnaire, or None."""
    parts = [request.cookies.get(COOKIE + ("" if i == 0 else str(i))) for i in range(DRAFT_PARTS)]
    if not parts[0]:
        return None
    text = "".join(p for p in parts if p)
    try:
        data = _serializer().loads(text)
        if data.get("d") != definition_hash[:16]:
            return None
        raw = {str(c): [str(v) for v in values] for c, values in data["a"].items() if isinstance(values, list)}
        return Draft(str(data["k"]), int(data["s"]), raw, str(data.get("b", "")), dict(data.get("e") or {}),
                     data.get("m"), int(data.get("c", 200)))
    except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


def write(resp, token: str, definition_hash: str, draft: Draft) -> bool:
    """Put the draft on the response; False (nothing set) when it is too large for the cookies."""
    text = _serializer().dumps({"d": definition_hash[:16], "k": draft.key, "s": draft.index, "a": draft.raw,
                                "b": draft.ballot, "e": draft.errors, "m": draft.message, "c": draft.status})
    chunks = [text[i:i + PART_SIZE] for i in range(0, len(text), PART_SIZE)]
    if len(chunks) > DRAFT_PARTS:
        return False
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    for i in range(DRAFT_PARTS):
        name = COOKIE + ("" if i == 0 else str(i))
        if i < len(chunks):
            resp.set_cookie(name, chunks[i], path=_path(token), httponly=True, samesite="Lax", secure=secure)
        elif request.cookies.get(name):
            resp.delete_cookie(name, path=_path(token))
    return True


def clear(resp, token: str) -> None:
    """Forget the draft (the answer is stored): only the cookies the phone actually sent."""
    for i in range(DRAFT_PARTS):
        name = COOKIE + ("" if i == 0 else str(i))
        if request.cookies.get(name):
            resp.delete_cookie(name, path=_path(token), httponly=True, samesite="Lax")
