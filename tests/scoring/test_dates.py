"""Contract terms by calendar (scoring/dates.py): every start day of 2023 and 2024 (a leap year)."""
import datetime as dt
from decimal import Decimal

import pytest

from scoring import annex2 as a2
from scoring.annex2 import IndustryContractFacts
from scoring.dates import add_years, contract_expiry, term_months, term_within

D = dt.date
ONE = dt.timedelta(days=1)


def every_day(*years):
    day = D(years[0], 1, 1)
    while day.year <= years[-1]:
        yield day
        day += ONE


def next_start(start: dt.date, years: int) -> dt.date:
    """The day a following term would start: the same date, or 1 March for 29 February."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return D(start.year + years, 3, 1)


@pytest.mark.parametrize("years", [1, 2, 3])
def test_term_of_n_years_ends_the_day_before_the_same_date(years):
    for start in every_day(2023, 2024):
        end = contract_expiry(start, years)
        assert end + ONE == next_start(start, years), start
        days = (end - start).days + 1
        assert 365 * years <= days <= 365 * years + 1, start


def test_known_days_including_month_ends_and_leap_day():
    assert contract_expiry(D(2021, 4, 1), 1) == D(2022, 3, 31)
    assert contract_expiry(D(2021, 1, 31), 1) == D(2022, 1, 30)   # was 2022-01-27 with the day clamped to 28
    assert contract_expiry(D(2021, 3, 29), 3) == D(2024, 3, 28)
    assert contract_expiry(D(2023, 3, 1), 1) == D(2024, 2, 29)    # the leap day is inside the term
    assert contract_expiry(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert contract_expiry(D(2024, 2, 29), 4) == D(2028, 2, 28)
    assert contract_expiry(D(2024, 3, 1), 1) == D(2025, 2, 28)


def test_fractional_terms_count_months():
    assert term_months(Decimal("1.5")) == 18 and term_months("3.0") == 36 and term_months(0.5) == 6
    assert contract_expiry(D(2021, 8, 31), Decimal("0.5")) == D(2022, 2, 28)   # no 31 February
    assert contract_expiry(D(2021, 1, 15), Decimal("1.5")) == D(2022, 7, 14)


def test_missing_start_or_term_gives_none():
    assert contract_expiry(None, 1) is None and contract_expiry(D(2021, 1, 1), None) is None


def test_add_years_keeps_the_date_or_the_end_of_february():
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28) and add_years(D(2023, 5, 31), 2) == D(2025, 5, 31)


def test_term_within_bounds_for_every_start_day():
    for start in every_day(2023, 2024):
        one, three = contract_expiry(start, 1), contract_expiry(start, 3)
        assert term_within(start, one, 1, 3) and term_within(start, three, 1, 3), start
        assert term_within(start, three + ONE, 1, 3), start          # written to the anniversary
        assert not term_within(start, one - ONE, 1, 3), start
        assert not term_within(start, three + 2 * ONE, 1, 3), start


def _facts(start, end):
    return IndustryContractFacts(
        unit_id="A", region="环翠区", industry="快递", contract_type="行业工资专项集体合同", name="合同",
        worker_party="工会联合会", employer_party="快递协会", signed_on=start, term_start=start, term_end=end,
        submitted_on=start, covered_workers=10, minimum_wage=9999)


def test_annex2_accepts_one_year_contracts_starting_on_any_day():
    starts = list(every_day(2023, 2024))
    rows = a2.annex2([_facts(s, contract_expiry(s, 1)) for s in starts]).rows
    flagged = [(s, r.warnings) for s, r in zip(starts, rows) if any(w.startswith("d09") for w in r.warnings)]
    assert flagged == []
