"""Bounded numbers from URLs, query strings and forms: one rule for every page.

Ids are PostgreSQL ``integer`` (the smaller range of the two databases we run
on): 1 … 2³¹−1. Outside it no row can exist, and the database driver would
raise (SQLite above 2⁶³, PostgreSQL above 2³¹) instead of answering "not
found". So:

- ``IdConverter`` replaces the app's ``int`` URL converter: every
  ``<int:...>`` route answers 404 for 0, for ``2147483648`` or for Arabic-
  Indic digits, without any view being edited;
- ``query_int`` / ``form_int`` read an integer parameter and answer a Chinese
  400 when it is not an integer or outside its range (empty = absent);
- ``Finite`` and ``DbInteger`` are WTForms validators every DecimalField /
  FloatField / IntegerField carries (``tests/evalsite/test_bounded_inputs.py``
  walks every form class and fails on a number field without them): NaN and
  the infinities are refused, and a value too large for its column is a
  message beside the field, not a database error.
"""
from __future__ import annotations

import math
from decimal import Decimal
from typing import Optional

from flask import Flask, request
from werkzeug.routing import IntegerConverter, ValidationError as RouteMismatch
from wtforms.validators import StopValidation

from .errors import abort_zh

MAX_ID = 2**31 - 1  # PostgreSQL integer
MIN_INT = -(2**31)
MAX_INT = MAX_ID
_MAX_DIGITS = len(str(MAX_ID))


def _up_to(maximum: int) -> str:
    """A regular expression for exactly the decimal numbers 1 … maximum (no leading zero)."""
    digits = str(maximum)
    parts = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, ch in enumerate(digits):
        low = "1" if i == 0 else "0"
        if ch > low:
            top = chr(ord(ch) - 1)
            rest = len(digits) - i - 1
            parts.append(digits[:i] + (f"[{low}-{top}]" if top != low else low) + (f"[0-9]{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class IdConverter(IntegerConverter):
    """``<int:x>``: 1 … 2³¹−1 in ASCII digits, else no rule matches: 404 for every method (a range
    check after matching would answer 405 where a GET and a POST rule share the path)."""

    regex = _up_to(MAX_ID)

    def __init__(self, map, fixed_digits: int = 0, min: Optional[int] = None, max: Optional[int] = None,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=1 if min is None else min,
                         max=MAX_ID if max is None else max, signed=signed)

    def to_python(self, value: str):
        if len(value.lstrip("-").lstrip("0")) > _MAX_DIGITS:
            raise RouteMismatch()
        return super().to_python(value)


def parse_int(raw: Optional[str], label: str, default: Optional[int] = None, *, minimum: int = 1,
              maximum: int = MAX_ID) -> Optional[int]:
    """``raw`` as an int within [minimum, maximum]; ``default`` when empty; else a Chinese 400."""
    text = (raw or "").strip()
    if not text:
        return default
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits.lstrip("0")) > _MAX_DIGITS:
        abort_zh(400, f"参数“{label}”应为 {minimum} 到 {maximum} 之间的整数，收到的值无法识别。")
    value = int(text)
    if not minimum <= value <= maximum:
        abort_zh(400, f"参数“{label}”应为 {minimum} 到 {maximum} 之间的整数。")
    return value


def query_int(name: str, default: Optional[int] = None, *, minimum: int = 1, maximum: int = MAX_ID,
              label: Optional[str] = None) -> Optional[int]:
    """An integer query-string argument (``?page=``, ``?campaign=``, ``?unit=``...)."""
    return parse_int(request.args.get(name), label or name, default, minimum=minimum, maximum=maximum)


def form_int(name: str, default: Optional[int] = None, *, minimum: int = 1, maximum: int = MAX_ID,
             label: Optional[str] = None) -> Optional[int]:
    """An integer form field read outside WTForms (``enterprise_id`` of a select...)."""
    return parse_int(request.form.get(name), label or name, default, minimum=minimum, maximum=maximum)


def values_int(name: str, default: Optional[int] = None, *, label: Optional[str] = None) -> Optional[int]:
    """From the query string or the form (``request.values``), the query string first."""
    return parse_int(request.values.get(name), label or name, default)


def arg_id(raw: Optional[str], label: str) -> Optional[int]:
    """A filter value already read as text (``f["unit"]``): an id or None."""
    return parse_int(raw, label)


# --- WTForms validators --------------------------------------------------------------------------

class Finite:
    """Refuse NaN and ±Infinity; with ``digits``/``places`` (the column's Numeric(p, s)), refuse a
    value the column cannot hold."""

    field_flags = {}

    def __init__(self, digits: Optional[int] = None, places: int = 0, message: Optional[str] = None):
        self.limit = None if digits is None else Decimal(10) ** (digits - places)
        self.message = message

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        if isinstance(value, Decimal):
            bad = not value.is_finite()
        else:
            bad = isinstance(value, float) and not math.isfinite(value)
        if bad:
            raise StopValidation(self.message or "请输入有效的数字（不接受 NaN 或无穷大）")
        if self.limit is not None and abs(Decimal(str(value))) >= self.limit:
            raise StopValidation(self.message or f"数值过大：绝对值应小于 {self.limit:,}")


class DbInteger:
    """An integer column's range (−2³¹ … 2³¹−1 unless narrowed); business bounds (no negative
    counts...) stay with the domain rules, which say why."""

    field_flags = {}

    def __init__(self, minimum: int = MIN_INT, maximum: int = MAX_INT, message: Optional[str] = None):
        self.minimum, self.maximum, self.message = minimum, maximum, message

    def __call__(self, form, field):
        value = field.data
        if value is None:
            return
        if not self.minimum <= value <= self.maximum:
            raise StopValidation(self.message or f"数值超出范围：请输入 {self.minimum} 到 {self.maximum} 之间的整数")


def init_app(app: Flask) -> None:
    """Every ``<int:...>`` rule registered after this call uses ``IdConverter``."""
    app.url_map.converters["int"] = IdConverter
