"""The registry's list declarations (``evalsite/listing.py``): enterprises."""
from __future__ import annotations

from sqlalchemy import select

from ..listing import Column, Filter, Listing, industry_filter, unit_filter
from ..models import Enterprise, Industry, ReportingUnit
from .common import SIZE_BANDS


def _size_where(key: str):
    _, low, high = SIZE_BANDS[key]
    cond = Enterprise.headcount >= low
    return cond if high is None else cond & (Enterprise.headcount <= high)


def _new_form_where(value: bool):
    cond = Enterprise.industry_id.in_(select(Industry.id).where(Industry.is_new_form.is_(True)))
    return cond if value else ~cond | Enterprise.industry_id.is_(None)


UNIT_ORDER = select(ReportingUnit.sort_order).where(ReportingUnit.id == Enterprise.unit_id).scalar_subquery()
INDUSTRY_NAME = select(Industry.name).where(Industry.id == Enterprise.industry_id).scalar_subquery()

ENTERPRISES = Listing(
    "企业名录",
    [
        Column("name", "企业名称", (Enterprise.name,), lambda e: e.name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda e: e.credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda e: e.unit.name),
        Column("industry", "行业", (INDUSTRY_NAME,), lambda e: e.industry.name if e.industry else ""),
        Column("headcount", "职工人数", (Enterprise.headcount,), lambda e: e.headcount, desc_first=True, num=True),
        Column("unionised", "已建会", (Enterprise.unionised,), lambda e: e.unionised),
        Column("above", "规上", (Enterprise.above_size,), lambda e: e.above_size),
    ],
    [
        unit_filter(Enterprise.unit_id),
        industry_filter(Enterprise.industry_id),
        Filter("size", "规模", "choice", [(k, band[0]) for k, band in SIZE_BANDS.items()], where=_size_where),
        Filter("unionised", "已建会", "bool", where=lambda v: Enterprise.unionised.is_(v)),
        Filter("above", "规上", "bool", where=lambda v: Enterprise.above_size.is_(v)),
        Filter("newform", "新业态", "bool", where=_new_form_where),
    ],
    search=(Enterprise.name, Enterprise.credit_code),
    default_sort="unit", tiebreak=(Enterprise.name, Enterprise.id),
)
