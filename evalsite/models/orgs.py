"""Organisations: reporting units, industries and enterprises."""
from __future__ import annotations

from typing import Optional

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import Timestamped, one_of

UNIT_KINDS = {
    "city": "市",
    "district": "区",
    "county_city": "县级市",
    "zone": "开发区/功能区",
    "industry_union": "市直产业工会",
    "enterprise_union": "市直企业工会",
}


class ReportingUnit(Base):
    """A row of 附件1: a district, county-level city, zone or city-level union.

    Not a pure region tree (DOMAIN §8.2): industry and enterprise unions report too.
    """

    __tablename__ = "reporting_unit"
    __table_args__ = (one_of("kind", UNIT_KINDS),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reporting_unit.id"))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Optional["ReportingUnit"]] = relationship(remote_side="ReportingUnit.id")

    @property
    def kind_label(self) -> str:
        return UNIT_KINDS.get(self.kind, self.kind)


class Industry(Base):
    __tablename__ = "industry"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    is_new_form: Mapped[bool] = mapped_column(Boolean, default=False)


class Enterprise(Timestamped, Base):
    __tablename__ = "enterprise"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("reporting_unit.id"), index=True)
    industry_id: Mapped[Optional[int]] = mapped_column(ForeignKey("industry.id"), index=True)
    headcount: Mapped[int] = mapped_column(Integer)
    unionised: Mapped[bool] = mapped_column(Boolean, default=True)
    above_size: Mapped[bool] = mapped_column(Boolean, default=False)
    normally_operating: Mapped[bool] = mapped_column(Boolean, default=True)
    address: Mapped[Optional[str]] = mapped_column(String(300))
    union_chair: Mapped[Optional[str]] = mapped_column(String(50))
    union_chair_phone: Mapped[Optional[str]] = mapped_column(String(30))
    hr_contact: Mapped[Optional[str]] = mapped_column(String(50))
    hr_contact_phone: Mapped[Optional[str]] = mapped_column(String(30))
    notes: Mapped[Optional[str]] = mapped_column(Text)

    unit: Mapped[ReportingUnit] = relationship()
    industry: Mapped[Optional[Industry]] = relationship()

    @property
    def is_new_form(self) -> bool:
        return bool(self.industry and self.industry.is_new_form)
