"""Validate one respondent's answers against a definition, section by section.

The web layer passes the submitted form; this module decides what is visible,
what is required and what the normalised values are, so the same rules apply
to the phone form, an import and a test.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .conditions import is_answered
from .definition import Definition, Question
from .errors import AnswerError
from .questions import question_type

REQUIRED_MESSAGE = "请回答此题"


@dataclass(frozen=True)
class AnswerCheck:
    """Normalised answers of the visible questions, and errors by question code."""
    answers: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_visible(question: Question, answers: Mapping[str, object]) -> bool:
    """Whether ``question`` is shown given the answers so far."""
    return question.show_if is None or question.show_if.evaluate(answers)


def visible_questions(definition: Definition, answers: Mapping[str, object]) -> tuple[Question, ...]:
    """The questions shown for these answers, in order.

    A hidden question's answer is ignored when judging later questions, so
    hiding cascades (if W07 is hidden, so are W08–W10).
    """
    context = dict(answers)
    shown = []
    for question in definition.questions:
        if is_visible(question, context):
            shown.append(question)
        else:
            context.pop(question.code, None)
    return tuple(shown)


def prune_hidden(definition: Definition, answers: Mapping[str, object]) -> dict[str, object]:
    """Drop answers to questions that the other answers now hide (before storing)."""
    shown = {q.code for q in visible_questions(definition, answers)}
    return {code: value for code, value in answers.items() if code in shown}


def _raw(form: Mapping, code: str) -> list[str]:
    if hasattr(form, "getlist"):  # werkzeug MultiDict: form[code] is only the first value
        return list(form.getlist(code))
    value = form.get(code)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def validate_answers(definition: Definition, form: Mapping, section_code: str | None = None,
                     previous: Mapping[str, object] | None = None) -> AnswerCheck:
    """Check the questions of one section (all when ``section_code`` is None).

    ``form`` maps question codes to lists of raw strings. ``previous`` holds the
    normalised answers of earlier pages; display conditions see their union with
    the current answers. A hidden question is dropped and never required.
    """
    questions = (definition.section(section_code).questions if section_code is not None
                 else definition.questions)
    context = dict(previous or {})
    answers: dict[str, object] = {}
    errors: dict[str, str] = {}
    for question in questions:
        context.pop(question.code, None)
        if not is_visible(question, context):
            continue
        try:
            value = question_type(question).validate(_raw(form, question.code))
        except AnswerError as exc:
            errors[question.code] = exc.message
            continue
        if not is_answered(value):
            if question.required:
                errors[question.code] = REQUIRED_MESSAGE
            continue
        answers[question.code] = value
        context[question.code] = value
    return AnswerCheck(answers, errors)
