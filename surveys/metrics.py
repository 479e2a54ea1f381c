"""Rates, distributions and free text from a list of answer sets.

Pure functions: an answer set is a dict question code → normalised value (as
:func:`surveys.answers.validate_answers` returns). Which answers count is read
from the definition's ``metrics`` block; this module only evaluates it, and
applies the minimum-group rules of DOMAIN §8.3 so that no figure about fewer
than ``min_group_size`` people leaves this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple, Sequence

from .conditions import is_answered
from .definition import Definition
from .settings import Settings, load_settings
from .stats import required_sample_size, wilson_interval

AnswerSet = Mapping[str, object]


@dataclass(frozen=True)
class Rate:
    """A rate with its Wilson 95 % interval; all figures None when suppressed.

    The numerator is hidden too when suppressed: with n shown, it would give
    the rate away.
    """
    key: str
    label: str
    numerator: int | None
    n: int
    value: float | None
    low: float | None
    high: float | None
    suppressed: bool


class Count(NamedTuple):
    code: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class Distribution:
    """Answers per option; for multiple choice a share is per respondent."""
    code: str
    n: int
    counts: tuple[Count, ...]
    suppressed: bool


@dataclass(frozen=True)
class FreeText:
    code: str
    n: int
    comments: tuple[str, ...]
    suppressed: bool


def _settings(settings: Settings | None) -> Settings:
    return settings or load_settings()


def rate(definition: Definition, key: str, answer_sets: Iterable[AnswerSet],
         count_basic: bool | None = None, settings: Settings | None = None) -> Rate:
    """Evaluate the rule ``key`` of the definition's ``metrics`` block."""
    rule = definition.metrics.get(key)
    if rule is None:
        raise KeyError(f"问卷 {definition.code} 未定义指标 '{key}'")
    numerator, n = rate_counts(definition, key, answer_sets, count_basic)
    if n < _settings(settings).min_group_size:
        return Rate(key, rule.label, None, n, None, None, None, True)
    low, high = wilson_interval(numerator, n)
    return Rate(key, rule.label, numerator, n, numerator / n, low, high, False)


def rate_counts(definition: Definition, key: str, answer_sets: Iterable[AnswerSet],
                count_basic: bool | None = None) -> tuple[int, int]:
    """(numerator, n) of the rule ``key``, without suppression: these counts add up over groups.

    Only for aggregates that are suppressed again after summing (:func:`rate_from_counts`).
    """
    rule = definition.metrics.get(key)
    if rule is None:
        raise KeyError(f"问卷 {definition.code} 未定义指标 '{key}'")
    if count_basic is None:
        count_basic = rule.count_basic
    numerator = n = 0
    for answers in answer_sets:
        if not all(is_answered(answers.get(code)) for code in rule.answered):
            continue
        if rule.exclude is not None and rule.exclude.evaluate(answers):
            continue
        n += 1
        if rule.count.evaluate(answers) or (
                count_basic and rule.basic is not None and rule.basic.evaluate(answers)):
            numerator += 1
    return numerator, n


def rate_from_counts(key: str, label: str, numerator: int, n: int, settings: Settings | None = None) -> Rate:
    """The Rate of summed counts, suppressed below the minimum group exactly as :func:`rate`."""
    if n < _settings(settings).min_group_size:
        return Rate(key, label, None, n, None, None, None, True)
    low, high = wilson_interval(numerator, n)
    return Rate(key, label, numerator, n, numerator / n, low, high, False)


def participation_rate(definition: Definition, answer_sets: Iterable[AnswerSet],
                       settings: Settings | None = None) -> Rate:
    """参与率: ticked a real form of participation (W06 ≠ H), joiners after excluded."""
    return rate(definition, "participation", answer_sets, settings=settings)


def awareness_rate(definition: Definition, answer_sets: Iterable[AnswerSet],
                   settings: Settings | None = None) -> Rate:
    """知晓率: knows of the contract and of at least one of its contents."""
    return rate(definition, "awareness", answer_sets, settings=settings)


def satisfaction_rate(definition: Definition, answer_sets: Iterable[AnswerSet],
                      count_basic: bool | None = None, settings: Settings | None = None) -> Rate:
    """满意率: top-2 of W14; ``count_basic`` (None = the definition's) adds 一般."""
    return rate(definition, "satisfaction", answer_sets, count_basic, settings)


def recognition_rate(definition: Definition, answer_sets: Iterable[AnswerSet],
                     settings: Settings | None = None) -> Rate:
    """企业认可度: mean of E05–E07 at least 4."""
    return rate(definition, "recognition", answer_sets, settings=settings)


def _all_rates(definition: Definition, answer_sets: Iterable[AnswerSet],
               settings: Settings | None) -> dict[str, Rate]:
    answer_sets = list(answer_sets)
    return {key: rate(definition, key, answer_sets, settings=settings)
            for key in definition.metrics}


def worker_rates(definition: Definition, answer_sets: Iterable[AnswerSet],
                 settings: Settings | None = None) -> dict[str, Rate]:
    """Every rate of a worker definition: 参与率, 知晓率, 满意率 and the W15 dimensions."""
    return _all_rates(definition, answer_sets, settings)


def employer_rates(definition: Definition, answer_sets: Iterable[AnswerSet],
                   settings: Settings | None = None) -> dict[str, Rate]:
    """Every rate of an employer definition (by default 企业认可度)."""
    return _all_rates(definition, answer_sets, settings)


