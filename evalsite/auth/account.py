"""One's own account: setting or clearing one's own e-mail address (where notifications are sent).

The address decides where notification mail goes, so the view asks for the
current password first (a borrowed, still signed-in browser cannot redirect
someone's mail). Administrators set other people's addresses in the registry.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy.orm import Session

from ..audit import record
from ..models import User


def set_own_email(session: Session, user: User, email: Optional[str]) -> bool:
    """Set (or clear, with None) the user's e-mail; audited in the caller's transaction. False when unchanged."""
    email = (email or "").strip() or None
    old = user.email or None
    if email == old:
        return False
    user.email = email
    session.flush()
    summary = f"{user.username} {'清除' if email is None else '设置'}本人的电子邮箱"
    record("email_change", "user", user.id, summary, {"changes": {"email": [old, email]}}, user=user)
    return True
