"""One group's publication: its distributions and its rates, decided together.

A page shows, for one group (an enterprise's release, or a sum of releases),
every choice question's distribution and n, every rate's numerator and n, and
the number of answers. These figures are linked: W14's cells add up to its n,
满意率's n is W14's n minus 不了解, W08's n is the number who answered W07 = 是,
W11's n is W06's n minus those who ticked only "没有参与". Suppressing the
cells of each table on its own is not enough, because a hidden cell of 1–4
can come back as the difference of two published sums (the question's n − the
rate's n). So the sums that other figures publish are modelled in the table
they relate to:

* a question's n: always published, the sum of all its cells;
* a rate read from one question only (``answered: [W14]``, count/exclude on
  W14): its n and numerator are *optional* sums of that question's cells;
* a question shown only when another question has some answers (``show_if``
  on one question): its n is an *optional* sum of that question's cells;
* for a multiple-choice question the table is its exclusive options (which
  stand alone) and one unshown cell "ticked something else"; its other cells
  add up to nothing published and are hidden on their own when small.

:func:`surveys.suppression.suppress` then hides cells and, when hiding cells
cannot help, drops optional sums: the rate or the conditional question is
then not shown at all (why: :data:`DERIVE`), its n included.

Rates read from several questions (参与率: W05 and W06; 知晓率: W07, W08,
W09; 企业认可度: the mean of E05–E07) are not a sum of cells of one table.
They are shown only when every count they publish or imply is 0 or at least
``min_group_size``: the numerator, the rest of the denominator (n − x), and
the answers they leave out (the group's answers and each answered question's
n, minus the rate's n). A conditional question whose condition reads several
questions is treated the same way (its n and the answers it leaves out).
The tests (``tests/surveys/test_publication.py``) enumerate every joint
table consistent with a publication and check that no hidden cell of 1–4
takes a single value.

Pure module: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .conditions import Match
from .definition import Definition
from .metrics import Count, Distribution
from .settings import Settings, load_settings
from .suppression import COMPLEMENT, SMALL, suppress

DERIVE = "derive"  # not shown: with the other figures it would give away a group of 1–4
REST = "\x00rest"  # the unshown cell of a multiple-choice table: ticked a non-exclusive option
CHOICE = ("single", "scale5")


@dataclass(frozen=True)
class Publication:
    """What may be shown of one group: distributions by question code, and why a rate is not shown.

    ``rates[key]`` is None when the rate is shown, else :data:`~surveys.suppression.SMALL`
    (n below the minimum) or :data:`DERIVE`; a rate not shown shows no n either.
    """
    distributions: Mapping[str, Distribution]
    rates: Mapping[str, str | None]


def _cells(definition: Definition, condition, code: str):
    """The keys of ``code``'s table that a condition selects, or None when it reads anything else."""
    if condition is None or not isinstance(condition, Match) or condition.question != code:
        return None
    question = definition.question(code)
    if question.type in CHOICE:
        options = [o.code for o in question.options]
        chosen = [o for o in options if o in condition.values]
        return [o for o in options if o not in chosen] if condition.negate else chosen
    if question.type == "multiple":
        exclusive = [o.code for o in question.options if o.exclusive]
        if not condition.values <= set(exclusive):
            return None
        if condition.negate:
            return [o for o in exclusive if o not in condition.values] + [_rest(question)]
        return [o for o in exclusive if o in condition.values]
    return None


def _rest(question) -> str:
    """The key of "ticked a non-exclusive option": that option itself when there is only one."""
    others = [o.code for o in question.options if not o.exclusive]
    return others[0] if len(others) == 1 else REST


def _keys(definition: Definition, code: str) -> list:
    question = definition.question(code)
    if question.type == "multiple":
        return [o.code for o in question.options if o.exclusive] + [_rest(question)]
    return [o.code for o in question.options]


def _rate_sums(definition: Definition, key: str, n: int):
    """(question code, [n cells, numerator cells]) of a rate read from one question, else None."""
    rule = definition.metrics[key]
    if len(rule.answered) != 1:
        return None
    code = rule.answered[0]
    if definition.question(code).type not in (*CHOICE, "multiple"):
        return None
    count = _cells(definition, rule.count, code)
    basic = _cells(definition, rule.basic, code) if rule.count_basic and rule.basic is not None else []
    exclude = _cells(definition, rule.exclude, code) if rule.exclude is not None else []
    if count is None or basic is None or exclude is None:
        return None
    keys = _keys(definition, code)
    within = [k for k in keys if k not in exclude]
    return code, [within, [k for k in within if k in set(count) | set(basic)]]


