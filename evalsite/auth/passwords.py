"""Argon2 password hashing."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """A Chinese message when the password is too weak, else None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少需要{MIN_LENGTH}个字符"
    if password.isdigit() or password.isalpha():
        return "密码需同时包含字母和数字"
    return None
