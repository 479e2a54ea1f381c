"""Flask's signed-cookie session: none at all on the public survey, and a signer built once per secret.

The public survey (``/s/...``) is anonymous and keeps nothing in Flask's session (its CSRF and draft
have cookies of their own, ``survey_site/csrf.py`` and ``draft.py``), so its requests get Flask's
null session: no cookie read or written, and no ``Vary: Cookie`` on the workers' pages (Flask-Login's
remember-me check reads the session after every request). A write to it would fail loudly.

``SecureCookieSessionInterface`` derives a new itsdangerous serializer for every request, even one
that carries no session cookie at all (every worker's answer on the public survey). The serializer
depends only on the secret key, its fallbacks and the interface's fixed settings, so it is kept and
built again only when those change (a key rotated in the running app's config).
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


SURVEY_PREFIX = "/s/"  # the public survey blueprint's URLs (survey_site)


class CachedSignerSessionInterface(SecureCookieSessionInterface):
    _signer: tuple | None = None

    def open_session(self, app: Flask, request):
        if request.path.startswith(SURVEY_PREFIX):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask):
        secret = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._signer
        if cached is None or cached[0] != secret:
            cached = self._signer = (secret, super().get_signing_serializer(app))
        return cached[1]


def init_app(app: Flask) -> None:
    app.session_interface = CachedSignerSessionInterface()
