"""集体协商质效评估平台 — the Flask application factory."""
from __future__ import annotations

import logging
import os

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    # INSTANCE_PATH (tests) keeps the development secret and the SQLite file out of the project folder
    app = Flask(__name__, instance_relative_config=True, instance_path=(config or {}).get("INSTANCE_PATH"))
    from . import config as settings

    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(settings.from_env(app.instance_path))
    if config:
        app.config.update(config)
    settings.finish(app.config, app.instance_path)
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)

    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    from . import cookie_session
    from .db import db
    from .extensions import csrf, limiter, login_manager

    db.init_app(app)
    cookie_session.init_app(app)
    from . import transaction

    transaction.init_app(app)  # one commit per write request (see transaction.py)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)

    from . import auth, errors, guards, main, templating

    templating.init_app(app)
    errors.init_app(app)
    guards.init_app(app)
    auth.init_app(app)
    app.register_blueprint(main.bp)
    from .cli import register_cli

    register_cli(app)
    _register_areas(app)
    _quiet_logs(app)
    return app


AREAS = ("registry", "survey_site", "survey_admin", "assessments", "reports", "dashboards", "batch")


def area_modules():
    """The area packages present (each exposes ``BLUEPRINTS`` or ``bp``, and may expose ``register_cli``)."""
    import importlib

    for name in AREAS:
        try:
            yield importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise


def _register_areas(app: Flask) -> None:
    """Each area's blueprints and, when it has any, its commands."""
    for module in area_modules():
        for bp in getattr(module, "BLUEPRINTS", None) or [getattr(module, "bp")]:
            app.register_blueprint(bp)
        hook = getattr(module, "register_cli", None)
        if hook:
            hook(app)


def _quiet_logs(app: Flask) -> None:
    """Werkzeug's access log prints client addresses and survey tokens: filter it."""
    from .logging_filters import AnonymisingFilter

    logging.getLogger("werkzeug").addFilter(AnonymisingFilter())
