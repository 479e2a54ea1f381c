"""Paging a definition for the phone: which questions a page shows, what it carries.

Answers of the other pages travel as hidden fields, so the server keeps no
draft and a worker can go back and forth, lose the session, or retry after
a timeout without losing anything.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

from surveys import Definition, is_visible, validate_answers
from surveys.conditions import AllOf, AnyOf, Match, MeanAtLeast
from surveys.definition import Question, Section

BAD_BYTES = "含有无法识别的字符，请重新输入"


@dataclass
class Shown:
    question: Question
    conditional: bool = False  # depends on an answer on the same page (shown with a hint without JS)
    hint: str = ""
    number: int = 0  # runs through the whole questionnaire, whatever the page
    condition: str = ""  # the display condition as JSON, for survey.js to hide/show it on the page


@dataclass
class Page:
    index: int
    section: Section
    shown: list[Shown]
    values: dict[str, list[str]]  # raw values of this page's questions
    hidden: list[tuple[str, str]]  # other pages' answers, as (name, value)
    errors: dict[str, str] = field(default_factory=dict)
    last: bool = False

    @property
    def error_list(self) -> list[tuple[str, str, str]]:
        """(anchor id, what the question is called, message) in page order, the ballot code first."""
        out = [("ballot", "作答码", self.errors["_ballot"])] if "_ballot" in self.errors else []
        out += [(f"q-{s.question.code}", f"第{s.number}题“{s.question.text}”", self.errors[s.question.code])
                for s in self.shown if s.question.code in self.errors]
        return out

    @property
    def first_error(self) -> str | None:
        """The element id of the first refused question (``q-W06``, ``ballot``), for the URL anchor."""
        found = self.error_list
        return found[0][0] if found else None

    @property
    def done(self) -> int:
        """Pages finished, for the progress bar: the last page shows less than 100 % until it is submitted."""
        return self.index


def raw_answers(definition: Definition, form) -> dict[str, list[str]]:
    """Question code → raw strings, only for codes the definition knows."""
    out = {}
    for q in definition.questions:
        values = [v for v in form.getlist(q.code) if v is not None]
        if values:
            out[q.code] = values
    return out


def undecodable(body: bytes) -> set[str]:
    """Names of url-encoded fields whose value is not valid UTF-8 (werkzeug would keep them garbled)."""
    try:  # the usual case at once: '&' and '=' are ASCII, so a valid whole has only valid values
        unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
        return set()
    except UnicodeDecodeError:
        pass
    names = set()
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            names.add(unquote_to_bytes(name).decode("utf-8", "replace"))
    return names


def bad_bytes(raw: dict[str, list[str]], body: bytes = b"") -> dict[str, str]:
    """Fields with bytes that were not UTF-8, or that decoded to U+FFFD."""
    bad = undecodable(body) if body else set()
    return {code: BAD_BYTES for code, values in raw.items() if code in bad or any("\ufffd" in v for v in values)}


def _hint(definition: Definition, question: Question) -> str:
    cond = question.show_if
    ref = getattr(cond, "question", None)
    values = getattr(cond, "values", None)
    if ref is None or values is None:
        return "（根据前面的回答，如不适用可不填）"
    try:
        target = definition.question(ref)
    except KeyError:
        return ""
    labels = "、".join(f"“{o.label}”" for o in target.options if o.code in values)
    verb = "未选" if getattr(cond, "negate", False) else "选"
    return f"（上面“{target.text}”{verb}{labels}时{'必答' if question.required else '回答'}）"


def condition_data(cond) -> dict:
    """A display condition in the small JSON form survey.js evaluates."""
    if isinstance(cond, Match):
        return {"q": cond.question, ("not" if cond.negate else "in"): sorted(cond.values)}
    if isinstance(cond, (AllOf, AnyOf)):
        return {"all" if isinstance(cond, AllOf) else "any": [condition_data(c) for c in cond.items]}
    if isinstance(cond, MeanAtLeast):
        return {"mean": list(cond.codes), "min": cond.threshold}
    raise TypeError(f"unknown condition {cond!r}")


_NUMBERS: dict[str, dict[str, int]] = {}  # by definition hash: content-addressed, safe to keep


def question_numbers(definition: Definition) -> dict[str, int]:
    """Question code → its number in the whole questionnaire (1, 2, … across pages)."""
    found = _NUMBERS.get(definition.hash)
    if found is None:
        found = _NUMBERS[definition.hash] = {q.code: i for i, q in enumerate(definition.questions, 1)}
    return found


def share_description(definition: Definition) -> str:
    """The first sentence of the introduction: the share card's text when the link is forwarded."""
    intro = " ".join((definition.intro or "").split())
    first, dot, _ = intro.partition("。")
    return (first + dot)[:120]


def shown_questions(definition: Definition, section: Section, previous: dict) -> list[Shown]:
    """Questions of the section to render, given the answers of earlier pages."""
    here = {q.code for q in section.questions}
    numbers = question_numbers(definition)
    out = []
    for q in section.questions:
        number = numbers[q.code]
        if q.show_if is None:
            out.append(Shown(q, number=number))
        elif set(q.show_if.questions()) & here:
            out.append(Shown(q, True, _hint(definition, q), number,
                             json.dumps(condition_data(q.show_if), ensure_ascii=False, separators=(",", ":"))))
        elif is_visible(q, previous):
            out.append(Shown(q, number=number))
    return out


def accumulated(definition: Definition, raw: dict, upto: int) -> tuple[dict, dict, int | None]:
    """Validate sections before ``upto``: (answers, errors, first section with errors)."""
    answers: dict = {}
    for index, section in enumerate(definition.sections[:upto]):
        check = validate_answers(definition, raw, section.code, previous=answers)
        if check.errors:
            return answers, check.errors, index
        answers.update(check.answers)
    return answers, {}, None


def next_index(definition: Definition, start: int, answers: dict, step: int = 1) -> int | None:
    """The next section (in ``step`` direction) that shows at least one question."""
    index = start + step
    while 0 <= index < len(definition.sections):
        if shown_questions(definition, definition.sections[index], answers):
            return index
        index += step
    return None


def build_page(definition: Definition, index: int, raw: dict, errors: dict | None = None) -> Page:
    previous, _, _ = accumulated(definition, raw, index)
    section = definition.sections[index]
    here = {q.code for q in section.questions}
    hidden = [(code, v) for code, values in raw.items() if code not in here for v in values]
    later = next_index(definition, index, previous)
    return Page(index, section, shown_questions(definition, section, previous),
                {c: v for c, v in raw.items() if c in here}, hidden, errors or {}, last=later is None)
