"""The enterprise hub: one page per enterprise and campaign, each section linking to where the work is done."""
from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user, login_required

from ..access import can_edit_enterprise, enterprise_or_403
from ..campaign_context import campaign_for
from ..db import db
from ..errors import abort_zh
from ..models import Campaign, Enterprise
from ..models.contracts import REVIEW_RESULTS
from ..survey_data.results import LIGHTS
from ..survey_data.store import public_url
from ..timefmt import local_today
from . import hub as data
from .blueprint import bp


def _render(enterprise_id: int, campaign: Campaign | None):
    if db.session.get(Enterprise, enterprise_id) is None:
        abort(404)
    if campaign is None:
        abort_zh(404, "尚未创建行动，或指定的行动不存在。")
    enterprise = enterprise_or_403(enterprise_id, campaign.id)
    hub = data.gather(db.session, current_user, enterprise, campaign)
    return render_template("registry/hub.html", hub=hub, e=enterprise, campaign=campaign, today=local_today(),
                           can_edit=can_edit_enterprise(current_user, enterprise), review_labels=REVIEW_RESULTS,
                           public_url=public_url, lights=LIGHTS)


@bp.get("/enterprises/<int:enterprise_id>/hub")
@login_required
def hub_current(enterprise_id: int):
    """The hub for the current campaign (the newest when none is marked current)."""
    return _render(enterprise_id, campaign_for(db.session))


@bp.get("/enterprises/<int:enterprise_id>/campaigns/<int:campaign_id>")
@login_required
def hub(enterprise_id: int, campaign_id: int):
    return _render(enterprise_id, db.session.get(Campaign, campaign_id))
