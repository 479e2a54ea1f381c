from __future__ import annotations

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from ..timefmt import local_today
from ..db import db
from ..campaign_context import current_campaign
from . import enterprise_panel as panel
from .blueprint import bp
from .todo import todos


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    campaign = current_campaign(db.session)
    today = local_today()
    items = todos(db.session, current_user, campaign, today) if campaign else []
    mine = {}
    if campaign and current_user.role == "enterprise" and current_user.enterprise_id:
        mine = dict(deadlines=panel.deadlines(db.session, current_user, campaign, today),
                    self_return=panel.self_return(db.session, current_user, campaign),
                    links=panel.survey_links(db.session, current_user, campaign))
    return render_template("main/home.html", campaign=campaign, todos=items, mine=mine)


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
