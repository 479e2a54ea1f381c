"""Small helpers shared by the assessment views: campaign, enterprise, error pages."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..access import enterprise_or_403
from ..campaign_context import campaign_or_404  # noqa: F401  (re-exported for the views)
from ..errors import abort_zh




def own_enterprise():
    """The enterprise user's own enterprise (404 if the account has none)."""
    if current_user.enterprise is None:
        abort_zh(404, "该账号未关联企业。")
    return current_user.enterprise


def visible_enterprise(enterprise_id: int, campaign_id: int | None = None):
    return enterprise_or_403(enterprise_id, campaign_id)


def render_with(template: str, status: int = 200, **context):
    return render_template(template, **context), status


def discrepant(system, code: str, self_points, ext_points) -> bool:
    """|self − external| ≥ the system's share (50 %) of the indicator's points."""
    if self_points is None or ext_points is None:
        return False
    ind = system.indicator(code)
    return abs(self_points - ext_points) >= system.discrepancy.indicator_share * ind.points - 1e-9
