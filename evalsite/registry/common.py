"""Small helpers shared by the registry views: Chinese forms, choices (lists: ``evalsite/listing.py``).

The choice helpers read through the caller's ``session``, like the services.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.i18n import get_translations

from ..models import Industry, ReportingUnit, User

PHONE_RE = re.compile(r"^[0-9+\-()（） ]{7,20}$")

# size bands of the enterprise list: key -> (label, min, max)
SIZE_BANDS = {
    "lt100": ("100人以下", 0, 99),
    "100_299": ("100-299人", 100, 299),
    "300_999": ("300-999人", 300, 999),
    "1000": ("1000人及以上", 1000, None),
}


def phone_ok(value: str) -> bool:
    """Digits with the usual separators, at least 7 digits (landline or mobile)."""
    return bool(PHONE_RE.match(value)) and sum(ch.isdigit() for ch in value) >= 7


class ZhForm(FlaskForm):
    """WTForms' own messages (not a valid integer/date...) in Chinese, without Flask-Babel."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations(["zh"])


def all_units(session: Session) -> list[ReportingUnit]:
    return session.scalars(select(ReportingUnit).order_by(ReportingUnit.sort_order, ReportingUnit.id)).all()


def units_for(session: Session, user: User) -> list[ReportingUnit]:
    """Units an administrator may file enterprises and accounts under."""
    if user.role == "city_admin":
        return [u for u in all_units(session) if u.kind != "city"]
    if user.role == "district_admin" and user.unit_id:
        return [session.get(ReportingUnit, user.unit_id)]
    return []


def all_industries(session: Session) -> list[Industry]:
    return session.scalars(select(Industry).order_by(Industry.is_new_form, Industry.id)).all()
