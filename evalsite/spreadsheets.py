"""Cells written to CSV/XLSX exports: one guard against formula injection.

A text cell that starts with = + - @, a tab or a carriage return is read by
Excel as a formula (or a DDE call); prefixing an apostrophe keeps it text.
Numbers and dates pass unchanged so they stay numbers in the sheet.
"""
from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The value itself, or text prefixed with an apostrophe when a sheet would run it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_row(values) -> list:
    return [neutralise(v) for v in values]
