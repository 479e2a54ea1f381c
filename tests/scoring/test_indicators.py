"""The indicator-system loader: the default file, hashing, and every kind of invalid file."""
import hashlib

import pytest
import yaml

from scoring.indicator_system import (DEFAULT_FILE, IndicatorSystemError, default_system, load_system,
                                parse_system)
from scoring.procedure import FAIL, PASS, UNKNOWN

DEFAULT_TEXT = DEFAULT_FILE.read_text(encoding="utf-8")


def mutated(change) -> str:
    """The default file with one change applied, as YAML text."""
    data = yaml.safe_load(DEFAULT_TEXT)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def ind(data, code):
    return next(i for d in data["dimensions"] for i in d["indicators"] if i["code"] == code)


def dim(data, code):
    return next(d for d in data["dimensions"] if d["code"] == code)


def expect_error(change, message):
    with pytest.raises(IndicatorSystemError) as err:
        parse_system(mutated(change), "test.yaml")
    assert message in str(err.value), str(err.value)


# ---------------------------------------------------------------- the default file

def test_default_system_has_29_indicators_and_100_points():
    s = default_system()
    assert len(s.indicators) == 29
    assert s.total == 100
    assert sum(i.points for i in s.indicators) == 100
    assert [(d.code, d.points) for d in s.dimensions] == [
        ("A", 15), ("B", 30), ("C", 20), ("D", 20), ("E", 15)]
    assert [len(d.indicators) for d in s.dimensions] == [6, 9, 5, 5, 4]


def test_default_crucial_items_and_survey_dimension():
    s = default_system()
    assert {i.code for i in s.indicators if i.crucial} == {"A2", "A3", "B1", "B6", "B8", "D2"}
    assert s.dimensions[-1].source == "survey"
    assert all(i.rule.kind == "survey" for i in s.dimensions[-1].indicators)
    assert len(s.assessable) == 25
    assert all(i.dimension != "E" for i in s.assessable)


