"""Who may see what: role checks and the enterprise scope of each user.

Every view that takes an enterprise (or something belonging to one) from
the URL goes through ``enterprise_or_403`` so that changing an id in a URL
never shows another enterprise's data. Request-level (the signed-in user, the
object in the URL): it reads through the request's ``db.session``.
"""
from __future__ import annotations

from functools import wraps
from typing import Optional

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, false, select

from .db import db
from .models import Enterprise, EvaluatorAssignment, User


def roles_required(*roles: str):
    """Allow only logged-in users with one of the roles (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required("city_admin", "district_admin")
city_admin_required = roles_required("city_admin")


def scope_enterprises(stmt: Select, user: User, campaign_id: Optional[int] = None) -> Select:
    """Restrict a select over Enterprise to what the user may see."""
    if user.role == "city_admin":
        return stmt
    if user.role == "district_admin":
        return stmt.where(Enterprise.unit_id == user.unit_id)
    if user.role == "enterprise":
        return stmt.where(Enterprise.id == user.enterprise_id)
    if user.role == "evaluator":
        assigned = select(EvaluatorAssignment.enterprise_id).where(EvaluatorAssignment.evaluator_id == user.id)
        if campaign_id is not None:
            assigned = assigned.where(EvaluatorAssignment.campaign_id == campaign_id)
        return stmt.where(Enterprise.id.in_(assigned))
    return stmt.where(false())


def visible_enterprise_ids(user: User, campaign_id: Optional[int] = None) -> Select:
    return scope_enterprises(select(Enterprise.id), user, campaign_id)


def can_view_enterprise(user: User, enterprise: Enterprise, campaign_id: Optional[int] = None) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == "city_admin":
        return True
    if user.role == "district_admin":
        return enterprise.unit_id == user.unit_id
    if user.role == "enterprise":
        return enterprise.id == user.enterprise_id
    if user.role == "evaluator":
        stmt = select(EvaluatorAssignment.id).where(
            EvaluatorAssignment.evaluator_id == user.id, EvaluatorAssignment.enterprise_id == enterprise.id
        )
        if campaign_id is not None:
            stmt = stmt.where(EvaluatorAssignment.campaign_id == campaign_id)
        return db.session.scalar(stmt.limit(1)) is not None
    return False


def can_edit_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Registry data is edited by administrators of its region."""
    return user.role == "city_admin" or (user.role == "district_admin" and enterprise.unit_id == user.unit_id)


def enterprise_or_403(enterprise_id: int, campaign_id: Optional[int] = None) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        abort(404)
    if not can_view_enterprise(current_user, enterprise, campaign_id):
        abort(403)
    return enterprise


def scope_users(stmt: Select, user: User) -> Select:
    """District administrators manage only the accounts of their region."""
    if user.role == "city_admin":
        return stmt
    if user.role == "district_admin":
        in_region = select(Enterprise.id).where(Enterprise.unit_id == user.unit_id)
        return stmt.where(
            (User.unit_id == user.unit_id) & (User.role.in_(["district_admin", "evaluator"]))
            | (User.enterprise_id.in_(in_region))
        )
    return stmt.where(User.id == user.id)
