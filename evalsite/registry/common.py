"""Small helpers shared by the registry views: paging, Chinese forms, choices."""
from __future__ import annotations

import re
from types import SimpleNamespace

from flask_wtf import FlaskForm
from sqlalchemy import Select, func, select
from wtforms.i18n import get_translations

from ..db import db
from ..models import Industry, ReportingUnit, User

PAGE_SIZE = 25
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


def paginate(stmt: Select, page_no: int | None, size: int = PAGE_SIZE):
    """Items of one page and a pager object for ``_macros.pager``."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max((total + size - 1) // size, 1)
    page_no = min(max(page_no or 1, 1), pages)
    items = db.session.scalars(stmt.offset((page_no - 1) * size).limit(size)).all()
    page = SimpleNamespace(page=page_no, pages=pages, total=total, has_prev=page_no > 1, has_next=page_no < pages)
    return items, page


def all_units() -> list[ReportingUnit]:
    return db.session.scalars(select(ReportingUnit).order_by(ReportingUnit.sort_order, ReportingUnit.id)).all()


def units_for(user: User) -> list[ReportingUnit]:
    """Units an administrator may file enterprises and accounts under."""
    if user.role == "city_admin":
        return [u for u in all_units() if u.kind != "city"]
    if user.role == "district_admin" and user.unit_id:
        return [db.session.get(ReportingUnit, user.unit_id)]
    return []


def all_industries() -> list[Industry]:
    return db.session.scalars(select(Industry).order_by(Industry.is_new_form, Industry.id)).all()


def bool_arg(raw: str | None):
    """'1' / '0' query arguments as True / False, anything else as no filter."""
    return {"1": True, "0": False}.get(raw or "")
