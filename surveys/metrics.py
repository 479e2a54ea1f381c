"""Rates, distributions and free text from a list of answer sets.

Pure functions: an answer set is a dict question code → normalised value (as
:func:`surveys.answers.validate_answers` returns). Which answers count is read
from the definition's ``metrics`` block; this module only evaluates it, and
applies the minimum-group rules of DOMAIN §8.3 so that no figure about fewer
than ``min_group_size`` people leaves this module.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Mapping, NamedTuple, Sequence

from .conditions import Match, is_answered
from .definition import Definition
from .settings import Settings, load_settings
from .stats import required_sample_size, wilson_interval
from .suppression import suppress, suppress_small_cells  # noqa: F401  (re-exported)

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
    """One option's cell; ``count`` and ``share`` are None when hidden, ``why`` then says why.

    ``why``: :data:`surveys.suppression.SMALL` (1–4 people: "不足5人，不显示") or
    :data:`~surveys.suppression.COMPLEMENT` (hidden so that a small cell cannot be
    recovered by subtraction).
    """
    code: str
    label: str
    count: int | None
    share: float | None
    why: str | None = None


@dataclass(frozen=True)
class Distribution:
    """Answers per option; for multiple choice a share is per respondent.

    ``why`` when suppressed: :data:`~surveys.suppression.SMALL` (fewer than 5
    answered) or ``"derive"`` (``surveys.publication``: with the other figures
    its n would give a group of 1–4 away; n is then None and not shown).
    """
    code: str
    n: int | None
    counts: tuple[Count, ...]
    suppressed: bool
    withheld: bool = False  # n is shown but no cell can be shown safely
    why: str | None = None


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
    return _published(definition, question, n, tally, settings)


def published_sums(definition: Definition, code: str) -> list[list[str]]:
    """The sets of option cells of one question whose sum is published somewhere.

    A single-choice question's cells add up to its n; a rate counting some
    options of it (满意率 = 非常满意 + 比较满意) publishes their sum as its
    numerator, and one excluding options (不了解) publishes the rest as its n.
    Multiple-choice cells add up to nothing (a respondent may tick several).
    """
    question = definition.question(code)
    if question.type not in ("single", "scale5"):
        return []
    options = [o.code for o in question.options]
    sums = [options]

    def cells(condition):
        if isinstance(condition, Match) and condition.question == code:
            chosen = [o for o in options if o in condition.values]
            return [o for o in options if o not in chosen] if condition.negate else chosen
        return None

    for rule in definition.metrics.values():
        count, basic, exclude = cells(rule.count), cells(rule.basic), cells(rule.exclude)
        if count is not None:
            sums.append(count)
            if basic is not None:
                sums.append(sorted(set(count) | set(basic)))
        if exclude is not None:
            sums.append([o for o in options if o not in exclude])
    return sums


def _published(definition: Definition, question, n: int, tally: Mapping[str, int],
               settings: Settings | None) -> Distribution:
    """Counts per option with small cells and their complements hidden (``surveys.suppression``)."""
    s = _settings(settings)
    if n < s.min_group_size:
        return Distribution(question.code, n, (), True)
    cells = {o.code: int(tally.get(o.code, 0)) for o in question.options}
    table = suppress(cells, published_sums(definition, question.code), s.min_group_size)
    counts = tuple(Count(o.code, o.label, table.values[o.code],
                         None if table.values[o.code] is None else table.values[o.code] / n, table.why[o.code])
                   for o in question.options)
    return Distribution(question.code, n, counts, False, table.withheld)


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
    return _published(definition, question, n, tally, settings)


def shuffled(comments: Iterable[str]) -> list[str]:
    """Comments in an order that says nothing about the order they were written in."""
    return sorted(comments, key=lambda c: (hashlib.sha256(c.encode("utf-8")).hexdigest(), c))


def free_text(definition: Definition, code: str, answer_sets: Iterable[AnswerSet],
              settings: Settings | None = None) -> FreeText:
    """Non-empty comments, only when the group has at least ``min_text_group`` answer sets.

    The group size (not the number of comments) is what hides the writer.
    Comments come in the order of their SHA-256: it looks random and depends
    only on the text, never on who answered when (nor changes between views).
    """
    question = definition.question(code)
    if question.type not in ("text", "textarea"):
        raise ValueError(f"题目 {code} 不是文本题")
    answer_sets = list(answer_sets)
    n = len(answer_sets)
    if n < _settings(settings).min_text_group:
        return FreeText(code, n, (), True)
    comments = shuffled(str(a[code]).strip() for a in answer_sets
                        if is_answered(a.get(code)) and str(a[code]).strip())
    return FreeText(code, n, tuple(comments), False)


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
