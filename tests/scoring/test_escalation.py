"""Escalation rules as data: letter windows, working days with public holidays, load errors."""
from __future__ import annotations

import datetime as dt

import pytest

from scoring.escalation import EscalationRulesError, load_rules, parse_rules

BASE = """
schema_version: 1
letters:
  reminder: {number_prefix: 提, response_days: 10, days: calendar}
  opinion: {number_prefix: 意, response_days: 15, days: working}
  recommendation: {number_prefix: 建, response_days: 5, days: working}
escalate_after_returns: 2
holidays: [2021-05-03, 2021-05-04, 2021-05-05]
workdays: [2021-05-08]
"""


def test_default_file_loads_with_the_provincial_windows():
    rules = load_rules()
    assert rules.letter("opinion").response_days == 15 and rules.letter("opinion").working_days
    assert rules.letter("recommendation").response_days == 5 and rules.escalate_after_returns == 2


def test_working_days_skip_weekends_and_listed_holidays_and_count_swapped_workdays():
    rules = parse_rules(BASE, "t.yaml")
    # Friday 2021-04-30 + 5 working days: 5/3-5/5 holidays, 5/6 (Thu), 5/7 (Fri), 5/8 (Sat, swapped workday),
    # 5/10 (Mon), 5/11 (Tue)
    assert rules.add_working_days(dt.date(2021, 4, 30), 5) == dt.date(2021, 5, 11)
    assert rules.response_deadline("reminder", dt.date(2021, 4, 30)) == dt.date(2021, 5, 10)
    assert rules.response_deadline("recommendation", dt.date(2021, 4, 30)) == dt.date(2021, 5, 11)


@pytest.mark.parametrize("change, message", [
    (("response_days: 15", "response_days: 0"), "response_days"),
    (("days: calendar", "days: lunar"), "calendar 或 working"),
    (("number_prefix: 建, ", ""), "number_prefix"),
    (("escalate_after_returns: 2", "escalate_after_returns: 0"), "escalate_after_returns"),
    (("2021-05-03", "五月三日"), "YYYY-MM-DD"),
    (("schema_version: 1", "schema_version: 9"), "schema_version"),
])
def test_bad_files_are_refused_with_the_file_and_entry_named(change, message):
    with pytest.raises(EscalationRulesError) as err:
        parse_rules(BASE.replace(*change), "bad.yaml")
    assert "bad.yaml" in str(err.value) and message in str(err.value)
