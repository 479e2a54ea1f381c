"""Linked publication: no hidden cell of 1–4 can be derived from all the figures of a group together.

The attacker knows every figure a page shows for one group (the number of
answers, each distribution's n and visible cells, each rate's numerator and
n), which cells are hidden because they are small (1–4), and the algorithm.
The joint tests enumerate every table of respondent profiles consistent with
what is shown and check that each small hidden cell still takes two values.
"""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from surveys import default_definition
from surveys.metrics import option_counts, rate_counts
from surveys.publication import DERIVE, publish
from surveys.suppression import SMALL
from tests.surveys.helpers import build

MIN = 5
YN = [{"code": "yes", "label": "是"}, {"code": "no", "label": "否"}]


def linked_definition(s1="abcx", m2="pqh"):
    """One single-choice question with an opt-out, a rate excluding it, a conditional question on it;
    a multiple-choice question with an exclusive option, a question shown unless it is ticked, and a
    rate read from both questions."""
    return build({
        "schema_version": 1, "code": "linked", "version": "1", "audience": "worker", "title": "测试",
        "intro": "匿名", "sections": [{"code": "s", "title": "页", "questions": [
            {"code": "S1", "type": "single", "text": "满意吗", "options": [
                o for o in ({"code": "a", "label": "满意"}, {"code": "b", "label": "一般"},
                            {"code": "c", "label": "新入职"}, {"code": "x", "label": "不了解"}) if o["code"] in s1]},
            {"code": "D4", "type": "single", "text": "为什么满意", "show_if": {"question": "S1", "in": ["a"]},
             "options": YN},
            {"code": "M2", "type": "multiple", "text": "参与了哪些", "options": [
                o for o in ({"code": "p", "label": "提意见"}, {"code": "q", "label": "选代表"},
                            {"code": "h", "label": "没有参与", "exclusive": True}) if o["code"] in m2]},
            {"code": "C3", "type": "single", "text": "意见得到答复吗", "show_if": {"question": "M2", "not_in": ["h"]},
             "options": YN},
        ]}],
        "metrics": {
            "sat": {"label": "满意率", "answered": ["S1"], "exclude": {"question": "S1", "in": ["x"]},
                    "count": {"question": "S1", "in": ["a"]}},
            "part": {"label": "参与率", "answered": ["M2"], "exclude": {"question": "S1", "in": ["c"]},
                     "count": {"question": "M2", "not_in": ["h"]}},
        }})


def profile(s1: str, m2: tuple) -> dict:
    answers = {"S1": s1, "M2": sorted(m2)}
    if s1 == "a":
        answers["D4"] = "yes"
    if m2 != ("h",):
        answers["C3"] = "yes"
    return answers


def figures(definition, sets):
    """Everything the page shows of the group: name → value (hidden figures left out), and the small hidden cells."""
    counts = option_counts(definition, sets)
    rates = {key: rate_counts(definition, key, sets) for key in definition.metrics}
    shown = publish(definition, len(sets), counts, rates)
    out = {"answers": len(sets)}
    small = []
    for code, dist in shown.distributions.items():
        if dist.suppressed:
            continue
        out[(code, "n")] = dist.n
        for cell in dist.counts:
            if cell.count is not None:
                out[(code, cell.code)] = cell.count
            elif cell.why == SMALL:
                small.append((code, cell.code))
    for key, why in shown.rates.items():
        if why is None:
            out[(key, "x")], out[(key, "n")] = rates[key]
    return out, small, shown


def raw(definition, sets):
    """Every figure a page could show, unsuppressed (for the per-profile contributions)."""
    counts = option_counts(definition, sets)
    out = {"answers": len(sets)}
    for q in definition.questions:
        if q.options:
            answered, tally = counts.get(q.code, (0, {}))
            out[(q.code, "n")] = answered
            for o in q.options:
                out[(q.code, o.code)] = tally.get(o.code, 0)
    for key in definition.metrics:
        out[(key, "x")], out[(key, "n")] = rate_counts(definition, key, sets)
    return out


