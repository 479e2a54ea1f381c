"""Questionnaires as data: definitions, answer rules and metrics.

Pure Python (stdlib, PyYAML, numpy, scipy). Never import Flask, SQLAlchemy,
WTForms, reportlab or evalsite here, so the rules stay testable in microseconds
and usable from a CLI or a batch job.
"""
from .answers import AnswerCheck, is_visible, prune_hidden, validate_answers, visible_questions
from .definition import (Definition, Option, Question, Section, default_definition,
                         load_definition, parse_definition)
from .errors import AnswerError, DefinitionError
from .metrics import (Count, Distribution, FreeText, Rate, awareness_rate, distribution,
                      employer_rates, free_text, participation_rate, rate, recognition_rate,
                      required_sample, sample_status, satisfaction_rate, suppress_small_cells,
                      worker_rates)
from .questions import QUESTION_TYPES, QuestionType, question_type
from .settings import Settings, load_settings
from .stats import required_sample_size, wilson_interval

__all__ = [
    "AnswerCheck", "AnswerError", "Count", "Definition", "DefinitionError", "Distribution",
    "FreeText", "Option", "QUESTION_TYPES", "Question", "QuestionType", "Rate", "Section",
    "Settings", "awareness_rate", "default_definition", "distribution", "employer_rates",
    "free_text", "is_visible", "load_definition", "load_settings", "parse_definition",
    "participation_rate", "prune_hidden", "question_type", "rate", "recognition_rate",
    "required_sample", "required_sample_size", "sample_status", "satisfaction_rate",
    "suppress_small_cells", "validate_answers", "visible_questions", "wilson_interval",
    "worker_rates",
]