def _named(definition: Definition, condition) -> list:
    """The shown cells (question code, option) a condition reads one by one.

    Ticking any non-exclusive option of a multiple-choice question reads no
    single cell (their union is not shown anywhere).
    """
    if isinstance(condition, Match):
        question = definition.question(condition.question)
        if question.type == "multiple" and not condition.negate:
            others = {o.code for o in question.options if not o.exclusive}
            if condition.values == others:
                return []
        return [(condition.question, v) for v in sorted(condition.values)]
    parts = getattr(condition, "items", None)
    if parts is not None:
        return [c for part in parts for c in _named(definition, part)]
    return [(code, None) for code in condition.questions()]  # e.g. a mean of several questions


def _hidden(dist: Distribution, option) -> bool:
    if dist.suppressed or dist.withheld:
        return True
    return any(c.count is None for c in dist.counts if option is None or c.code == option)


def _exact(definition: Definition, question) -> bool:
    """Whether a conditional question's n is exactly the number of answers its condition selects.

    It must be required; a negated condition also holds for those who did not
    answer the condition's question, so that one must be answered by everybody.
    """
    condition = question.show_if
    if not isinstance(condition, Match):
        return False
    source = definition.question(condition.question)
    return question.required and (not condition.negate or (source.required and source.show_if is None))


def _fine(count: int, minimum: int) -> bool:
    return count == 0 or count >= minimum


def publish(definition: Definition, answers: int, questions: Mapping[str, tuple],
            rates: Mapping[str, tuple], settings: Settings | None = None) -> Publication:
    """Decide the publication of one group.

    ``answers``: the group's number of answers; ``questions``: code →
    (answered, {value: count}) as :func:`surveys.metrics.option_counts` adds
    them up; ``rates``: key → (numerator, n) as :func:`surveys.metrics.rate_counts`.
    """
    s = settings or load_settings()
    minimum = s.min_group_size
    answered = {code: int(questions.get(code, (0, {}))[0]) for code in (q.code for q in definition.questions)}
    tallies = {code: {str(k): int(v) for k, v in questions.get(code, (0, {}))[1].items()} for code in answered}
    why: dict = {}
    optional: dict = {}  # question code → {owner: sums}
    loose: list = []  # (owner, shown cells it reads): figures shown only if those cells are
    for key in [*definition.metrics, *(k for k in rates if k not in definition.metrics)]:
        x, n = rates.get(key, (0, 0))
        if n < minimum:
            why[key] = SMALL
            continue
        if key not in definition.metrics:  # a rate of an older version only: the counts it implies
            why[key] = None if all(_fine(c, minimum) for c in (x, n - x, answers - n)) else DERIVE
            continue
        linked = _rate_sums(definition, key, n)
        if linked is not None:
            optional.setdefault(linked[0], {})[("rate", key)] = linked[1]
            why[key] = None
            continue
        implied = [x, n - x, answers - n] + [answered[c] - n for c in definition.metrics[key].answered]
        why[key] = None if all(_fine(c, minimum) for c in implied) else DERIVE
        if why[key] is None:
            rule = definition.metrics[key]
            loose.append((("rate", key), [c for cond in (rule.count, rule.basic, rule.exclude) if cond is not None
                                          for c in _named(definition, cond)]))
    hidden_n: set = set()
    for question in definition.questions:
        if question.show_if is None or not question.options or answered[question.code] < minimum:
            continue
        code = question.show_if.questions()[0] if len(set(question.show_if.questions())) == 1 else None
        cells = _cells(definition, question.show_if, code) if code and _exact(definition, question) else None
        if cells is not None:
            optional.setdefault(code, {})[("question", question.code)] = [cells]
        elif not (_fine(answers - answered[question.code], minimum)):
            hidden_n.add(question.code)
        else:
            loose.append((("question", question.code), _named(definition, question.show_if)))
    tables = {}
    for question in definition.questions:
        if not question.options:
            continue
        tables[question.code] = _table(definition, question, answered[question.code], tallies[question.code],
                                       optional.get(question.code, {}), minimum)
    # A figure read from several questions is shown only beside visible cells. A mean of several
    # questions (企业认可度) reads whole tables: those are withheld instead, so the rate stays.
    whole = {code for _, cells in loose for code, option in cells if option is None and code in tables}
    for code in sorted(whole):
        question = definition.question(code)
        tables[code] = _table(definition, question, answered[code], tallies[code], optional.get(code, {}),
                              minimum, withhold=True)
    for (kind, owner), cells in loose:
        if any(_hidden(tables[code][0], option) for code, option in cells if code in tables and option is not None):
            if kind == "rate":
                why[owner] = DERIVE
            else:
                hidden_n.add(owner)
    for code, (_, dropped) in tables.items():
        for kind, owner in dropped:
            if kind == "rate":
                why[owner] = DERIVE
            else:
                hidden_n.add(owner)
    dists = {code: (Distribution(code, None, (), True, why=DERIVE) if code in hidden_n else dist)
             for code, (dist, _) in tables.items()}
    return Publication(dists, why)


