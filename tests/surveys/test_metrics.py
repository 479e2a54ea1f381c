"""Rates, distributions and suppression on hand-made answer sets."""
import pytest

from surveys import (default_definition, distribution, employer_rates, free_text, participation_rate,
                     awareness_rate, rate, recognition_rate, satisfaction_rate, suppress_small_cells,
                     worker_rates, wilson_interval)
from surveys.settings import Settings

W = default_definition("worker")
E = default_definition("employer")


def approx_rate(r, numerator, n):
    assert (r.numerator, r.n, r.suppressed) == (numerator, n, False)
    assert r.value == pytest.approx(numerator / n)
    assert (r.low, r.high) == pytest.approx(wilson_interval(numerator, n))


PARTICIPATION = [
    {"W05": "A", "W06": ["A"]},            # counts
    {"W05": "A", "W06": ["H"]},            # did not take part
    {"W05": "C", "W06": ["A", "B"]},       # joined after the round: out of the denominator
    {"W05": "B", "W06": ["B", "C"]},       # counts
    {"W05": "A", "W06": ["F"]},            # counts
    {"W05": "A", "W06": ["H"]},
    {"W05": "A"},                          # W06 unanswered: not a valid response
]


def test_participation_rate():
    r = participation_rate(W, PARTICIPATION)
    assert r.key == "participation" and r.label == "参与率"
    approx_rate(r, 3, 5)
    assert (r.low, r.high) == pytest.approx((0.2307, 0.8824), abs=1e-4)


AWARENESS = [
    {"W07": "A", "W08": ["A"], "W09": "C"},   # knows a content item
    {"W07": "A", "W08": ["H"], "W09": "A"},   # read the text
    {"W07": "A", "W08": ["H"], "W09": "C"},   # knows only that a contract exists
    {"W07": "B"},
    {"W07": "C"},
    {"W07": "A", "W08": ["B", "G"], "W09": "C"},
    {"W06": ["A"]},                           # W07 unanswered
    {"W07": "A", "W08": ["H"], "W09": "B"},   # heard it relayed
]


def test_awareness_rate():
    r = awareness_rate(W, AWARENESS)
    assert r.label == "知晓率"
    approx_rate(r, 4, 7)


SATISFACTION = [{"W14": v} for v in (5, 4, 3, 2, 1, "X", 4, 3)] + [{}]


def test_satisfaction_rate_top_two_excludes_cannot_judge():
    r = satisfaction_rate(W, SATISFACTION)
    assert r.label == "满意率"
    approx_rate(r, 3, 7)


def test_satisfaction_rate_count_basic_switch():
    approx_rate(satisfaction_rate(W, SATISFACTION, count_basic=True), 5, 7)
    approx_rate(satisfaction_rate(W, SATISFACTION, count_basic=False), 3, 7)


def test_count_basic_default_comes_from_the_definition():
    from .helpers import build
    import yaml
    from surveys.definition import DEFINITIONS_DIR
    data = yaml.safe_load((DEFINITIONS_DIR / "worker.yaml").read_text(encoding="utf-8"))
    data["metrics"]["satisfaction"]["count_basic"] = True
    approx_rate(satisfaction_rate(build(data, "worker.yaml"), SATISFACTION), 5, 7)


RECOGNITION = [
    {"E05": 5, "E06": 4, "E07": 3},   # mean 4: counts
    {"E05": 4, "E06": 4, "E07": 4},   # counts
    {"E05": 4, "E06": 4, "E07": 3},   # 3.67
    {"E05": 5, "E06": 5, "E07": 1},   # 3.67
    {"E05": 3, "E06": 3, "E07": 3},
    {"E05": 5, "E06": 5, "E07": 5},   # counts
    {"E05": 5, "E06": 5},             # E07 missing: not valid
]


def test_recognition_rate():
    r = recognition_rate(E, RECOGNITION)
    assert r.label == "企业认可度"
    approx_rate(r, 3, 6)
    assert employer_rates(E, RECOGNITION) == {"recognition": r}


