"""Calendar arithmetic for contract terms, by dateutil (never by hand).

A term of N years (or months) that starts on a day ends on the day before the
same date N years later: 2021-04-01 + 1 year ends 2022-03-31.  When that date
does not exist (29 February in a common year, 31 in a short month) the next
term would start on the 1st of the following month, so the term ends on the
last day of the month: 2024-02-29 + 1 year ends 2025-02-28, 2021-01-31 + 1 month
ends 2021-02-28.  This follows 《民法典》第二百零二条 (the period ends on the
corresponding day of the last month, or its last day when there is none).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional, Union

from dateutil.relativedelta import relativedelta

Years = Union[int, float, Decimal, str]
ONE_DAY = dt.timedelta(days=1)


def term_months(term_years: Years) -> int:
    """A term given in years (1, 1.5, Decimal("3.0")) as a whole number of months."""
    return int((Decimal(str(term_years)) * 12).to_integral_value())


def add_months(start: dt.date, months: int) -> dt.date:
    """The same date ``months`` later, or the month's last day when it has no such date."""
    return start + relativedelta(months=months)


def add_years(start: dt.date, years: int) -> dt.date:
    """The same date ``years`` later (29 February gives 28 February in a common year)."""
    return start + relativedelta(years=years)


def term_end_months(start: dt.date, months: int) -> dt.date:
    """Last day of a term of ``months`` months starting on ``start``."""
    same_date = add_months(start, months)
    if same_date.day != start.day:  # no such date: the next term would start on the 1st
        return same_date
    return same_date - ONE_DAY


def contract_expiry(effective: Optional[dt.date], term_years: Optional[Years]) -> Optional[dt.date]:
    """Last day a contract is in force, or None without a start date or a term."""
    if effective is None or term_years is None:
        return None
    return term_end_months(effective, term_months(term_years))


def term_within(start: dt.date, end: dt.date, min_years: Years, max_years: Years) -> bool:
    """Whether the term ``start``–``end`` lasts between ``min_years`` and ``max_years``.

    "2021-04-01至2022-03-31" is one year; an end written on the same date
    ("2021-04-01至2024-04-01") is accepted as the longest term, as clerks write it.
    """
    shortest = term_end_months(start, term_months(min_years))
    longest = term_end_months(start, term_months(max_years)) + ONE_DAY
    return shortest <= end <= longest
