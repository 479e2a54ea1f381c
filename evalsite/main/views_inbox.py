"""The inbox: list, open (marks read), mark read, mark all read; nobody reaches another's messages (404)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import db, writing
from ..errors import abort_zh
from ..listing import Listing
from . import inbox
from .blueprint import bp

SHOW = {"all": "全部消息", "unread": "未读消息"}
PAGER = Listing("消息", [])  # paging only (page, per_page)


def _own_or_404(message_id: int):
    m = inbox.own_message(db.session, message_id, current_user.id)
    if m is None:
        abort(404)
    return m


@bp.get("/inbox")
@login_required
def inbox_list():
    show = request.args.get("show") or "all"
    if show not in SHOW:
        abort_zh(400, "参数“显示”只能是全部消息或未读消息。")
    rows, page = PAGER.page(inbox.mine(current_user.id, unread_only=show == "unread"), PAGER.parse())
    return render_template("main/inbox.html", rows=rows, page=page, show=show, shows=SHOW)


@bp.get("/inbox/<int:message_id>")
@login_required
def inbox_message(message_id):
    m = _own_or_404(message_id)
    if m.read_at is None:
        with writing():
            inbox.mark_read(db.session, m)
            # a GET is never committed by evalsite/transaction.py: opening a message is what marks it read
            db.session.commit()
    return render_template("main/message.html", m=m)


@bp.post("/inbox/<int:message_id>/read")
@login_required
def inbox_read(message_id):
    m = _own_or_404(message_id)
    inbox.mark_read(db.session, m)
    return redirect(url_for("main.inbox_list", show=request.args.get("show") or None))


@bp.post("/inbox/read-all")
@login_required
def inbox_read_all():
    n = inbox.mark_all_read(db.session, current_user.id)
    flash(f"已将 {n} 条消息标为已读。" if n else "没有未读消息。", "success")
    return redirect(url_for("main.inbox_list"))
