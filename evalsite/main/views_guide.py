"""操作指南: one page per role (guide.yaml), reachable from the header of every page."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from flask import abort, current_app, render_template, url_for
from flask_login import current_user, login_required

from .blueprint import bp

GUIDE_FILE = Path(__file__).with_name("guide.yaml")
GUIDE_KEYS = ("city_admin", "district_admin", "evaluator", "enterprise_union", "enterprise_management")


@lru_cache(maxsize=1)
def guides() -> dict:
    """The guides, checked at load: every role has one and every step a title and a text."""
    data = yaml.safe_load(GUIDE_FILE.read_text(encoding="utf-8")) or {}
    found = data.get("guides") or {}
    missing = [k for k in GUIDE_KEYS if k not in found]
    if missing:
        raise ValueError(f"{GUIDE_FILE.name}: no guide for {', '.join(missing)}")
    for key, guide in found.items():
        steps = guide.get("steps") or []
        if not guide.get("title") or not steps or not all(s.get("title") and s.get("text") for s in steps):
            raise ValueError(f"{GUIDE_FILE.name}: guide {key} needs a title and steps with a title and a text")
    return found


def guide_key(user) -> str:
    if user.role == "enterprise":
        return "enterprise_management" if user.side == "management" else "enterprise_union"
    return user.role if user.role in GUIDE_KEYS else "enterprise_union"


def _link(endpoint):
    if endpoint and endpoint in current_app.view_functions:
        try:
            return url_for(endpoint)
        except Exception:  # an endpoint that needs parameters: no link
            return None
    return None


@bp.get("/guide")
@bp.get("/guide/<key>")
@login_required
def guide(key=None):
    """The guide of the user's own role, or (any logged-in user) of another role, to see the whole cycle."""
    key = key or guide_key(current_user)
    data = guides().get(key)
    if data is None:
        abort(404)
    steps = [dict(step, href=_link(step.get("page"))) for step in data["steps"]]
    others = [(k, guides()[k]["title"]) for k in GUIDE_KEYS if k != key]
    return render_template("main/guide.html", guide=data, steps=steps, others=others,
                           own=key == guide_key(current_user))
