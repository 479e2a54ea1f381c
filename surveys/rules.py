"""The ``metrics`` block of a definition: which answers count toward a rate.

The rule parameters are data (a city may count 基本满意 or drop a question);
:mod:`surveys.metrics` evaluates them generically. A rule reads::

    satisfaction:
      label: 满意率
      answered: [W14]                      # valid response = these are answered
      exclude: {question: W14, in: [X]}    # removed from the denominator
      count: {question: W14, in: ["5", "4"]}
      basic: {question: W14, in: ["3"]}    # added to the numerator when count_basic
      count_basic: false
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .conditions import Condition, Lookup, parse_condition
from .errors import DefinitionError

RULE_KEYS = {"label", "answered", "exclude", "count", "basic", "count_basic"}


@dataclass(frozen=True)
class RateRule:
    key: str
    label: str
    answered: tuple[str, ...]
    count: Condition
    exclude: Condition | None = None
    basic: Condition | None = None
    count_basic: bool = False


def parse_rules(block: object, lookup: Lookup, source: str) -> dict[str, RateRule]:
    """Parse and check the ``metrics`` block; every reference must exist."""
    if block is None:
        return {}
    if not isinstance(block, Mapping):
        raise DefinitionError(source, None, "metrics 必须是键值对")
    rules = {}
    for key, data in block.items():
        context = f"指标 {key}："
        def fail(problem: str) -> DefinitionError:
            return DefinitionError(source, None, context + problem)
        if not isinstance(data, Mapping):
            raise fail("规则必须是键值对")
        unknown = set(data) - RULE_KEYS
        if unknown:
            raise fail(f"未知字段 {sorted(unknown)}")
        for needed in ("label", "answered", "count"):
            if needed not in data:
                raise fail(f"缺少字段 '{needed}'")
        answered = data["answered"]
        if not isinstance(answered, list) or not answered:
            raise fail("answered 必须是非空的题号列表")
        for code in answered:
            if not isinstance(code, str) or lookup(code) is None:
                raise fail(f"引用了不存在的题目 '{code}'")
        count_basic = data.get("count_basic", False)
        if not isinstance(count_basic, bool):
            raise fail("count_basic 必须是 true 或 false")
        if count_basic and data.get("basic") is None:
            raise fail("count_basic 为 true 时必须给出 basic 条件")

        def condition(name: str) -> Condition | None:
            if data.get(name) is None:
                return None
            return parse_condition(data[name], lookup, source, None, context)

        rules[str(key)] = RateRule(
            key=str(key), label=str(data["label"]), answered=tuple(answered),
            count=condition("count"), exclude=condition("exclude"),
            basic=condition("basic"), count_basic=count_basic,
        )
    return rules
