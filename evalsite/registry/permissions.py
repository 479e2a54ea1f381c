"""Who may see or change contracts, accounts and enrolments (beyond evalsite.access).

Each function fetches the object named in the URL and answers 404 when it
does not exist and 403 when the current user may not touch it. Request-level like
``evalsite/access.py``, they read through the request's ``db.session``.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..access import can_edit_enterprise, can_view_enterprise, scope_enterprises, scope_users
from ..db import db
from ..models import CollectiveContract, ContractCoverage, Enterprise, User

# roles a creator may give to new accounts
CREATABLE_ROLES = {
    "city_admin": ("city_admin", "district_admin", "evaluator", "enterprise"),
    "district_admin": ("district_admin", "evaluator", "enterprise"),
}


def _covered_ids(contract: CollectiveContract) -> list[int]:
    return list(db.session.scalars(select(ContractCoverage.enterprise_id).where(
        ContractCoverage.contract_id == contract.id)))


def can_view_contract(user, contract: CollectiveContract) -> bool:
    if contract.enterprise_id is not None:
        return can_view_enterprise(user, contract.enterprise)
    if user.role == "city_admin":
        return True
    if user.role == "district_admin" and contract.unit_id == user.unit_id:
        return True
    covered = _covered_ids(contract)
    if not covered:
        return False
    visible = scope_enterprises(select(Enterprise.id), user).where(Enterprise.id.in_(covered)).limit(1)
    return db.session.scalar(visible) is not None


def can_edit_contract(user, contract: CollectiveContract) -> bool:
    if contract.enterprise_id is not None:
        return can_edit_enterprise(user, contract.enterprise)
    return user.role == "city_admin" or (user.role == "district_admin" and contract.unit_id == user.unit_id)


def contract_or_403(contract_id: int, edit: bool = False) -> CollectiveContract:
    contract = db.session.get(CollectiveContract, contract_id)
    if contract is None:
        abort(404)
    allowed = can_edit_contract if edit else can_view_contract
    if not allowed(current_user, contract):
        abort(403)
    return contract


def editable_enterprise_or_403(enterprise_id: int) -> Enterprise:
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None:
        abort(404)
    if not can_edit_enterprise(current_user, enterprise):
        abort(403)
    return enterprise


def managed_user_or_403(user_id: int) -> User:
    """An account the current administrator manages (district admins: their unit)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if current_user.role not in CREATABLE_ROLES:
        abort(403)
    in_scope = db.session.scalar(scope_users(select(User.id), current_user).where(User.id == user_id))
    if in_scope is None:
        abort(403)
    return user
