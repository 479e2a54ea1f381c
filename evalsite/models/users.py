"""Accounts and roles."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import Timestamped
from .orgs import Enterprise, ReportingUnit

ROLES = {
    "city_admin": "市级管理员",
    "district_admin": "区级管理员",
    "evaluator": "评估员",
    "enterprise": "企业用户",
}
SIDES = {"union": "职工方", "management": "企业方"}


class User(UserMixin, Timestamped, Base):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reporting_unit.id"), index=True)
    enterprise_id: Mapped[Optional[int]] = mapped_column(ForeignKey("enterprise.id"), index=True)
    side: Mapped[Optional[str]] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # bumped on password change / deactivation so old sessions stop working
    session_version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Optional[ReportingUnit]] = relationship()
    enterprise: Mapped[Optional[Enterprise]] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def side_label(self) -> str:
        return SIDES.get(self.side or "", "")

    @property
    def is_city_admin(self) -> bool:
        return self.role == "city_admin"

    @property
    def is_district_admin(self) -> bool:
        return self.role == "district_admin"

    @property
    def is_admin(self) -> bool:
        return self.role in ("city_admin", "district_admin")

    @property
    def is_evaluator(self) -> bool:
        return self.role == "evaluator"

    @property
    def is_enterprise(self) -> bool:
        return self.role == "enterprise"
