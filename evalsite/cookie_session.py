"""Flask's signed-cookie session, with its signer built once per secret instead of on every request.

``SecureCookieSessionInterface`` derives a new itsdangerous serializer for every request, even one
that carries no session cookie at all (every worker's answer on the public survey). The serializer
depends only on the secret key, its fallbacks and the interface's fixed settings, so it is kept and
built again only when those change (a key rotated in the running app's config).
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CachedSignerSessionInterface(SecureCookieSessionInterface):
    _signer: tuple | None = None

    def get_signing_serializer(self, app: Flask):
        secret = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._signer
        if cached is None or cached[0] != secret:
            cached = self._signer = (secret, super().get_signing_serializer(app))
        return cached[1]


def init_app(app: Flask) -> None:
    app.session_interface = CachedSignerSessionInterface()
