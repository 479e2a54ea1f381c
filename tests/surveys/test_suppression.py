"""Complementary suppression: on random tables, no hidden cell can be derived from what is published."""
from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from surveys.suppression import COMPLEMENT, SMALL, closed_sums, suppress

MIN = 5


def consistent_values(published, counts, sums, min_size=MIN):
    """For each hidden cell, every value it takes over all tables that give the same publication.

    The attacker knows the visible cells, every published sum, which cells are
    hidden and why (a "small" cell holds 1..min_size-1 people, a complementary
    one any number). Tables are enumerated cell by cell, bounded by the
    largest published sum.
    """
    hidden = [k for k, v in published.values.items() if v is None]
    groups = [frozenset(s) for s in sums]
    target = {g: sum(counts[k] for k in g) for g in groups}
    cap = max(target.values(), default=0)
    ranges = []
    for k in hidden:
        lo, hi = (1, min_size - 1) if published.why[k] == SMALL else (0, cap)
        ranges.append(range(lo, hi + 1))
    seen = {k: set() for k in hidden}
    for combo in itertools.product(*ranges):
        table = {**{k: v for k, v in published.values.items() if v is not None}, **dict(zip(hidden, combo))}
        if all(sum(table[k] for k in g) == target[g] for g in groups):
            for k, v in zip(hidden, combo):
                seen[k].add(v)
    return seen


def assert_nothing_derivable(counts, sums):
    published = suppress(counts, sums, MIN)
    if published.withheld:
        assert all(v is None for v in published.values.values())
        return published
    for k, v in counts.items():
        if 0 < v < MIN:
            assert published.values[k] is None and published.why[k] == SMALL
        elif published.values[k] is not None:
            assert published.values[k] == v
    for k, values in consistent_values(published, counts, sums).items():
        assert len(values) >= 2, (counts, sums, k, values)
    return published


cells = st.lists(st.integers(0, 9), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(cells)
def test_single_choice_total_never_gives_a_hidden_cell_back(values):
    counts = dict(enumerate(values))
    assert_nothing_derivable(counts, [list(counts)])


@settings(max_examples=300, deadline=None)
@given(cells, st.data())
def test_nested_published_sums_never_give_a_hidden_cell_back(values, data):
    """A rate's numerator (top-2 options) and its n (all but 不了解) are sums published beside the total."""
    counts = dict(enumerate(values))
    keys = list(counts)
    inner = data.draw(st.sets(st.sampled_from(keys)))
    outer = data.draw(st.sets(st.sampled_from(keys))) | inner
    assert_nothing_derivable(counts, [keys, sorted(inner), sorted(outer)])


@settings(max_examples=200, deadline=None)
@given(cells)
def test_independent_cells_hide_only_the_small_ones(values):
    """Multiple choice: cells do not add up to anything published, so no complement is needed."""
    counts = dict(enumerate(values))
    published = assert_nothing_derivable(counts, [])
    assert [k for k, why in published.why.items() if why] == [k for k, v in counts.items() if 0 < v < MIN]


def test_examples():
    p = suppress({"a": 12, "b": 3, "c": 7, "d": 20}, [["a", "b", "c", "d"]])
    assert p.values == {"a": 12, "b": None, "c": None, "d": 20}
    assert p.why == {"a": None, "b": SMALL, "c": COMPLEMENT, "d": None}
    # five people, one per option: the total would give every cell back, so the table is withheld
    assert suppress({k: 1 for k in "abcde"}, ["abcde"]).withheld
    assert suppress({"a": 5, "b": 9}, ["ab"]).why == {"a": None, "b": None}


def test_differences_of_nested_sums_are_published_too():
    assert frozenset("c") in closed_sums("abc", ["abc", "ab"])