def test_large_sample_matches_reference_interval():
    sets = [{"W14": 5}] * 81 + [{"W14": 2}] * 182 + [{"W14": "X"}] * 12
    r = satisfaction_rate(W, sets)
    assert (r.numerator, r.n) == (81, 263)
    assert (r.low, r.high) == pytest.approx((0.2553, 0.3662), abs=1e-4)


def test_all_zero_and_all_one():
    none = participation_rate(W, [{"W05": "A", "W06": ["H"]}] * 10)
    assert (none.numerator, none.n, none.value) == (0, 10, 0.0)
    assert (none.low, none.high) == pytest.approx((0.0, 0.2775), abs=1e-4)
    everyone = participation_rate(W, [{"W05": "A", "W06": ["D"]}] * 10)
    assert (everyone.value, everyone.high) == (1.0, 1.0)
    assert everyone.low == pytest.approx(0.7225, abs=1e-4)


def test_rates_below_five_are_suppressed():
    r = satisfaction_rate(W, [{"W14": 5}, {"W14": 4}, {"W14": 1}, {"W14": 5}, {"W14": "X"}])
    assert r.suppressed and r.n == 4
    assert (r.numerator, r.value, r.low, r.high) == (None, None, None, None)
    assert recognition_rate(E, []).suppressed and recognition_rate(E, []).n == 0
    # the threshold is a setting
    assert not satisfaction_rate(W, [{"W14": 5}] * 4, settings=Settings(min_group_size=3)).suppressed


def test_worker_rates_covers_main_and_dimension_rates():
    sets = [{"W05": "A", "W06": ["A"], "W07": "A", "W08": ["A"], "W14": 5, "W15A": 4, "W15B": 2}] * 6
    rates = worker_rates(W, sets)
    assert list(rates)[:3] == ["participation", "awareness", "satisfaction"]
    assert rates["satisfaction_pay"].label == "工资条款满意率" and rates["satisfaction_pay"].value == 1.0
    assert rates["satisfaction_hours"].value == 0.0
    assert rates["satisfaction_safety"].suppressed and rates["satisfaction_safety"].n == 0
    with pytest.raises(KeyError):
        rate(W, "recognition", sets)


def test_distribution_single_and_multiple():
    d = distribution(W, "W07", AWARENESS)
    assert (d.n, d.suppressed) == (7, False)
    # 否 and 不清楚 hold one person each: hidden, and 是 with them, or n − 5 would give their sum (2 = 1 + 1)
    assert [(c.code, c.label, c.count, c.why) for c in d.counts] == [
        ("A", "是", None, "complement"), ("B", "否", None, "small"), ("C", "不清楚", None, "small")]
    big = distribution(W, "W07", AWARENESS * 5)
    assert [(c.code, c.count) for c in big.counts] == [("A", 25), ("B", 5), ("C", 5)]
    assert big.counts[0].share == pytest.approx(5 / 7)
    m = distribution(W, "W06", PARTICIPATION)
    counts = {c.code: c.count for c in m.counts}
    # multiple choice: cells add up to nothing, so only the small ones are hidden; zeros stay
    assert m.n == 6 and counts["A"] is None and counts["B"] is None and counts["H"] is None and counts["G"] == 0
    m = distribution(W, "W06", PARTICIPATION * 3)
    counts = {c.code: c.count for c in m.counts}
    assert m.n == 18 and counts["A"] == 6 and counts["B"] == 6 and counts["H"] == 6 and counts["C"] is None
    assert m.counts[0].share == pytest.approx(6 / 18)


def test_distribution_of_scale_counts_int_answers():
    d = distribution(W, "W14", SATISFACTION * 5)
    assert {c.code: c.count for c in d.counts} == {"5": 5, "4": 10, "3": 10, "2": 5, "1": 5, "X": 5}
    assert d.n == 40
    small = distribution(W, "W14", SATISFACTION)
    assert small.n == 8 and {c.count for c in small.counts} == {None}


