"""The survey form's own CSRF check: a random cookie on the phone and a signed token in the form.

Why not Flask-WTF's token (the rest of the site keeps it): it lives in Flask's session cookie, so every
answer would open, and on a phone's first POST rewrite, a signed session, and every survey page would
carry ``Vary: Cookie``. That was a fifth of the submit's time (bench/README.md). The protection is the same
double-submit: the page sets ``scsrf`` (random, HttpOnly, SameSite=Lax, Secure when the site is, scoped to
``/s/``, gone with the browser session) and puts ``<issued>.<HMAC(secret, cookie, issued)>`` in the form; a
POST passes only with a token made for the cookie it carries, younger than ``WTF_CSRF_TIME_LIMIT``
(seconds, 3600 by default; ``None`` means no age limit). A page on another site can neither read the
cookie nor compute the token. The cookie is random and the same for nobody else; the server keeps no copy.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from flask import current_app, g, request

COOKIE = "scsrf"
COOKIE_PATH = "/s/"
CLOCK_SKEW = 60  # seconds another web machine's clock may be ahead
_KEYS: dict[bytes, bytes] = {}  # the app secret -> the key derived for this purpose (computed once)


def _key() -> bytes:
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    key = _KEYS.get(secret)
    if key is None:
        key = _KEYS[secret] = hmac.new(secret, b"evalsite survey csrf", hashlib.sha256).digest()
    return key


def _mac(cookie: str, issued: str) -> str:
    return hmac.new(_key(), f"{cookie}|{issued}".encode(), hashlib.sha256).hexdigest()


def _cookie() -> str:
    """This phone's random value: the one it sent, else a new one (set on the answer, ``set_cookie``)."""
    value = g.get("survey_csrf_new") or request.cookies.get(COOKIE, "")
    if not (16 <= len(value) <= 64 and value.isascii()):
        value = g.survey_csrf_new = secrets.token_urlsafe(16)
    return value


def token() -> str:
    """The token for the page being rendered."""
    issued = str(int(time.time()))
    return f"{issued}.{_mac(_cookie(), issued)}"


def valid(sent: str | None) -> bool:
    """True for a token made for this phone's cookie and not too old."""
    cookie = request.cookies.get(COOKIE, "")
    issued, _, mac = (sent or "").partition(".")
    if not cookie or not issued.isdigit() or len(issued) > 12 or len(mac) != 64:
        return False
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if limit is not None and not -CLOCK_SKEW <= time.time() - int(issued) <= limit:
        return False
    return hmac.compare_digest(mac, _mac(cookie, issued))


def set_cookie(resp):
    """After the request: give the phone the cookie a token was just made for."""
    value = g.get("survey_csrf_new")
    if value:
        resp.set_cookie(COOKIE, value, path=COOKIE_PATH, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return resp
