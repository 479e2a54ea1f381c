"""Conditions over answers: display rules (``show_if``) and metric rules.

One small language serves both, so a rule written for a display condition
reads the same as one written for a rate:

* ``{question: W07, in: [A]}``      – answered and (one of) the chosen codes is listed
* ``{question: W06, not_in: [H]}``  – unanswered, or none of the chosen codes is listed
* ``{all: [...]}`` / ``{any: [...]}`` – combinations
* ``{mean_of: [E05, E06, E07], at_least: 4}`` – all answered and their mean ≥ threshold

Values are compared as strings, so scale answers stored as ``int`` match the
option codes ``"5"``..``"1"`` written in the YAML.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Union

from .errors import DefinitionError


def is_answered(value: object) -> bool:
    """True when a normalised value carries an answer (``[]`` and ``""`` do not)."""
    return value is not None and value != [] and value != ""


def _codes(value: object) -> set[str]:
    if isinstance(value, (list, tuple, set, frozenset)):
        return {str(v) for v in value}
    return {str(value)}


@dataclass(frozen=True)
class Match:
    question: str
    values: frozenset[str]
    negate: bool = False

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        value = answers.get(self.question)
        if not is_answered(value):
            return self.negate
        hit = bool(_codes(value) & self.values)
        return not hit if self.negate else hit

    def questions(self) -> tuple[str, ...]:
        return (self.question,)


@dataclass(frozen=True)
class AllOf:
    items: tuple["Condition", ...]

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        return all(item.evaluate(answers) for item in self.items)

    def questions(self) -> tuple[str, ...]:
        return tuple(q for item in self.items for q in item.questions())


@dataclass(frozen=True)
class AnyOf:
    items: tuple["Condition", ...]

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        return any(item.evaluate(answers) for item in self.items)

    def questions(self) -> tuple[str, ...]:
        return tuple(q for item in self.items for q in item.questions())


@dataclass(frozen=True)
class MeanAtLeast:
    codes: tuple[str, ...]
    threshold: float

    def evaluate(self, answers: Mapping[str, object]) -> bool:
        values = [answers.get(code) for code in self.codes]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return False
        # compare sums, not a float mean, so 4+4+4 ≥ 3·4 is exact
        return sum(values) >= self.threshold * len(values)

    def questions(self) -> tuple[str, ...]:
        return self.codes


Condition = Union[Match, AllOf, AnyOf, MeanAtLeast]

# Looks up a question's option codes and type by code; returns None if unknown.
Lookup = Callable[[str], "tuple[str, tuple[str, ...]] | None"]


def parse_condition(data: object, lookup: Lookup, source: str,
                    where: str | None, context: str = "") -> Condition:
    """Turn a YAML condition into a Condition, checking every reference.

    ``lookup(code)`` returns ``(type, option_codes)`` for the questions the
    condition may refer to (for ``show_if``: only earlier questions).
    """
    def fail(problem: str) -> DefinitionError:
        return DefinitionError(source, where, f"{context}{problem}")

    if not isinstance(data, Mapping):
        raise fail("条件必须是键值对，例如 {question: W07, in: [A]}")
    keys = set(data)
    if keys == {"all"} or keys == {"any"}:
        items = data.get("all", data.get("any"))
        if not isinstance(items, list) or not items:
            raise fail("all/any 条件必须是非空列表")
        parsed = tuple(parse_condition(i, lookup, source, where, context) for i in items)
        return AllOf(parsed) if "all" in keys else AnyOf(parsed)
    if keys == {"mean_of", "at_least"}:
        codes = data["mean_of"]
        if not isinstance(codes, list) or not codes:
            raise fail("mean_of 必须是非空的题号列表")
        for code in codes:
            found = lookup(str(code))
            if found is None:
                raise fail(f"条件引用了不存在或不在此题之前的题目 '{code}'")
            if found[0] != "scale5":
                raise fail(f"mean_of 只能引用五级量表题，'{code}' 不是")
        threshold = data["at_least"]
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise fail("at_least 必须是数字")
        return MeanAtLeast(tuple(str(c) for c in codes), float(threshold))
    if keys in ({"question", "in"}, {"question", "not_in"}):
        code = data["question"]
        if not isinstance(code, str):
            raise fail("条件中的题号必须是字符串")
        found = lookup(code)
        if found is None:
            raise fail(f"条件引用了不存在或不在此题之前的题目 '{code}'")
        _, option_codes = found
        if not option_codes:
            raise fail(f"条件只能引用有选项的题目，'{code}' 没有选项")
        negate = "not_in" in keys
        values = data["not_in" if negate else "in"]
        if not isinstance(values, list) or not values:
            raise fail("in/not_in 必须是非空的选项代码列表")
        for value in values:
            if not isinstance(value, str):
                raise fail(f"选项代码必须加引号写成字符串：{value!r}")
            if value not in option_codes:
                raise fail(f"条件引用了题目 {code} 中不存在的选项 '{value}'")
        return Match(code, frozenset(values), negate)
    raise fail(f"无法识别的条件写法：{sorted(keys)}")
