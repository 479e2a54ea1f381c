"""Escalation rules (一函两书, DOMAIN §6.3) as data: letter numbers, response windows, working days.

A city changes ``scoring/rules/escalation.yaml``, never code: provinces differ
on the response window (15 working days, 60 days...), and working days skip
the public holidays the file lists.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).parent / "rules" / "escalation.yaml"
LETTER_KINDS = ("reminder", "opinion", "recommendation")


class EscalationRulesError(ValueError):
    """A bad escalation file; the message names the file and the entry."""


@dataclass(frozen=True)
class LetterRule:
    kind: str
    number_prefix: str
    response_days: int
    working_days: bool


@dataclass(frozen=True)
class EscalationRules:
    letters: dict
    escalate_after_returns: int
    holidays: frozenset
    workdays: frozenset

    def letter(self, kind: str) -> LetterRule:
        return self.letters[kind]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        day = start
        while days > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def response_deadline(self, kind: str, issued: dt.date) -> dt.date:
        rule = self.letter(kind)
        if rule.working_days:
            return self.add_working_days(issued, rule.response_days)
        return issued + dt.timedelta(days=rule.response_days)


def _dates(values, source: str, key: str) -> frozenset:
    out = set()
    for value in values or ():
        if isinstance(value, dt.date):
            out.add(value)
            continue
        try:
            out.add(dt.date.fromisoformat(str(value)))
        except ValueError:
            raise EscalationRulesError(f"{source} {key}：日期 {value!r} 格式应为 YYYY-MM-DD") from None
    return frozenset(out)


def parse_rules(text: str, source: str = "<text>") -> EscalationRules:
    data = yaml.safe_load(text) or {}
    if data.get("schema_version") != 1:
        raise EscalationRulesError(f"{source}：schema_version 应为 1")
    letters = {}
    for kind in LETTER_KINDS:
        raw = (data.get("letters") or {}).get(kind)
        if not isinstance(raw, dict):
            raise EscalationRulesError(f"{source} letters.{kind}：缺少该文书的规则")
        days, how, prefix = raw.get("response_days"), raw.get("days"), raw.get("number_prefix")
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
            raise EscalationRulesError(f"{source} letters.{kind}：response_days 应为1到365之间的整数")
        if how not in ("calendar", "working"):
            raise EscalationRulesError(f"{source} letters.{kind}：days 应为 calendar 或 working")
        if not isinstance(prefix, str) or not prefix.strip():
            raise EscalationRulesError(f"{source} letters.{kind}：缺少 number_prefix（文号前缀）")
        letters[kind] = LetterRule(kind, prefix.strip(), days, how == "working")
    returns = data.get("escalate_after_returns")
    if not isinstance(returns, int) or isinstance(returns, bool) or returns < 1:
        raise EscalationRulesError(f"{source} escalate_after_returns：应为不小于1的整数")
    return EscalationRules(letters, returns, _dates(data.get("holidays"), source, "holidays"),
                           _dates(data.get("workdays"), source, "workdays"))


@lru_cache(maxsize=4)
def load_rules(path: str | Path = RULES_FILE) -> EscalationRules:
    path = Path(path)
    return parse_rules(path.read_text(encoding="utf-8"), path.name)
