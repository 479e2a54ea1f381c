"""Work-queue pages: the list behind each to-do line of the home page."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user, login_required

from ..campaign_context import campaign_or_404
from ..db import db
from ..listing import Listing
from ..timefmt import local_today
from .blueprint import bp
from .queue_rows import queue_rows
from .queues import BY_KEY, Ctx, queues_for

PAGER = Listing("待办", [])  # paging only (page, per_page): the queue's own select decides the rows


@bp.get("/todo/<key>")
@login_required
def queue(key):
    q = BY_KEY.get(key)
    if q is None:
        abort(404)
    if current_user.role not in q.roles:
        abort(403)
    campaign = campaign_or_404()
    ctx = Ctx(db.session, current_user._get_current_object(), campaign, local_today())
    entities, page = PAGER.page(q.query(ctx), PAGER.parse())
    headers, rows = queue_rows(q, ctx, list(entities))
    full = url_for(q.full_list[0], campaign=campaign.id, **q.full_list[1]) if q.full_list else None
    return render_template("main/queue.html", campaign=campaign, queue=q, headers=headers, rows=rows, page=page,
                           full_list=full,
                           others=[o for o in queues_for(current_user) if o.key != q.key])
