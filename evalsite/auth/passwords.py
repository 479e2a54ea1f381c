"""Argon2 password hashing and the password rules (ASVS V6.2).

A password has at least 12 characters (a phrase of a few words is the easy way there), at most 128;
it may not contain the username, equal the current password, appear in the bundled list of common
passwords (also with digits and signs around a common word) nor score below 3 on zxcvbn.
"""
from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .common_passwords import common_passwords

_hasher = PasswordHasher()
MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: 0 too guessable … 4 very unguessable
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters are plenty to judge
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
# words anyone guessing a password on this site would try first
SITE_WORDS = ("weihai", "威海", "gonghui", "工会", "xieshang", "协商", "pinggu", "评估", "admin", "demo")

MESSAGES = {
    "short": f"密码至少需要{MIN_LENGTH}个字符（可以用几个词组成一句短语，更好记也更安全）",
    "long": f"密码不能超过{MAX_LENGTH}个字符",
    "username": "密码不能包含用户名",
    "current": "新密码不能与当前密码相同",
    "common": "密码过于常见（出现在常见密码列表中，或只是在常见密码前后加了数字和符号），请换一个",
    "weak": "密码太容易被猜出（强度评估未通过），请使用更长、不常见的词组合，避免键盘顺序、年份和重复字符",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("no such account: the same work as a real check")


def verify_or_pretend(password_hash: str | None, password: str) -> bool:
    """Verify against the stored hash, or against a dummy one when there is no account to check.

    An unknown username costs the same argon2 verification as a wrong password, so response times do
    not tell which usernames exist. Always False without a real hash.
    """
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(password_hash, password)


def _is_common(password: str) -> bool:
    lowered = password.lower()
    words = common_passwords()
    if lowered in words:
        return True
    core = _EDGES.sub("", lowered)
    return len(core) >= 4 and core in words


def password_problem(password: str, username: str = "", other_inputs: tuple[str, ...] = (),
                     current_hash: str | None = None) -> str | None:
    """A Chinese message naming the first rule the password breaks, else None."""
    if len(password) < MIN_LENGTH:
        return MESSAGES["short"]
    if len(password) > MAX_LENGTH:
        return MESSAGES["long"]
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in password.lower():
        return MESSAGES["username"]
    if _is_common(password):
        return MESSAGES["common"]
    from zxcvbn import zxcvbn

    inputs = [s for s in (name, *other_inputs, *SITE_WORDS) if s]
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=inputs)["score"] < MIN_SCORE:
        return MESSAGES["weak"]
    if current_hash and verify_password(current_hash, password):
        return MESSAGES["current"]
    return None