def distribution(definition: Definition, code: str, answer_sets: Iterable[AnswerSet],
                 settings: Settings | None = None) -> Distribution:
    """Counts per option of one choice question; empty and suppressed below the minimum."""
    question = definition.question(code)
    if not question.options:
        raise ValueError(f"题目 {code} 没有选项，无法统计分布")
    tally = {o.code: 0 for o in question.options}
    n = 0
    for answers in answer_sets:
        value = answers.get(code)
        if not is_answered(value):
            continue
        n += 1
        for chosen in (value if isinstance(value, (list, tuple)) else [value]):
            if str(chosen) in tally:
                tally[str(chosen)] += 1
    if n < _settings(settings).min_group_size:
        return Distribution(code, n, (), True)
    counts = tuple(Count(o.code, o.label, tally[o.code], tally[o.code] / n)
                   for o in question.options)
    return Distribution(code, n, counts, False)


def option_counts(definition: Definition, answer_sets: Iterable[AnswerSet]) -> dict[str, list]:
    """question code → [answered, {value: count}], the additive counts behind :func:`distribution`.

    Every answered question is counted; values are tallied (as ``str``, one per
    chosen option) for every question except free text, which is never
    aggregated. Tallies use the value, not the definition's options, so that
    counts from different versions can be read with any version's options
    (:func:`distribution_from_counts`).
    """
    text = {q.code for q in definition.questions if q.type in ("text", "textarea")}
    out: dict[str, list] = {}
    for answers in answer_sets:
        for code, value in answers.items():
            if not is_answered(value):
                continue
            entry = out.setdefault(code, [0, {}])
            entry[0] += 1
            if code in text:
                continue
            tally = entry[1]
            for chosen in (value if isinstance(value, (list, tuple)) else [value]):
                tally[str(chosen)] = tally.get(str(chosen), 0) + 1
    return out


def distribution_from_counts(definition: Definition, code: str, n: int, tally: Mapping[str, int],
                             settings: Settings | None = None) -> Distribution:
    """The Distribution of summed :func:`option_counts` on ``definition``'s options (same as :func:`distribution`)."""
    question = definition.question(code)
    if not question.options:
        raise ValueError(f"题目 {code} 没有选项，无法统计分布")
    if n < _settings(settings).min_group_size:
        return Distribution(code, n, (), True)
    counts = tuple(Count(o.code, o.label, tally.get(o.code, 0), tally.get(o.code, 0) / n)
                   for o in question.options)
    return Distribution(code, n, counts, False)


def free_text(definition: Definition, code: str, answer_sets: Iterable[AnswerSet],
              settings: Settings | None = None) -> FreeText:
    """Non-empty comments, only when the group has at least ``min_text_group`` answer sets.

    The group size (not the number of comments) is what hides the writer.
    Comments are sorted so that their order says nothing about submission order.
    """
    question = definition.question(code)
    if question.type not in ("text", "textarea"):
        raise ValueError(f"题目 {code} 不是文本题")
    answer_sets = list(answer_sets)
    n = len(answer_sets)
    if n < _settings(settings).min_text_group:
        return FreeText(code, n, (), True)
    comments = sorted(str(a[code]).strip() for a in answer_sets
                      if is_answered(a.get(code)) and str(a[code]).strip())
    return FreeText(code, n, tuple(comments), False)


def suppress_small_cells(counts: Mapping[str, int] | Sequence[int], min_size: int = 5):
    """Blank (None) cells with 0 < count < min_size, complementary rule included.

    If exactly one cell is blanked, the next-smallest one is blanked too, so the
    first cannot be recovered from a published total. Zero cells reveal no one
    and stay. Returns the same shape (dict or list) as given.
    """
    keys = list(counts) if isinstance(counts, Mapping) else list(range(len(counts)))
    values = {k: counts[k] for k in keys}
    hidden = {k for k in keys if 0 < values[k] < min_size}
    if len(hidden) == 1:
        rest = sorted((k for k in keys if k not in hidden),
                      key=lambda k: (values[k] == 0, values[k]))
        if rest:
            hidden.add(rest[0])
    result = {k: (None if k in hidden else values[k]) for k in keys}
    return result if isinstance(counts, Mapping) else [result[k] for k in keys]


def required_sample(population: int | None, settings: Settings | None = None,
                    audience: str = "worker") -> int:
    """Responses needed from one enterprise.

    Workers: Cochran size at the configured margin/confidence, at least
    ``min_sample`` (30). Employer side: ``employer_min_sample`` (5). Both are
    capped at the population, since nobody can ask more people than there are.
    """
    s = _settings(settings)
    if audience == "employer":
        needed = s.employer_min_sample
    else:
        needed = max(s.min_sample, required_sample_size(population, s.margin, s.confidence))
    return needed if population is None else min(needed, population)


def sample_status(responses: int, population: int | None, required: int,
                  min_sample: int | None = None) -> str:
    """Traffic light for an enterprise's sample.

    * green: responses ≥ required, or everybody in the population answered;
    * amber: responses ≥ 50 % of required, or ≥ the minimum sample (30): rates
      can be shown, but their intervals are wider than planned;
    * red: anything less.
    """
    minimum = load_settings().min_sample if min_sample is None else min_sample
    if responses >= required or (population and responses >= population):
        return "green"
    if 2 * responses >= required or responses >= minimum:
        return "amber"
    return "red"
