"""De-identified rows: k-anonymous background answers, no date or id, free text apart."""
from __future__ import annotations

import random

from hypothesis import given, settings, strategies as st

from surveys import default_definition
from surveys.deidentify import SUPPRESSED, deidentify, is_k_anonymous, k_anonymise

W = default_definition("worker")
E = default_definition("employer")


def random_worker(rng):
    return {"W01": rng.choices("ABCDE", [60, 15, 10, 9, 6])[0], "W02": rng.choice("ABCD"),
            "W03": rng.choices("ABCD", [80, 10, 7, 3])[0], "W04": rng.choice("ABC"), "W05": rng.choice("ABC"),
            "W06": rng.sample("ABCDEFG", rng.randint(1, 3)), "W07": "A", "W14": rng.choice("54321X"),
            "W17": rng.sample("ABCDEFG", 2), **({"W18": f"意见{rng.randint(1, 99)}"} if rng.random() < 0.3 else {})}


def key_indexes(table):
    names = [c.name for c in table.columns]
    return [names.index(n) for n in table.background]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.integers(0, 40), min_size=1, max_size=5), st.integers(2, 7))
def test_every_export_is_k_anonymous_within_each_enterprise(seed, sizes, k):
    rng = random.Random(seed)
    groups = {f"企业{i}": [random_worker(rng) for _ in range(n)] for i, n in enumerate(sizes)}
    table = deidentify(W, groups, k=k, min_group=5)
    assert is_k_anonymous(table.rows, 0, key_indexes(table), k)
    least = max(5, k)
    assert table.left_out == sum(1 for n in sizes if n < least)
    assert len(table.rows) == sum(n for n in sizes if n >= least)
    assert {r[0] for r in table.rows} == {name for name, sets in groups.items() if len(sets) >= least}


def test_background_is_generalised_before_it_is_suppressed():
    rows = [{"a": "x"}] * 6 + [{"a": "y"}] * 3 + [{"a": "z"}] * 2 + [{"a": "w"}] * 5
    out, how = k_anonymise(rows, ["a"], 5)
    assert how["a"]["merged"] == [frozenset({"y", "z"})] and not how["a"]["suppressed"]
    assert {r["a"] for r in out} == {"x", "w", ("merged", frozenset({"y", "z"}))}  # by value: a set prints in hash order
    out, how = k_anonymise([{"a": "x"}] * 6 + [{"a": "y"}] * 3, ["a"], 5)
    assert how["a"]["suppressed"] and {r["a"] for r in out} == {SUPPRESSED}  # merging leaves one category


def test_no_date_no_id_and_free_text_apart():
    rng = random.Random(3)
    sets = [random_worker(rng) for _ in range(12)]
    table = deidentify(W, {"甲公司": sets})
    names = [c.name for c in table.columns]
    assert names[0] == "enterprise" and "W18" not in names and "W06_A" in names
    assert not any(n in names for n in ("id", "submitted_on", "date", "submission_key", "definition_hash"))
    texts = sorted(s["W18"] for s in sets if "W18" in s)
    assert sorted(t for _, _, t in table.comments) == texts and all(e == "甲公司" for e, _, _ in table.comments)
    # the order of rows says nothing about the order of answers
    assert deidentify(W, {"甲公司": list(reversed(sets))}).rows == table.rows
    # free text needs 10 answers
    assert deidentify(W, {"甲公司": sets[:9]}).comments == []


def test_labels_for_csv_and_excel():
    rng = random.Random(4)
    sets = [{**random_worker(rng), "W02": "A", "W03": "A", "W04": "A", "W05": "A"} for _ in range(30)]
    table = deidentify(W, {"甲公司": sets})  # one varied background question: merged, not suppressed
    labelled = table.labelled()
    names = [c.name for c in table.columns]
    w14 = {row[names.index("W14")] for row in labelled}
    assert w14 <= {"非常满意", "比较满意", "一般", "不太满意", "很不满意", "不了解，无法评价"}
    assert {row[names.index("W06_A")] for row in labelled} <= {"选择", "未选"}
    column = table.columns[names.index("W01")]
    assert column.value_labels[SUPPRESSED] == "不显示（保护匿名）"
    assert any(v.startswith("合并：") for v in column.value_labels.values())
    assert SUPPRESSED not in {row[names.index("W01")] for row in table.rows}
    assert any(str(v).startswith("合并：") for v in {row[names.index("W01")] for row in labelled})
