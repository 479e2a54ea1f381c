"""Small-cell suppression with complementary suppression (DOMAIN §8.3).

A *cell* is the number of people behind one figure (the respondents who chose
one option). A cell of 1 to ``min_size - 1`` people is never published
(*primary* suppression). Hiding it is not enough when sums are published: the
question's total (its n), or a rate's numerator (满意率 = 非常满意 + 比较满意),
would give it back by subtraction. So every published sum that contains a
hidden cell must contain enough hidden cells that none of them is determined
(*complementary* suppression); when that cannot be reached the whole table is
withheld.

The attacker this guards against knows the algorithm: the published cells,
every published sum, that a primary cell holds 1..min_size-1 people and a
complementary one any number ≥ 0. ``tests/surveys/test_suppression.py``
enumerates every table consistent with a publication and checks that no
hidden cell takes a single value.

Pure functions; keys are any hashable (option codes in practice).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping

SMALL = "small"  # 1..min_size-1 people: "不足5人，不显示"
COMPLEMENT = "complement"  # hidden so that a small cell cannot be recovered from a sum


@dataclass(frozen=True)
class Suppressed:
    """The publication of one table: ``values[k]`` is None when hidden, ``why[k]`` says why.

    ``withheld``: no cell can be shown safely (every cell is hidden, and the
    reader is told the table is withheld as a whole).
    """
    values: Mapping[Hashable, int | None]
    why: Mapping[Hashable, str | None]
    withheld: bool = False


def closed_sums(keys: Iterable[Hashable], sums: Iterable[Iterable[Hashable]]) -> list[frozenset]:
    """The published sums and every difference of two nested ones (A ⊂ B publishes B − A)."""
    keys = frozenset(keys)
    out = {frozenset(s) & keys for s in sums}
    out.discard(frozenset())
    changed = True
    while changed:
        changed = False
        for a in list(out):
            for b in list(out):
                if a < b and (b - a) not in out:
                    out.add(b - a)
                    changed = True
    return sorted(out, key=lambda s: (len(s), sorted(map(str, s))))


def _bounds(key, values, hidden, min_size):
    if hidden[key] == SMALL:
        return 1, min_size - 1
    return 0, None  # a complementary cell may hold anybody


def _determined(group: frozenset, values: Mapping, hidden: dict, min_size: int) -> bool:
    """True when, within this published sum alone, some hidden cell takes a single value."""
    cells = [k for k in group if k in hidden]
    if not cells:
        return False
    total = sum(values[k] for k in cells)
    bounds = {k: _bounds(k, values, hidden, min_size) for k in cells}
    for k in cells:
        lo, hi = bounds[k]
        others = [bounds[o] for o in cells if o != k]
        others_lo = sum(b[0] for b in others)
        others_hi = None if any(b[1] is None for b in others) else sum(b[1] for b in others)
        low = max(lo, total - others_hi) if others_hi is not None else lo
        high = total - others_lo if hi is None else min(hi, total - others_lo)
        if low >= high:
            return True
    return False


def suppress(counts: Mapping[Hashable, int], sums: Iterable[Iterable[Hashable]] = (),
             min_size: int = 5) -> Suppressed:
    """Hide the cells of 1..min_size-1 and enough others that no hidden cell can be derived.

    ``sums``: the sets of cells whose sum is published elsewhere (the question's
    total for a single-choice question, a rate's numerator...). Zero cells
    reveal nobody and stay visible unless needed as a complement. Complements
    are taken smallest first, non-zero before zero, so that as little as
    possible is hidden.
    """
    values = {k: int(v) for k, v in counts.items()}
    if any(v < 0 for v in values.values()):
        raise ValueError("cell counts must be >= 0")
    hidden: dict = {k: SMALL for k, v in values.items() if 0 < v < min_size}
    groups = closed_sums(values, sums)
    changed = bool(hidden)
    while changed:
        changed = False
        for group in groups:
            if not _determined(group, values, hidden, min_size):
                continue
            visible = [k for k in group if k not in hidden]
            if not visible:
                return _withheld(values)
            pick = min(visible, key=lambda k: (values[k] == 0, values[k], str(k)))
            hidden[pick] = COMPLEMENT
            changed = True
    if hidden and not _safe(values, hidden, groups, min_size):
        return _withheld(values)
    return Suppressed({k: (None if k in hidden else v) for k, v in values.items()},
                      {k: hidden.get(k) for k in values})


def _safe(values, hidden, groups, min_size) -> bool:
    return not any(_determined(g, values, hidden, min_size) for g in groups)


def _withheld(values) -> Suppressed:
    return Suppressed({k: None for k in values}, {k: COMPLEMENT for k in values}, True)


def suppress_small_cells(counts: Mapping[str, int] | list[int], min_size: int = 5, total: bool = True):
    """The cells of :func:`suppress` (None when hidden), in the shape given (dict or list).

    ``total``: the cells add up to a published total (a single-choice question);
    False for multiple choice, whose cells are independent.
    """
    keys = list(counts) if isinstance(counts, Mapping) else list(range(len(counts)))
    table = {k: counts[k] for k in keys}
    result = suppress(table, [keys] if total else [], min_size).values
    return result if isinstance(counts, Mapping) else [result[k] for k in keys]