def test_default_bands_weights_and_thresholds():
    s = default_system()
    assert [(b.grade, b.min) for b in s.grade_bands] == [
        ("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)]
    assert s.grade_bands[0].stars == "三星"
    assert (s.weights.self_weight, s.weights.external_weight) == (0.4, 0.6)
    assert (s.discrepancy.total, s.discrepancy.indicator_share) == (10, 0.5)
    assert (s.crucial_caps.one, s.crucial_caps.two_or_more) == ("合格", "不合格")
    assert s.band_for(89.99).grade == "良好"
    assert s.band_for(90).grade == "优秀"
    assert s.band_for(59.99).grade == "不合格"


def test_indicator_levels_and_points():
    s = default_system()
    b2 = s.indicator("B2")
    assert b2.name == "按期书面答复"
    assert b2.level_keys == ("full", "partial", "none")
    assert (b2.points_for("full"), b2.points_for("partial"), b2.points_for("none")) == (3, 1, 0)
    assert "答复书（注明日期）" in b2.evidence
    with pytest.raises(KeyError):
        b2.points_for("excellent")
    assert s.indicator("E1").rule_text == "参与率达到80%得4分，不高于50%得0分，其间按比例计分"
    with pytest.raises(KeyError):
        s.indicator("Z9")


def test_proportional_levels_by_count():
    rule = default_system().indicator("C1").rule
    assert rule.kind == "proportional"
    assert [rule.level_for_count(n).points for n in (7, 6, 5, 4, 3, 0)] == [4, 4, 2, 2, 0, 0]


def test_procedure_rule_suggests_the_lowest_level_of_its_checks():
    b8 = default_system().indicator("B8").rule
    assert b8.suggest({"filing": PASS, "effective": PASS}) == "full"
    assert b8.suggest({"filing": FAIL, "effective": PASS}) == "partial"
    assert b8.suggest({"filing": FAIL, "effective": FAIL}) == "none"
    assert b8.suggest({"filing": PASS, "effective": UNKNOWN}) is None
    assert b8.suggest({}) is None


def test_survey_formula():
    s = default_system()
    e1 = s.indicator("E1")
    assert e1.rule.survey_points(e1.points, 0.65) == pytest.approx(2.0)
    assert e1.rule.survey_points(e1.points, 0.40) == 0
    assert e1.rule.survey_points(e1.points, 0.95) == 4


# ---------------------------------------------------------------- hashing

def test_hash_is_sha256_of_canonical_json():
    s = default_system()
    assert s.hash == hashlib.sha256(s.canonical.encode("utf-8")).hexdigest()
    assert len(s.hash) == 64
    assert '"code":"default"' in s.canonical          # compact separators, no ASCII escaping
    assert "协商主体" in s.canonical


def test_hash_ignores_key_order_comments_and_layout():
    data = yaml.safe_load(DEFAULT_TEXT)
    reordered = yaml.safe_dump(dict(reversed(list(data.items()))), allow_unicode=True,
                               default_flow_style=True)
    assert parse_system(reordered, "x.yaml").hash == default_system().hash
    assert parse_system("# 注释\n" + DEFAULT_TEXT, "y.yaml").hash == default_system().hash


def test_hash_changes_with_content():
    def change(d):
        d["version"] = "2022.1"
    assert parse_system(mutated(change), "z.yaml").hash != default_system().hash


def test_default_system_is_cached_and_load_system_reads_a_file(tmp_path):
    assert default_system() is default_system()
    path = tmp_path / "city.yaml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    assert load_system(path).hash == default_system().hash


# ---------------------------------------------------------------- invalid files

def test_error_level_points_above_indicator_points():
    expect_error(lambda d: ind(d, "B2")["rule"]["levels"][1].update(points=4),
                 "test.yaml 指标 B2：分值档位超过该指标满分")


def test_error_indicator_points_do_not_add_up_to_dimension():
    def change(d):
        a1 = ind(d, "A1")
        a1["points"] = 3
        a1["rule"]["levels"][0]["points"] = 3
    expect_error(change, "test.yaml 维度 A：指标分值之和 16 与维度分值 15 不符")


def test_error_dimensions_do_not_add_up_to_total():
    def change(d):
        a1 = ind(d, "A1")
        a1["points"] = 3
        a1["rule"]["levels"][0]["points"] = 3
        dim(d, "A")["points"] = 16
    expect_error(change, "test.yaml：各维度分值之和 101 与总分 100 不符")


def test_error_duplicate_code():
    expect_error(lambda d: ind(d, "A2").update(code="A1"), "test.yaml 指标 A1：编码重复")


def test_error_no_full_level():
    expect_error(lambda d: ind(d, "A1")["rule"]["levels"][0].update(points=1.5),
                 "test.yaml 指标 A1：没有等于满分的档位")


def test_error_no_zero_level():
    expect_error(lambda d: ind(d, "A1")["rule"]["levels"][2].update(points=0.5),
                 "test.yaml 指标 A1：没有0分档位")


def test_error_duplicate_level_key():
    expect_error(lambda d: ind(d, "A1")["rule"]["levels"][1].update(key="full"),
                 "test.yaml 指标 A1：档位键重复")


def test_error_survey_floor_not_below_target():
    expect_error(lambda d: ind(d, "E1")["rule"].update(floor=0.8),
                 "test.yaml 指标 E1：问卷阈值应满足 0 ≤ floor < target ≤ 1")


def test_error_unknown_survey_rate():
    expect_error(lambda d: ind(d, "E1")["rule"].update(rate="happiness"),
                 "test.yaml 指标 E1：问卷比率 happiness 无效")


def test_error_proportional_thresholds_out_of_order():
    expect_error(lambda d: ind(d, "C1")["rule"]["levels"][1].update(min_count=6),
                 "test.yaml 指标 C1：计数门槛应由高到低排列")


def test_error_grade_bands_out_of_order():
    expect_error(lambda d: d["grade_bands"][1].update(min=95), "test.yaml 等级线：下限应由高到低严格递减")


def test_error_weights_do_not_sum_to_one():
    expect_error(lambda d: d["weights"].update(external=0.5),
                 "test.yaml 权重：自评与外评权重应为非负数且之和为1")


def test_error_crucial_cap_names_unknown_grade():
    expect_error(lambda d: d["crucial_caps"].update(one="及格"),
                 "test.yaml 关键指标上限：等级 及格 不在等级线中")


def test_error_unknown_procedure_check():
    expect_error(lambda d: ind(d, "B2")["rule"]["checks"][0].update(check="reply_check"),
                 "test.yaml 指标 B2：程序核查 reply_check 不存在")


def test_error_procedure_check_points_to_unknown_level():
    expect_error(lambda d: ind(d, "B2")["rule"]["checks"][0].update(fail="late"),
                 "test.yaml 指标 B2：程序核查 offer_reply 指向不存在的档位 late")


def test_error_unknown_rule_kind():
    expect_error(lambda d: ind(d, "C3")["rule"].update(kind="stars"), "test.yaml 指标 C3：规则类型 stars 无效")


def test_error_survey_rule_outside_survey_dimension():
    def change(d):
        ind(d, "D5")["rule"] = {"kind": "survey", "rate": "awareness", "floor": 0.6, "target": 0.9}
    expect_error(change, "test.yaml 指标 D5：问卷维度只能使用 survey 规则")


def test_error_missing_field():
    expect_error(lambda d: ind(d, "B4").pop("points"), "test.yaml 指标 B4：缺少字段 points")


def test_error_yaml_syntax():
    with pytest.raises(IndicatorSystemError, match="bad.yaml：YAML 解析失败"):
        parse_system("dimensions: [unclosed", "bad.yaml")
