"""Second factor (ASVS V6.5/V6.6): TOTP (RFC 6238, pyotp) with enrolment by QR code, and recovery codes.

Required of city and district administrators when ``MFA_REQUIRED_FOR_ADMINS`` is on (default on,
off in the development mode and in tests unless set); anyone who enrolled uses it too. A code is
accepted once: the time step of the last accepted code is kept, so a replayed (or an older) code is
refused. Ten recovery codes are shown once and kept as salted SHA-256 (each has 50 random bits);
each opens one login.

Between the password and the second factor the browser holds only a "pending" mark in its session
(user id, account version, when), valid ``PENDING_MINUTES``; nobody is signed in until the code.
Reading that mark (``pending_user``) is request-level and uses ``db.session``; the writes take the
caller's ``session``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyotp
from flask import current_app, session
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import db
from ..models import RecoveryCode, User
from . import sessions

ISSUER = "集体协商质效评估平台"
STEP = 30
PENDING_MINUTES = 5
RECOVERY_CODES = 10
PENDING_KEY = "_mfa_pending"


def required_for(user: User) -> bool:
    return bool(current_app.config.get("MFA_REQUIRED_FOR_ADMINS")) and user.role in ("city_admin", "district_admin")


def needed(user: User) -> bool:
    return user.has_totp or required_for(user)


# --- the pending state between password and code -------------------------------------------------

def start_pending(user: User, next_url: str | None) -> None:
    session.clear()
    session[PENDING_KEY] = {"user": user.id, "version": user.session_version,
                            "at": sessions.now_epoch(), "next": next_url or ""}


def pending_user() -> User | None:
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    try:
        age = sessions.now_epoch() - float(data["at"])
        user = db.session.get(User, int(data["user"]))
    except (KeyError, TypeError, ValueError):
        return None
    if age > PENDING_MINUTES * 60 or age < 0 or user is None or not user.active \
            or user.session_version != data.get("version"):
        return None
    return user


def pending_next() -> str:
    data = session.get(PENDING_KEY)
    return (data or {}).get("next", "") if isinstance(data, dict) else ""


# --- TOTP -------------------------------------------------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace() and ch != "-").lower()


def accept_totp(user: User, secret: str, code: str) -> bool:
    """True for a code of the current step or one step either side, newer than the last one accepted."""
    code = _clean(code)
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    current = int(sessions.now_epoch()) // STEP
    for step in (current - 1, current, current + 1):
        if step <= (user.totp_last_step or -1):
            continue
        if hmac.compare_digest(totp.at(step * STEP), code):
            user.totp_last_step = step
            return True
    return False


# --- recovery codes -----------------------------------------------------------------------------------

def _digest(code: str, salt: str) -> str:
    return hashlib.sha256((salt + ":" + _clean(code)).encode()).hexdigest()


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes by ten new ones; the plain codes are returned to show once."""
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(7)).decode().lower()[:10]  # 50 bits
        salt = secrets.token_hex(8)
        session.add(RecoveryCode(user_id=user.id, code_hash=f"{salt}${_digest(raw, salt)}"))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    cleaned = _clean(code)
    if len(cleaned) != 10:
        return False
    rows = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                      RecoveryCode.used_at.is_(None))).all()
    for row in rows:
        salt, _, digest = row.code_hash.partition("$")
        if hmac.compare_digest(_digest(cleaned, salt), digest):
            row.used_at = sessions.now()
            return True
    return False


def recovery_codes_left(session: Session, user: User) -> int:
    return len(session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                             RecoveryCode.used_at.is_(None))).all())


def enable(session: Session, user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled_at = sessions.now()
    return new_recovery_codes(session, user)


def reset(session: Session, user: User) -> None:
    """An administrator's reset after a lost phone: enrol again at the next login."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