def _independent(cells: Mapping[str, int], rest: int, minimum: int) -> dict:
    """Hidden non-exclusive cells of a multiple-choice question: option → SMALL or COMPLEMENT.

    They add up to nothing, but everybody in them is in "ticked a non-exclusive
    option" (``rest``), which a reader may know (n − the exclusive cells, or a
    conditional question's n): a small cell s has s ≥ rest − (the other cells),
    so another cell is hidden while that bound would pin s.
    """
    hidden = {o: SMALL for o, v in cells.items() if 0 < v < minimum}

    def pinned():
        for o in hidden:
            if hidden[o] != SMALL:
                continue
            others = [None if p in hidden and hidden[p] == COMPLEMENT else
                      (minimum - 1 if p in hidden else v) for p, v in cells.items() if p != o]
            if None in others:
                continue
            if max(1, rest - sum(others)) >= min(minimum - 1, rest):
                return True
        return False

    while hidden and pinned():
        visible = [o for o in cells if o not in hidden]
        if not visible:
            break  # pragma: no cover - a lone non-exclusive option is a partition cell (_rest)
        hidden[min(visible, key=lambda o: (cells[o] == 0, cells[o], o))] = COMPLEMENT
    return hidden


def _table(definition, question, n: int, tally: Mapping[str, int], optional: dict, minimum: int,
           withhold: bool = False):
    """(Distribution, dropped owners) of one question with the sums other figures publish of it."""
    if n < minimum:
        return Distribution(question.code, n, (), True, why=SMALL), frozenset()
    options = [o.code for o in question.options]
    if question.type == "multiple" and _rest(question) != REST:  # one non-exclusive option: a partition
        values = {o: tally.get(o, 0) for o in options}
        table = suppress(values, [options], minimum, optional, withhold=withhold)
        cell, reason = table.values, table.why
    elif question.type == "multiple":
        exclusive = [o.code for o in question.options if o.exclusive]
        others = [o for o in options if o not in exclusive]
        values = {o: tally.get(o, 0) for o in exclusive}
        values[REST] = n - sum(values.values())
        hidden = _independent({o: tally.get(o, 0) for o in others}, values[REST], minimum)
        shown = [tally.get(o, 0) for o in others if o not in hidden]
        low = max([*shown, 1 if hidden else 0])
        high = (None if COMPLEMENT in hidden.values()
                else sum(shown) + (minimum - 1) * sum(1 for why in hidden.values() if why == SMALL))
        table = suppress(values, [list(values)], minimum, optional, {REST: (low, high)}, withhold)
        cell = {**{o: (None if o in hidden else tally.get(o, 0)) for o in others}, **table.values}
        reason = {**{o: hidden.get(o) for o in others}, **table.why}
    else:
        table = suppress({o: tally.get(o, 0) for o in options}, [options], minimum, optional, withhold=withhold)
        cell, reason = table.values, table.why
    counts = tuple(Count(o.code, o.label, cell[o.code], None if cell[o.code] is None else cell[o.code] / n,
                         reason[o.code]) for o in question.options)
    withheld = table.withheld and question.type != "multiple"  # its other cells are shown
    return Distribution(question.code, n, counts, False, withheld), table.dropped
