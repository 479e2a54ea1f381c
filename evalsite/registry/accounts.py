"""Account rules: which roles and units an administrator may give, and the audited writes.

District administrators create only district administrators and evaluators of
their own unit, and enterprise accounts for enterprises in it. Every function takes the caller's
``session`` and never commits (the request commits once, ``evalsite/transaction.py``).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..auth import sessions
from ..auth.passwords import hash_password
from ..creditcode import validate as validate_code
from ..models import Enterprise, ReportingUnit, User
from ..models.users import ROLES, SIDES
from .permissions import CREATABLE_ROLES
from .service import apply_changes


def account_problems(session: Session, creator: User, role: str, unit_id: int | None,
                     enterprise_code: str, side: str) -> tuple[dict[str, list[str]], dict]:
    """Field errors, and the resolved values {role, unit_id, enterprise_id, side} when there are none."""
    errors: dict[str, list[str]] = {}
    values = {"role": role, "unit_id": None, "enterprise_id": None, "side": None}

    def err(name, message):
        errors.setdefault(name, []).append(message)

    if role not in ROLES:
        err("role", "请选择角色")
        return errors, values
    if role not in CREATABLE_ROLES.get(creator.role, ()):
        err("role", f"您无权创建“{ROLES[role]}”账号")
        return errors, values
    if role in ("district_admin", "evaluator"):
        unit = session.get(ReportingUnit, unit_id) if unit_id else None
        if unit is None or unit.kind == "city":
            err("unit_id", "请选择所属单位（区市、功能区或市直工会）")
        elif creator.role == "district_admin" and unit.id != creator.unit_id:
            err("unit_id", "只能为本单位创建账号")
        else:
            values["unit_id"] = unit.id
    if role == "enterprise":
        check = validate_code(enterprise_code or "")
        enterprise = None
        if not check.ok:
            err("enterprise_code", check.error)
        else:
            enterprise = session.scalar(select(Enterprise).where(Enterprise.credit_code == check.code))
            if enterprise is None:
                err("enterprise_code", f"平台内没有统一社会信用代码为 {check.code} 的企业")
            elif creator.role == "district_admin" and enterprise.unit_id != creator.unit_id:
                err("enterprise_code", f"{enterprise.name} 不属于本单位，不能为其创建账号")
            else:
                values["enterprise_id"] = enterprise.id
                values["unit_id"] = enterprise.unit_id
        if side not in SIDES:
            err("side", "企业用户须选择职工方或企业方")
        else:
            values["side"] = side
    return errors, values


def create_user(session: Session, username: str, display_name: str, password: str, values: dict) -> User:
    # an administrator chose the password: the owner replaces it at first login
    user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                must_change_password=True, **values)
    session.add(user)
    session.flush()
    record("user_create", "user", user.id, f"创建账号 {username}（{ROLES[user.role]}）",
           {k: v for k, v in values.items() if v is not None})
    return user


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivation (and reactivation) bumps session_version so every open session of the user ends."""
    user.active = active
    user.session_version = (user.session_version or 1) + 1
    sessions.end_all(user.id)
    record("user_reactivate" if active else "user_deactivate", "user", user.id,
           f"{'启用' if active else '停用'}账号 {user.username}")


def reset_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = True  # known to the administrator: the owner replaces it at next login
    user.session_version = (user.session_version or 1) + 1
    sessions.end_all(user.id)
    record("user_password_reset", "user", user.id, f"重置账号 {user.username} 的密码")


def reset_second_factor(session: Session, user: User) -> None:
    """After a lost phone and lost recovery codes: the user enrols again at the next login."""
    from ..auth import mfa

    mfa.reset(session, user)
    user.session_version = (user.session_version or 1) + 1
    sessions.end_all(user.id)
    record("user_mfa_reset", "user", user.id, f"重置账号 {user.username} 的两步验证")


def end_sessions(session: Session, user: User) -> None:
    """An administrator's "sign out everywhere": every browser of the user must log in again."""
    sessions.end_all(user.id)
    record("user_sessions_end", "user", user.id, f"退出账号 {user.username} 的所有登录")


def update_user(session: Session, user: User, values: dict) -> dict:
    """Name, e-mail, unit or side as edited; audited when something changed."""
    changes = apply_changes(user, values)
    if changes:
        record("user_update", "user", user.id, f"修改账号 {user.username}", {"changes": changes})
    return changes


def username_taken(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(User.username == username)) is not None
