"""Which campaign a page or a command is about: one rule for every area.

``?campaign=<id>`` (or a form's ``campaign_id``) when given, else the
current campaign, else the newest one. ``campaign_or_404`` reads the request and
so uses the request's ``db.session``; the other functions take a ``session``.
"""
from __future__ import annotations

from typing import Optional

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import db
from .errors import abort_zh
from .inputs import values_int
from .models import Campaign


def current_campaign(session: Session) -> Optional[Campaign]:
    """The campaign marked current (the newest if several are)."""
    return session.scalar(select(Campaign).where(Campaign.is_current.is_(True)).order_by(Campaign.id.desc()))


def campaign_for(session: Session, campaign_id: Optional[int] = None) -> Optional[Campaign]:
    """The campaign with that id, else the current one, else the newest."""
    if campaign_id:
        return session.get(Campaign, campaign_id)
    return current_campaign(session) or session.scalar(select(Campaign).order_by(Campaign.id.desc()))


def campaign_or_404() -> Campaign:
    """The campaign the request names, or the current one; a Chinese 404 when there is none."""
    cid = values_int("campaign", label="行动") or values_int("campaign_id", label="行动")
    campaign = campaign_for(db.session, cid)
    if campaign is None:
        abort_zh(404, "尚未创建行动，或指定的行动不存在。")
    return campaign