def consistent_cells(definition, profiles, counts):
    """For each small hidden cell, the values it takes over every profile table showing the same figures."""
    sets = [profile(*p) for p, c in zip(profiles, counts) for _ in range(c)]
    shown, small, _ = figures(definition, sets)
    contrib = [raw(definition, [profile(*p)]) for p in profiles]
    constraints = [([c[name] for c in contrib], value) for name, value in shown.items()]
    targets = [[c[cell] for c in contrib] for cell in small]
    seen = [set() for _ in small]
    n = len(profiles)

    def dfs(i, partial, chosen):
        if i == n:
            if all(p == v for p, (_, v) in zip(partial, constraints)):
                for k, weights in enumerate(targets):
                    seen[k].add(sum(w * c for w, c in zip(weights, chosen)))
            return
        c = 0
        while True:
            new = [p + w[i] * c for p, (w, _) in zip(partial, constraints)]
            if any(p > v for p, (_, v) in zip(new, constraints)):
                return
            if all(p == v or any(w[j] for j in range(i + 1, n)) for p, (w, v) in zip(new, constraints)):
                dfs(i + 1, new, chosen + [c])
            c += 1

    dfs(0, [0] * len(constraints), [])
    return dict(zip(small, seen)), shown


def assert_nothing_derivable(profiles, counts, definition):
    cells, shown = consistent_cells(definition, profiles, counts)
    for cell, values in cells.items():
        assert len(values) >= 2, (cell, values, dict(zip(profiles, counts)), shown)


SINGLE = [(s, ("p",)) for s in "abcx"]
JOINT = [(s, m) for s in "acx" for m in (("h",), ("p",))]  # every profile of S1 × M2 (options p, h)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=4, max_size=4))
def test_a_rate_excluding_an_option_and_a_conditional_question_never_give_a_small_cell_back(counts):
    assert_nothing_derivable(SINGLE, counts, linked_definition())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=6, max_size=6))
def test_multiple_choice_and_a_rate_of_two_questions_never_give_a_small_cell_back(counts):
    assert_nothing_derivable(JOINT, counts, linked_definition("acx", "ph"))


def sets_of(**spec):
    return [dict(answers) for answers, n in spec.values() for _ in range(n)]


def publication_of(sets, definition=None):
    definition = definition or default_definition("worker")
    counts = option_counts(definition, sets)
    rates = {key: rate_counts(definition, key, sets) for key in definition.metrics}
    return publish(definition, len(sets), counts, rates), counts, rates


def test_three_who_cannot_judge_are_not_the_answers_minus_the_rates_n():
    """W14 不了解 (excluded from 满意率) picked by 3: the rate's n would give them back."""
    definition = default_definition("worker")
    base = {c: v for c, v in {"W05": "A", "W06": ["A"], "W07": "B"}.items()}
    sets = ([{**base, "W14": "5"}] * 20 + [{**base, "W14": "4"}] * 10 + [{**base, "W14": "X"}] * 3)
    shown, counts, rates = publication_of(sets, definition)
    assert shown.rates["satisfaction"] == DERIVE
    w14 = shown.distributions["W14"]
    assert dict((c.code, c.count) for c in w14.counts)["X"] is None
    # and when nobody opts out the rate is shown
    shown, _, _ = publication_of([{**base, "W14": "5"}] * 20 + [{**base, "W14": "4"}] * 10, definition)
    assert shown.rates["satisfaction"] is None


def test_few_who_joined_after_or_did_not_take_part_withhold_the_participation_rate():
    base = {"W07": "B", "W14": "5"}
    took_part = {**base, "W05": "A", "W06": ["A"]}
    sets = [took_part] * 20 + [{**base, "W05": "C", "W06": ["A"]}] * 2  # 2 joined after: excluded
    assert publication_of(sets)[0].rates["participation"] == DERIVE
    sets = [took_part] * 20 + [{**base, "W05": "A", "W06": ["H"]}] * 3  # 3 took no part: n - x = 3
    assert publication_of(sets)[0].rates["participation"] == DERIVE
    sets = [took_part] * 20 + [{**base, "W05": "A", "W06": ["H"]}] * 6
    assert publication_of(sets)[0].rates["participation"] is None


def test_a_question_shown_to_few_does_not_give_its_condition_back():
    """W11 is shown unless W06 = 没有参与: its n is W06's n minus those 2, so it is not shown."""
    base = {"W05": "A", "W07": "B", "W14": "5", "W11": "A"}
    sets = [{**base, "W06": ["A"]}] * 20 + [{k: v for k, v in {**base, "W06": ["H"]}.items() if k != "W11"}] * 2
    shown, counts, _ = publication_of(sets)
    w06 = {c.code: c for c in shown.distributions["W06"].counts}
    assert w06["H"].count is None
    w11 = shown.distributions["W11"]
    assert w11.n is None and w11.why == DERIVE  # else 22 - 20 = 2 would give W06 H back
