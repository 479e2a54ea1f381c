"""Accounts and roles."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .base import Timestamped, one_of
from .orgs import Enterprise, ReportingUnit

ROLES = {
    "city_admin": "市级管理员",
    "district_admin": "区级管理员",
    "evaluator": "评估员",
    "enterprise": "企业用户",
}
SIDES = {"union": "职工方", "management": "企业方"}


class User(UserMixin, Timestamped, Base):
    """An account. An enterprise account belongs to one enterprise and one side (职工方/企业方) and
    no other account has either; a district administrator always has their unit (the schema says so)."""

    __tablename__ = "user_account"
    __table_args__ = (
        one_of("role", ROLES),
        one_of("side", SIDES),
        CheckConstraint("(role = 'enterprise' AND enterprise_id IS NOT NULL AND side IS NOT NULL)"
                        " OR (role != 'enterprise' AND enterprise_id IS NULL AND side IS NULL)",
                        name="enterprise_account"),
        CheckConstraint("role != 'district_admin' OR unit_id IS NOT NULL", name="district_unit"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    # where notifications are e-mailed (evalsite/notifier.py) when MAIL_SERVER is configured; optional
    email: Mapped[Optional[str]] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("reporting_unit.id"), index=True)
    enterprise_id: Mapped[Optional[int]] = mapped_column(ForeignKey("enterprise.id"), index=True)
    side: Mapped[Optional[str]] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    # bumped on password change / deactivation so old sessions stop working
    session_version: Mapped[int] = mapped_column(default=1)
    # set when an administrator chose the password (new account, reset): every page asks for a new one
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # second factor (TOTP, RFC 6238): the base32 secret once enrolment is confirmed, and the last time
    # step accepted, so a code is never accepted twice
    totp_secret: Mapped[Optional[str]] = mapped_column(String(64))
    totp_enabled_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    totp_last_step: Mapped[Optional[int]] = mapped_column()

    unit: Mapped[Optional[ReportingUnit]] = relationship()
    enterprise: Mapped[Optional[Enterprise]] = relationship()

    @property
    def has_totp(self) -> bool:
        return bool(self.totp_secret and self.totp_enabled_at)

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


class UserSession(Base):
    """One signed-in browser: the cookie carries a random token, only its SHA-256 is stored here.

    Deleting the row ends the session at once (logout, password change, deactivation, "sign out
    everywhere"); ``last_seen_at`` and ``created_at`` give the idle and absolute limits.
    Used when no Redis is configured (``evalsite.auth.sessions``).
    """

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RecoveryCode(Base):
    """A single-use recovery code for the second factor, stored as salted SHA-256 (the code has 50 random bits)."""

    __tablename__ = "recovery_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(128))
    used_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
