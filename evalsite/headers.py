"""Response headers every page carries: CSP with a per-request nonce, HSTS, no caching when signed in.

- **CSP**: no third-party load, no framing, and no inline script except one
  carrying this response's nonce (``<script nonce="{{ csp_nonce() }}">``).
  Inline event handlers (``onclick=``, ``onsubmit=``) never run: a form asks
  for confirmation with ``data-confirm="..."`` (``static/js/confirm.js``).
  ``tests/evalsite/test_headers.py`` scans every template for both.
- **HSTS** (``HSTS_MAX_AGE`` seconds, default one year in production, 0 = not
  sent elsewhere): the browser never again tries plain HTTP.
- **Cache-Control: no-store** on every response to a signed-in user (pages,
  PDFs, exports): a shared computer's back button or a proxy never replays an
  administrator's page. Static assets and the anonymous survey pages keep
  their own caching.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request

NONCE_BYTES = 16
ONE_YEAR = 365 * 24 * 3600
# No third-party request is ever needed: every page, the phone survey included, loads only from us.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'nonce-{nonce}'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; "
       "base-uri 'none'")
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


CSP_WITHOUT_NONCE = CSP.replace(" 'nonce-{nonce}'", "")  # a response that rendered no nonce allows no inline script


def csp_nonce() -> str:
    """This response's script nonce (one per request, unguessable)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(NONCE_BYTES)
    return g.csp_nonce


def _signed_in(app: Flask) -> bool:
    """True for a signed-in user; never touches the session of a request without its cookie (no
    ``Vary: Cookie`` added to the anonymous survey pages)."""
    if app.config.get("SESSION_COOKIE_NAME", "session") not in request.cookies:
        return False
    from flask_login import current_user

    return bool(current_user and current_user.is_authenticated)


def init_app(app: Flask) -> None:
    app.config.setdefault("HSTS_MAX_AGE", ONE_YEAR if app.config.get("ENV_NAME") == "production" else 0)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(resp):
        nonce = g.get("csp_nonce")  # set only when the page asked for one (a template's csp_nonce())
        resp.headers.setdefault("Content-Security-Policy", CSP.format(nonce=nonce) if nonce else CSP_WITHOUT_NONCE)
        for name, value in FIXED.items():
            resp.headers.setdefault(name, value)
        max_age = int(app.config.get("HSTS_MAX_AGE") or 0)
        if max_age > 0:
            resp.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
        if request.endpoint != "static" and _signed_in(app) \
                and "no-store" not in (resp.headers.get("Cache-Control") or ""):
            resp.headers["Cache-Control"] = "no-store"
        return resp
