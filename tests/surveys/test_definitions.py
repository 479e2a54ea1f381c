"""The bundled default questionnaires load and say what DOMAIN §4.3/§4.4 say."""
from pathlib import Path

import pytest

from surveys import default_definition, load_definition
from surveys.definition import DEFINITIONS_DIR, parse_definition
from surveys.conditions import Match

from .helpers import base, build, dump


def test_worker_default_loads_with_all_questions_in_paged_sections():
    d = default_definition("worker")
    assert d.code == "worker-default" and d.audience == "worker" and d.schema_version == 1
    codes = [q.code for q in d.questions]
    expected = [f"W{i:02d}" for i in range(1, 15)] + ["W15A", "W15B", "W15C", "W15D", "W15E", "W16", "W17", "W18"]
    assert codes == expected
    assert 3 <= len(d.sections) <= 4
    assert d.section("participation").questions[0].code == "W06"
    assert d.question("W07").metric == "AWA"


def test_intro_promises_anonymity_and_group_minimum():
    for audience in ("worker", "employer"):
        intro = default_definition(audience).intro
        for word in ("姓名", "手机", "IP", "设备", "日期", "5人"):
            assert word in intro, (audience, word)


def test_worker_special_questions():
    d = default_definition("worker")
    w06 = d.question("W06")
    assert [o.code for o in w06.options if o.exclusive] == ["H"]
    assert d.question("W17").max_choices == 3
    w14 = d.question("W14")
    assert [o.code for o in w14.options] == ["5", "4", "3", "2", "1", "X"]
    assert w14.option("X").label == "不了解，无法评价"
    assert w14.option("5").label == "非常满意"
    for code in ("W15A", "W15B", "W15C", "W15D", "W15E"):
        q = d.question(code)
        assert q.type == "scale5" and [o.code for o in q.options] == ["5", "4", "3", "2", "1"]
    assert d.question("W18").type == "textarea" and d.question("W18").required is False


def test_worker_display_conditions_are_parsed():
    d = default_definition("worker")
    for code in ("W08", "W09", "W10"):
        assert d.question(code).show_if == Match("W07", frozenset({"A"}))
    assert d.question("W11").show_if == Match("W06", frozenset({"H"}), negate=True)


def test_employer_default_loads():
    d = default_definition("employer")
    assert [q.code for q in d.questions] == [f"E{i:02d}" for i in range(1, 13)]
    assert {d.question(c).metric for c in ("E05", "E06", "E07")} == {"RECOG"}
    assert list(d.metrics) == ["recognition"]
    assert d.metrics["recognition"].label == "企业认可度"


def test_worker_metrics_block():
    m = default_definition("worker").metrics
    assert [m[k].label for k in ("participation", "awareness", "satisfaction")] == ["参与率", "知晓率", "满意率"]
    assert m["satisfaction"].count_basic is False


def test_default_definition_is_cached_and_rejects_unknown_audience():
    assert default_definition("worker") is default_definition("worker")
    with pytest.raises(ValueError):
        default_definition("visitor")


def test_load_definition_equals_default_and_hash_is_sha256():
    d = load_definition(DEFINITIONS_DIR / "worker.yaml")
    assert d == default_definition("worker")
    assert len(d.hash) == 64 and int(d.hash, 16) >= 0
    assert d.hash != default_definition("employer").hash


def test_hash_ignores_comments_whitespace_and_key_order():
    text = (DEFINITIONS_DIR / "employer.yaml").read_text(encoding="utf-8")
    original = parse_definition(text, "employer.yaml")
    noisy = "# 额外注释\n\n" + text.replace("schema_version: 1", "schema_version:    1   # 版本")
    assert parse_definition(noisy, "employer.yaml").hash == original.hash
    data = base()
    reordered = {k: data[k] for k in reversed(list(data))}
    reordered["sections"][0]["questions"][0] = dict(reversed(list(data["sections"][0]["questions"][0].items())))
    assert build(reordered).hash == build(base()).hash
    flow = build(base())  # same content written as JSON (valid YAML) hashes the same
    import json
    assert parse_definition(json.dumps(base(), ensure_ascii=False), "x").hash == flow.hash


def test_hash_changes_with_any_content_change():
    reference = build(base()).hash
    changed_label = base()
    changed_label["sections"][0]["questions"][0]["options"][1]["label"] = "不是"
    changed_order = base()
    changed_order["sections"][0]["questions"][0]["options"].reverse()
    changed_rule = base()
    changed_rule["metrics"]["knows"]["count"]["in"] = ["B"]
    hashes = {build(d).hash for d in (changed_label, changed_order, changed_rule)}
    assert reference not in hashes and len(hashes) == 3


def test_canonical_form_is_compact_sorted_json():
    d = build(base())
    assert d.canonical.startswith('{"audience":"worker","code":"mini"')
    assert "测试问卷" in d.canonical and ", " not in d.canonical


def test_definition_objects_are_frozen():
    d = build(base())
    with pytest.raises(AttributeError):
        d.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        d.metrics["x"] = None  # type: ignore[index]
    assert isinstance(d.sections, tuple) and isinstance(d.questions[0].options, tuple)
    with pytest.raises(KeyError):
        d.question("Q99")
    with pytest.raises(KeyError):
        d.section("s9")
