"""Every definition problem is reported with the file, the question and the problem."""
import pytest

from surveys import DefinitionError, parse_definition

from .helpers import base, build, question


def error_of(data, source="mini.yaml") -> str:
    with pytest.raises(DefinitionError) as info:
        build(data, source)
    return str(info.value)


def test_message_format_names_file_question_and_problem():
    data = base()
    question(data, "Q2")["options"][1]["code"] = "A"
    with pytest.raises(DefinitionError) as info:
        build(data, "worker.yaml")
    assert str(info.value) == "worker.yaml 第 Q2 题：选项代码重复 'A'"
    assert (info.value.source, info.value.question) == ("worker.yaml", "Q2")
    assert info.value.problem == "选项代码重复 'A'"


def test_invalid_yaml_and_non_mapping():
    assert "YAML 格式错误" in str(pytest.raises(DefinitionError, parse_definition, "a: [1,", "x.yaml").value)
    assert str(pytest.raises(DefinitionError, parse_definition, "- 1\n", "x.yaml").value) == "x.yaml：文件内容必须是键值对"


def test_unsupported_schema_version():
    data = base()
    data["schema_version"] = 2
    assert error_of(data).startswith("mini.yaml：不支持的 schema_version：2")


@pytest.mark.parametrize("key", ["code", "version", "audience", "title", "intro", "sections"])
def test_missing_required_key(key):
    data = base()
    del data[key]
    assert error_of(data) == f"mini.yaml：缺少必需字段 '{key}'"


def test_unknown_top_level_key_and_bad_audience():
    data = base()
    data["titel"] = "x"
    assert "未知字段 ['titel']" in error_of(data)
    data = base()
    data["audience"] = "boss"
    assert "audience 必须是 worker 或 employer" in error_of(data)


def test_duplicate_question_code():
    data = base()
    question(data, "Q4")["code"] = "Q3"
    assert error_of(data) == "mini.yaml 第 Q3 题：题号重复"


def test_duplicate_section_code():
    data = base()
    data["sections"][1]["code"] = "s1"
    assert error_of(data) == "mini.yaml：分节代码重复 's1'"


def test_unquoted_numeric_option_code_is_rejected():
    data = base()
    question(data, "Q3")["options"][0]["code"] = 5
    assert error_of(data) == "mini.yaml 第 Q3 题：选项代码必须加引号写成字符串：5"


def test_unknown_type():
    data = base()
    question(data, "Q4")["type"] = "slider"
    assert error_of(data).startswith("mini.yaml 第 Q4 题：未知题型 'slider'")


def test_unknown_question_field():
    data = base()
    question(data, "Q4")["shwo_if"] = {}
    assert error_of(data) == "mini.yaml 第 Q4 题：未知字段 ['shwo_if']"


def test_unknown_metric_tag():
    data = base()
    question(data, "Q1")["metric"] = "FOO"
    assert error_of(data).startswith("mini.yaml 第 Q1 题：未知指标标签 'FOO'")


def test_show_if_must_refer_to_an_earlier_question():
    data = base()
    question(data, "Q2")["show_if"] = {"question": "Q3", "in": ["5"]}
    assert error_of(data) == "mini.yaml 第 Q2 题：显示条件：条件引用了不存在或不在此题之前的题目 'Q3'"
    data = base()
    question(data, "Q2")["show_if"] = {"question": "Q9", "in": ["A"]}
    assert "'Q9'" in error_of(data)


def test_show_if_must_refer_to_existing_option():
    data = base()
    question(data, "Q2")["show_if"] = {"question": "Q1", "in": ["Z"]}
    assert error_of(data) == "mini.yaml 第 Q2 题：显示条件：条件引用了题目 Q1 中不存在的选项 'Z'"


def test_show_if_shape_and_target_without_options():
    data = base()
    question(data, "Q5")["show_if"] = {"question": "Q4", "in": ["1"]}
    assert "没有选项" in error_of(data)
    data = base()
    question(data, "Q2")["show_if"] = {"question": "Q1", "equals": "A"}
    assert "无法识别的条件写法" in error_of(data)


def test_max_choices_not_above_option_count():
    data = base()
    question(data, "Q2")["max_choices"] = 5
    assert error_of(data) == "mini.yaml 第 Q2 题：max_choices (5) 超过了选项数 (4)"


def test_max_choices_only_for_multiple():
    data = base()
    question(data, "Q1")["max_choices"] = 1
    assert "只有多选题可以设置 max_choices" in error_of(data)


def test_min_not_above_max():
    data = base()
    question(data, "Q4")["min"] = 200
    assert error_of(data) == "mini.yaml 第 Q4 题：min (200) 大于 max (100)"


def test_choice_needs_two_options_and_number_none():
    data = base()
    question(data, "Q1")["options"] = [{"code": "A", "label": "是"}]
    assert error_of(data) == "mini.yaml 第 Q1 题：至少需要两个选项"
    data = base()
    question(data, "Q4")["options"] = [{"code": "A", "label": "是"}]
    assert "number 类型的题目不能有选项" in error_of(data)


def test_scale_options_must_be_5_to_1():
    data = base()
    question(data, "Q3")["options"] = question(data, "Q3")["options"][:4]
    assert "五级量表的选项代码必须是" in error_of(data)


def test_empty_text_and_bad_required_flag():
    data = base()
    question(data, "Q1")["text"] = "  "
    assert error_of(data) == "mini.yaml 第 Q1 题：'text' 必须是非空字符串"
    data = base()
    question(data, "Q1")["required"] = "yes"
    assert error_of(data) == "mini.yaml 第 Q1 题：required 必须是 true 或 false"


def test_metrics_must_reference_existing_questions_and_options():
    data = base()
    data["metrics"]["knows"]["answered"] = ["Q9"]
    assert error_of(data) == "mini.yaml：指标 knows：引用了不存在的题目 'Q9'"
    data = base()
    data["metrics"]["knows"]["count"] = {"question": "Q1", "in": ["C"]}
    assert error_of(data) == "mini.yaml：指标 knows：条件引用了题目 Q1 中不存在的选项 'C'"
    data = base()
    data["metrics"]["knows"]["count"] = {"question": "Q7", "in": ["A"]}
    assert "'Q7'" in error_of(data)


def test_metric_rule_shape():
    data = base()
    del data["metrics"]["knows"]["count"]
    assert error_of(data) == "mini.yaml：指标 knows：缺少字段 'count'"
    data = base()
    data["metrics"]["knows"]["count_basic"] = True
    assert "count_basic 为 true 时必须给出 basic 条件" in error_of(data)
    data = base()
    data["metrics"]["knows"]["count"] = {"mean_of": ["Q1"], "at_least": 4}
    assert "mean_of 只能引用五级量表题" in error_of(data)


def test_unquoted_date_cannot_be_canonicalised():
    text = "schema_version: 1\nversion: 2021-03-17\n"
    assert "无法规范化" in str(pytest.raises(DefinitionError, parse_definition, text, "d.yaml").value)
