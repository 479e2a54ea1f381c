"""Unified social credit code (统一社会信用代码, GB 32100-2015), DOMAIN §8.1.

Pure functions: no Flask, no database, so the import, the forms and the
demo generator share one implementation.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class CodeCheck:
    code: str  # normalised (upper case, half-width)
    error: str | None = None  # Chinese message when invalid
    note: str | None = None  # e.g. "已将小写/全角字符转换"
    warning: str | None = None  # organisation-code check failed (legacy codes)

    @property
    def ok(self) -> bool:
        return self.error is None


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    c = 31 - total % 31
    return ALPHABET[0 if c == 31 else c]


def org_check_character(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(first8, ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def normalise(raw: str) -> tuple[str, bool]:
    """Upper-case and fold full-width characters; report whether anything changed."""
    text = unicodedata.normalize("NFKC", raw or "").strip().upper()
    return text, text != (raw or "").strip()


def validate(raw: str) -> CodeCheck:
    code, changed = normalise(raw)
    note = "已将小写或全角字符转换为标准格式" if changed and code else None
    if not code:
        return CodeCheck(code, "统一社会信用代码不能为空")
    if len(code) != 18:
        return CodeCheck(code, f"统一社会信用代码应为18位，当前为{len(code)}位")
    bad = sorted({ch for ch in code if ch not in ALPHABET})
    if bad:
        return CodeCheck(code, f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）")
    expected = check_character(code[:17])
    if code[17] != expected:
        return CodeCheck(code, f"统一社会信用代码校验位错误（第18位应为 {expected}，实为 {code[17]}），请核对")
    warning = None
    if all(ch in _ORG_ALPHABET for ch in code[8:16]) and org_check_character(code[8:16]) != code[16]:
        warning = "组织机构代码部分（第9-17位）校验未通过，可能为早期代码，请核对"
    return CodeCheck(code, None, note, warning)


def generate(rng: random.Random, division: str = "371000", registry: str = "9", kind: str = "1") -> str:
    """A well-formed code (both check characters right), for demo data and tests."""
    org_body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org = org_body + org_check_character(org_body)
    first17 = registry + kind + division + org
    return first17 + check_character(first17)