def test_distribution_suppressed_below_five_and_rejects_text():
    d = distribution(W, "W07", AWARENESS[:4])
    assert d.suppressed and d.counts == () and d.n == 4
    with pytest.raises(ValueError):
        distribution(W, "W18", [])


def test_free_text_needs_ten_answer_sets():
    sets = [{"W18": "加班费要按时发"}, {"W18": "希望增加培训"}, {}] + [{"W14": 4}] * 6
    hidden = free_text(W, "W18", sets)
    assert hidden.suppressed and hidden.comments == () and hidden.n == 9
    shown = free_text(W, "W18", sets + [{"W18": "   "}])
    assert not shown.suppressed and shown.n == 10
    assert sorted(shown.comments) == sorted(["加班费要按时发", "希望增加培训"])
    # the order depends on the texts only, never on the order of the answers
    assert free_text(W, "W18", list(reversed(sets + [{"W18": "   "}]))).comments == shown.comments
    with pytest.raises(ValueError):
        free_text(W, "W14", sets)


def test_suppress_small_cells_complementary_rule():
    assert suppress_small_cells({"a": 12, "b": 3, "c": 7, "d": 20}, 5) == {"a": 12, "b": None, "c": None, "d": 20}
    assert suppress_small_cells({"a": 2, "b": 3, "c": 9}, 5) == {"a": None, "b": None, "c": 9}
    assert suppress_small_cells({"a": 5, "b": 9}, 5) == {"a": 5, "b": 9}
    # zero cells reveal nobody: the complement is the next-smallest non-zero cell
    assert suppress_small_cells({"a": 0, "b": 2, "c": 8, "d": 30}, 5) == {"a": 0, "b": None, "c": None, "d": 30}
    assert suppress_small_cells([40, 4, 6], 5) == [40, None, None]
    assert suppress_small_cells([4], 5) == [None]


def test_rate_counts_are_the_unsuppressed_counts_and_add_up():
    from surveys.metrics import rate_counts, rate_from_counts
    assert rate_counts(W, "participation", PARTICIPATION) == (3, 5)
    assert rate_counts(W, "participation", PARTICIPATION[:2]) == (1, 2)  # below 5: still counted
    halves = [rate_counts(W, "satisfaction", part) for part in (SATISFACTION[:3], SATISFACTION[3:])]
    x, n = map(sum, zip(*halves))
    assert rate_from_counts("satisfaction", "满意率", x, n) == satisfaction_rate(W, SATISFACTION)
    assert rate_from_counts("participation", "参与率", 1, 2) == participation_rate(W, PARTICIPATION[:2])
    with pytest.raises(KeyError):
        rate_counts(W, "nope", [])


def test_option_counts_add_up_to_the_distribution_and_skip_free_text():
    from surveys.metrics import distribution_from_counts, option_counts
    sets = [{"W01": ["A"], "W06": ["A", "C"], "W18": "秘密意见"}, {"W01": "B", "W06": ["H"]}, {"W01": ""},
            {"W06": []}, {"W01": ["A"], "W06": ["B"]}, {"W01": ["C"], "W06": ["A"]}, {"W01": ["Z"]}]
    parts = [option_counts(W, sets[:2]), option_counts(W, sets[2:])]
    assert parts[0]["W18"] == [1, {}]  # answered, but the text itself is not kept
    for code in ("W01", "W06"):
        n = sum(p.get(code, [0, {}])[0] for p in parts)
        tally: dict = {}
        for p in parts:
            for value, count in p.get(code, [0, {}])[1].items():
                tally[value] = tally.get(value, 0) + count
        assert distribution_from_counts(W, code, n, tally) == distribution(W, code, sets)
    assert distribution_from_counts(W, "W06", 4, {"A": 2}).suppressed
    assert option_counts(W, [{"W12": 4}, {"W12": "4"}]) == {"W12": [2, {"4": 2}]}
