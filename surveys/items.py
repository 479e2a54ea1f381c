"""A question and its options as frozen dataclasses: what a definition is made of.

Their own module because both the definition loader (``definition.py``) and the
question-type registry (``questions.py``, which checks and answers one question)
need them, and the loader needs the registry.
"""
from __future__ import annotations

from dataclasses import dataclass

from .conditions import Condition


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    exclusive: bool = False


@dataclass(frozen=True)
class Question:
    code: str
    type: str
    text: str
    options: tuple[Option, ...] = ()
    required: bool = True
    show_if: Condition | None = None
    metric: str | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    max_choices: int | None = None
    help: str | None = None

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)
