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

import itertools
from dataclasses import dataclass, field, replace
from typing import Hashable, Iterable, Mapping

SMALL = "small"  # 1..min_size-1 people: "不足5人，不显示"
COMPLEMENT = "complement"  # hidden so that a small cell cannot be recovered from a sum
UNSHOWN = "unshown"  # a cell no table shows (e.g. "ticked any non-exclusive option"), only sums contain it


@dataclass(frozen=True)
class Suppressed:
    """The publication of one table: ``values[k]`` is None when hidden, ``why[k]`` says why.

    ``withheld``: no cell can be shown safely (every cell is hidden, and the
    reader is told the table is withheld as a whole).
    """
    values: Mapping[Hashable, int | None]
    why: Mapping[Hashable, str | None]
    withheld: bool = False
    dropped: frozenset = field(default_factory=frozenset)  # optional sums that must not be published


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


def _bounds(key, hidden, min_size, ranges):
    if hidden[key] == SMALL:
        return 1, min_size - 1
    if hidden[key] == UNSHOWN:
        return ranges.get(key, (0, None))
    return 0, None  # a complementary cell may hold anybody


def _pinned(group: frozenset, values: Mapping, hidden: dict, min_size: int, ranges=None) -> list:
    """The shown hidden cells that, within this published sum alone, take a single value."""
    ranges = ranges or {}
    cells = [k for k in group if k in hidden]
    if not cells:
        return []
    total = sum(values[k] for k in cells)
    bounds = {k: _bounds(k, hidden, min_size, ranges) for k in cells}
    out = []
    for k in cells:
        if hidden[k] == UNSHOWN:  # nobody is protected by it: its value may well be known
            continue
        lo, hi = bounds[k]
        others = [bounds[o] for o in cells if o != k]
        others_lo = sum(b[0] for b in others)
        others_hi = None if any(b[1] is None for b in others) else sum(b[1] for b in others)
        low = max(lo, total - others_hi) if others_hi is not None else lo
        high = total - others_lo if hi is None else min(hi, total - others_lo)
        if low >= high:
            out.append(k)
    return out


def _determined(group: frozenset, values: Mapping, hidden: dict, min_size: int, ranges=None) -> bool:
    """True when, within this published sum alone, some hidden cell takes a single value."""
    return bool(_pinned(group, values, hidden, min_size, ranges))


def suppress(counts: Mapping[Hashable, int], sums: Iterable[Iterable[Hashable]] = (),
             min_size: int = 5, optional: Mapping[Hashable, Iterable[Iterable[Hashable]]] | None = None,
             unshown: Mapping[Hashable, tuple] | Iterable[Hashable] = (), withhold: bool = False) -> Suppressed:
    """Hide the cells of 1..min_size-1 and enough others that no hidden cell can be derived.

    ``sums``: the sets of cells whose sum is always published elsewhere (the
    question's total for a single-choice question). ``optional``: owner → the
    sums that owner publishes if it is shown at all (a rate's numerator and
    denominator, a conditional question's n); when the always-published sums
    and an owner's sums together isolate a cell of 1..min_size-1 people (W14
    不了解 = the question's n − 满意率's n), no amount of hiding cells helps,
    so owners are dropped (fewest first, in the order given) until nothing can
    be derived; ``dropped`` names them, and their figures must not be shown.
    ``unshown``: cells that only sums contain (never shown, never protected),
    with the bounds (low, high or None) a reader knows for them. ``withhold``:
    hide every cell whatever the counts (a figure elsewhere reads them jointly).

    Zero cells reveal nobody and stay visible unless needed as a complement.
    Complements are taken smallest first, non-zero before zero, so that as
    little as possible is hidden; a table that cannot be made safe is
    withheld (every cell hidden) when that is safe with its sums.
    """
    values = {k: int(v) for k, v in counts.items()}
    if any(v < 0 for v in values.values()):
        raise ValueError("cell counts must be >= 0")
    optional = {owner: [list(s) for s in owner_sums] for owner, owner_sums in (optional or {}).items()}
    ranges = dict(unshown) if isinstance(unshown, Mapping) else {k: (0, None) for k in unshown}
    owners = list(optional)
    result = None
    for size in range(len(owners) + 1):
        for drop in itertools.combinations(owners, size):
            kept = [s for owner in owners if owner not in drop for s in optional[owner]]
            groups = closed_sums(values, [*sums, *kept])
            result = _withheld(values, ranges) if withhold else _suppress_with(values, groups, min_size, ranges)
            if not _leaks(result, values, groups, min_size, ranges):
                return replace(result, dropped=frozenset(drop))
    return replace(result, dropped=frozenset(owners))  # pragma: no cover - the sums alone always fit


def _suppress_with(values, groups, min_size, ranges) -> Suppressed:
    hidden: dict = {k: UNSHOWN for k in ranges}
    hidden.update({k: SMALL for k, v in values.items() if 0 < v < min_size and k not in ranges})
    changed = len(hidden) > len(ranges)
    while changed:
        changed = False
        for group in groups:
            if not _determined(group, values, hidden, min_size, ranges):
                continue
            visible = [k for k in group if k not in hidden]
            if not visible:
                return _withheld(values, ranges)
            pick = min(visible, key=lambda k: (values[k] == 0, values[k], str(k)))
            hidden[pick] = COMPLEMENT
            changed = True
    if len(hidden) > len(ranges) and not _safe(values, hidden, groups, min_size, ranges):
        return _withheld(values, ranges)
    shown = [k for k in values if k not in ranges]
    return Suppressed({k: (None if k in hidden else values[k]) for k in shown}, {k: hidden.get(k) for k in shown})


def _leaks(result: Suppressed, values, groups, min_size, ranges) -> bool:
    """Whether a withheld table still gives a small cell back through its published sums.

    A table that is shown was made safe by :func:`_suppress_with`; a withheld
    one hides every cell (any value ≥ 0 to the reader), so a small cell is
    given back only by a sum of that cell alone or with unshown cells of known bounds.
    """
    if not result.withheld:
        return False
    hidden = {k: (UNSHOWN if k in ranges else COMPLEMENT) for k in values}
    return any(0 < values[k] < min_size for g in groups for k in _pinned(g, values, hidden, min_size, ranges))


def _safe(values, hidden, groups, min_size, ranges=None) -> bool:
    return not any(_determined(g, values, hidden, min_size, ranges) for g in groups)


def _withheld(values, unshown=frozenset()) -> Suppressed:
    shown = [k for k in values if k not in unshown]
    return Suppressed({k: None for k in shown}, {k: COMPLEMENT for k in shown}, True)


def suppress_small_cells(counts: Mapping[str, int] | list[int], min_size: int = 5, total: bool = True):
    """The cells of :func:`suppress` (None when hidden), in the shape given (dict or list).

    ``total``: the cells add up to a published total (a single-choice question);
    False for multiple choice, whose cells are independent.
    """
    keys = list(counts) if isinstance(counts, Mapping) else list(range(len(counts)))
    table = {k: counts[k] for k in keys}
    result = suppress(table, [keys] if total else [], min_size).values
    return result if isinstance(counts, Mapping) else [result[k] for k in keys]
