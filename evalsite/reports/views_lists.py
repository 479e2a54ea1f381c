"""The lists of rectification items and of supervision letters (search, filters, sorting, paging, XLSX)."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..campaign_context import campaign_or_404
from ..timefmt import local_today
from .blueprint import bp
from .lists import ITEMS, LETTERS, items_select, letters_select
from .views_reports import STAFF
from ..access import roles_required


def _list(listing, stmt, template: str, campaign):
    lq = listing.parse()
    stmt = listing.apply(stmt, lq)
    if lq.export:
        return listing.xlsx_response(stmt, scalars=False)
    rows, page = listing.page(stmt, lq, scalars=False)
    return render_template(template, campaign=campaign, rows=rows, page=page, lst=listing, lq=lq, today=local_today())


@bp.get("/items")
@roles_required(*STAFF)
def items():
    """Rectification items of the campaign: ``?status=submitted`` awaits acceptance, ``?overdue=1`` is late."""
    campaign = campaign_or_404()
    return _list(ITEMS, items_select(current_user, campaign.id), "reports/items.html", campaign)


@bp.get("/letters")
@roles_required(*STAFF)
def letters():
    """Supervision letters of the campaign (drafts for administrators only); ``?awaiting=1``: no answer yet."""
    campaign = campaign_or_404()
    return _list(LETTERS, letters_select(current_user, campaign.id), "reports/letters.html", campaign)
