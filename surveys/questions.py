"""Question-type registry, modelled on Indico's survey ``fields`` package.

Each type is one small class with a shared contract, so adding a type touches
this file only:

* ``check(question) -> list[str]``  – problems with the definition (Chinese)
* ``validate(raw: list[str])``      – one submitted answer → normalised value,
  ``None`` when unanswered; raises :class:`AnswerError` with a Chinese message
* ``normalise(value)``              – a stored (JSON) value → the same shape
  ``validate`` returns, so answers reloaded from the database compare equal
* ``options``                       – the question's options (empty if none)
"""
from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from .errors import AnswerError

if TYPE_CHECKING:  # pragma: no cover
    from .items import Option, Question

QUESTION_TYPES: dict[str, type["QuestionType"]] = {}

# C0/C1 control characters except tab and newline (allowed in textareas only).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINE = re.compile(r"[\t\n]")


def register(cls: type["QuestionType"]) -> type["QuestionType"]:
    QUESTION_TYPES[cls.name] = cls
    return cls


def question_type(question: "Question") -> "QuestionType":
    """The type object bound to ``question``; KeyError for an unknown type."""
    return QUESTION_TYPES[question.type](question)


def _values(raw: object) -> list[str]:
    """Non-blank, stripped raw strings (accepts a bare string for convenience)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    return [str(v).strip() for v in raw if v is not None and str(v).strip()]


class QuestionType(ABC):
    name: ClassVar[str] = ""
    has_options: ClassVar[bool] = False

    def __init__(self, question: "Question"):
        self.question = question

    @property
    def options(self) -> tuple["Option", ...]:
        return self.question.options

    @classmethod
    def check(cls, question: "Question") -> list[str]:
        problems = []
        if cls.has_options and len(question.options) < 2:
            problems.append("至少需要两个选项")
        if not cls.has_options and question.options:
            problems.append(f"{cls.name} 类型的题目不能有选项")
        if question.max_choices is not None and cls.name != "multiple":
            problems.append("只有多选题可以设置 max_choices")
        if (question.min is not None or question.max is not None) and cls.name != "number":
            problems.append("只有数字题可以设置 min/max")
        if question.max_length is not None and cls.name not in ("text", "textarea"):
            problems.append("只有文本题可以设置 max_length")
        return problems

    @abstractmethod
    def validate(self, raw: list[str]) -> object:
        """The normalised answer from the raw form values, or AnswerError with a Chinese message."""

    def normalise(self, value: object) -> object:
        return value

    def _codes(self) -> list[str]:
        return [o.code for o in self.question.options]


@register
class SingleChoice(QuestionType):
    """One option code."""
    name = "single"
    has_options = True

    def validate(self, raw: list[str]) -> str | None:
        values = _values(raw)
        if not values:
            return None
        if len(set(values)) > 1:
            raise AnswerError("只能选择一项")
        if values[0] not in self._codes():
            raise AnswerError("选项无效")
        return values[0]

    def normalise(self, value: object) -> object:
        return None if value is None else str(value)


@register
class MultipleChoice(QuestionType):
    """A sorted list of option codes; exclusive options stand alone."""
    name = "multiple"
    has_options = True

    @classmethod
    def check(cls, question: "Question") -> list[str]:
        problems = super().check(question)
        limit = question.max_choices
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            problems.append("max_choices 必须是正整数")
        elif limit is not None and limit > len(question.options):
            problems.append(f"max_choices ({limit}) 超过了选项数 ({len(question.options)})")
        return problems

    def validate(self, raw: list[str]) -> list[str] | None:
        values = sorted(set(_values(raw)))
        if not values:
            return None
        codes = self._codes()
        if any(v not in codes for v in values):
            raise AnswerError("选项无效")
        if len(values) > 1:
            for option in self.question.options:
                if option.exclusive and option.code in values:
                    raise AnswerError(f"“{option.label}”不能与其他选项同时选择")
        limit = self.question.max_choices
        if limit is not None and len(values) > limit:
            raise AnswerError(f"最多选择{limit}项")
        return values

    def normalise(self, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        return sorted({str(v) for v in value})


@register
class Scale5(QuestionType):
    """A five-point scale coded "5".."1" (5 = best) → int, so means work.

    Extra non-numeric options (e.g. "X" 不了解，无法评价) are opt-outs and stay
    strings; numeric summaries skip them.
    """
    name = "scale5"
    has_options = True

    @classmethod
    def check(cls, question: "Question") -> list[str]:
        problems = super().check(question)
        numeric = {o.code for o in question.options if o.code.isdigit()}
        if numeric != {"1", "2", "3", "4", "5"}:
            problems.append("五级量表的选项代码必须是 \"5\" 到 \"1\"")
        return problems

    def validate(self, raw: list[str]) -> int | str | None:
        code = SingleChoice(self.question).validate(raw)
        return self.normalise(code)

    def normalise(self, value: object) -> object:
        if value is None:
            return None
        text = str(value)
        return int(text) if text.isdigit() else text


@register
class Number(QuestionType):
    """A whole number within [min, max]; full-width digits are accepted."""
    name = "number"

    @classmethod
    def check(cls, question: "Question") -> list[str]:
        problems = super().check(question)
        for key in ("min", "max"):
            bound = getattr(question, key)
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, int)):
                problems.append(f"{key} 必须是整数")
                return problems
        if question.min is not None and question.max is not None and question.min > question.max:
            problems.append(f"min ({question.min}) 大于 max ({question.max})")
        return problems

    def _message(self) -> str:
        low, high = self.question.min, self.question.max
        if low is not None and high is not None:
            return f"请输入{low}到{high}之间的整数"
        if low is not None:
            return f"请输入不小于{low}的整数"
        if high is not None:
            return f"请输入不大于{high}的整数"
        return "请输入整数"

    def validate(self, raw: list[str]) -> int | None:
        values = _values(raw)
        if not values:
            return None
        if len(values) > 1:
            raise AnswerError(self._message())
        text = unicodedata.normalize("NFKC", values[0])
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            raise AnswerError(self._message())
        number = int(text)
        low, high = self.question.min, self.question.max
        if (low is not None and number < low) or (high is not None and number > high):
            raise AnswerError(self._message())
        return number

    def normalise(self, value: object) -> object:
        return None if value is None else int(value)


@register
class Text(QuestionType):
    """One line of text, stripped, at most ``max_length`` characters."""
    name = "text"
    default_max_length: ClassVar[int] = 200
    multiline: ClassVar[bool] = False

    @classmethod
    def check(cls, question: "Question") -> list[str]:
        problems = super().check(question)
        limit = question.max_length
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            problems.append("max_length 必须是正整数")
        return problems

    @property
    def max_length(self) -> int:
        return self.question.max_length or self.default_max_length

    def validate(self, raw: list[str]) -> str | None:
        values = _values(raw)
        if not values:
            return None
        if len(values) > 1:
            raise AnswerError("只能填写一项")
        text = values[0].replace("\r\n", "\n").replace("\r", "\n")
        if _CONTROL.search(text) or (not self.multiline and _NEWLINE.search(text)):
            raise AnswerError("含有不允许的控制字符")
        if len(text) > self.max_length:
            raise AnswerError(f"不能超过{self.max_length}字")
        return text

    def normalise(self, value: object) -> object:
        return None if value is None else str(value)


@register
class TextArea(Text):
    """Several lines of text (newlines and tabs allowed)."""
    name = "textarea"
    default_max_length = 1000
    multiline = True
