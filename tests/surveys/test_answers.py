"""Answer validation: every type, every error message, display conditions."""
import pytest

from surveys import default_definition, is_visible, prune_hidden, validate_answers, visible_questions

from .helpers import base, build

MINI = build(base())


def check(form, section=None, previous=None, definition=MINI):
    return validate_answers(definition, form, section, previous)


def valid_page2(**changes):
    form = {"Q3": ["4"], "Q4": ["35"], "Q5": [], "Q6": []}
    form.update(changes)
    return form


def test_valid_answers_are_normalised():
    result = check({"Q1": ["A"], "Q2": ["C", "A", "A"], "Q3": ["5"], "Q4": [" 42 "],
                    "Q5": ["  班组长 "], "Q6": ["第一行\r\n第二行"]})
    assert result.ok and result.errors == {}
    assert result.answers == {"Q1": "A", "Q2": ["A", "C"], "Q3": 5, "Q4": 42,
                              "Q5": "班组长", "Q6": "第一行\n第二行"}


def test_required_question_missing_or_blank():
    result = check({"Q1": ["  "]}, "s1")
    assert result.errors == {"Q1": "请回答此题"}
    assert check(valid_page2(Q4=[]), "s2").errors == {"Q4": "请回答此题"}


def test_optional_question_may_stay_empty():
    result = check(valid_page2(), "s2")
    assert result.ok and "Q5" not in result.answers and "Q6" not in result.answers


def test_single_choice_errors():
    assert check({"Q1": ["Z"]}, "s1").errors == {"Q1": "选项无效"}
    assert check({"Q1": ["A", "B"]}, "s1").errors == {"Q1": "只能选择一项"}


def test_multiple_choice_errors():
    assert check({"Q1": ["A"], "Q2": ["A", "Z"]}, "s1").errors == {"Q2": "选项无效"}
    assert check({"Q1": ["A"], "Q2": ["A", "B", "C"]}, "s1").errors == {"Q2": "最多选择2项"}
    assert check({"Q1": ["A"], "Q2": ["A", "H"]}, "s1").errors == {"Q2": "“没有参与”不能与其他选项同时选择"}
    assert check({"Q1": ["A"], "Q2": ["H"]}, "s1").answers["Q2"] == ["H"]


def test_scale_errors():
    assert check(valid_page2(Q3=["6"]), "s2").errors == {"Q3": "选项无效"}
    assert check(valid_page2(Q3=["非常同意"]), "s2").errors == {"Q3": "选项无效"}


@pytest.mark.parametrize("raw", ["abc", "3.5", "101", "-1", "1e3", "１２３"])
def test_number_out_of_range_or_not_integer(raw):
    assert check(valid_page2(Q4=[raw]), "s2").errors == {"Q4": "请输入0到100之间的整数"}


def test_number_accepts_full_width_digits_and_bounds():
    assert check(valid_page2(Q4=["３５"]), "s2").answers["Q4"] == 35
    assert check(valid_page2(Q4=["0"]), "s2").answers["Q4"] == 0
    assert check(valid_page2(Q4=["100"]), "s2").answers["Q4"] == 100


def test_text_length_and_control_characters():
    assert check(valid_page2(Q5=["一" * 11]), "s2").errors == {"Q5": "不能超过10字"}
    assert check(valid_page2(Q5=["一" * 10]), "s2").answers["Q5"] == "一" * 10
    assert check(valid_page2(Q5=["a\x00b"]), "s2").errors == {"Q5": "含有不允许的控制字符"}
    assert check(valid_page2(Q5=["两\n行"]), "s2").errors == {"Q5": "含有不允许的控制字符"}
    assert check(valid_page2(Q6=["a\x1bb"]), "s2").errors == {"Q6": "含有不允许的控制字符"}


def test_textarea_default_limit_is_1000():
    assert check(valid_page2(Q6=["字" * 1000]), "s2").ok
    assert check(valid_page2(Q6=["字" * 1001]), "s2").errors == {"Q6": "不能超过1000字"}
    w18 = default_definition("worker").question("W18")
    d = default_definition("worker")
    assert validate_answers(d, {"W18": ["x" * 501]}, "suggestions").errors["W18"] == "不能超过500字"
    assert w18.max_length == 500


def test_hidden_question_is_dropped_and_not_required():
    result = check({"Q1": ["B"], "Q2": ["A", "Z", "B", "C"]}, "s1")
    assert result.ok and result.answers == {"Q1": "B"}


def test_condition_uses_previous_answers():
    d = default_definition("worker")
    shown = validate_answers(d, {}, "participation", previous={"W07": "A"})
    # W07 is on this page and unanswered now: the page's own value wins, so W08-W10 hide
    assert "W08" not in shown.errors and shown.errors["W07"] == "请回答此题"
    page = {"W06": ["A"], "W07": ["A"], "W08": ["B"], "W09": ["A"], "W10": ["B"], "W11": ["C"]}
    assert validate_answers(d, page, "participation").answers["W08"] == ["B"]


def test_previous_answers_drive_a_later_page():
    base_data = base()
    base_data["sections"][1]["questions"][0]["show_if"] = {"question": "Q1", "in": ["A"]}
    d = build(base_data)
    assert "Q3" not in validate_answers(d, valid_page2(Q3=[]), "s2", previous={"Q1": "B"}).errors
    assert validate_answers(d, valid_page2(Q3=[]), "s2", previous={"Q1": "A"}).errors == {"Q3": "请回答此题"}


def test_worker_display_rules():
    d = default_definition("worker")
    page = {"W06": ["H"], "W07": ["B"], "W08": ["A"], "W09": ["A"], "W10": ["A"], "W11": ["A"]}
    result = validate_answers(d, page, "participation")
    assert result.ok and result.answers == {"W06": ["H"], "W07": "B"}
    result = validate_answers(d, {"W06": ["A"], "W07": ["A"]}, "participation")
    assert set(result.errors) == {"W08", "W09", "W10", "W11"}


def test_is_visible_and_visible_questions_cascade():
    d = default_definition("worker")
    w08, w11 = d.question("W08"), d.question("W11")
    assert is_visible(w08, {"W07": "A"}) and not is_visible(w08, {"W07": "C"}) and not is_visible(w08, {})
    assert is_visible(w11, {}) and is_visible(w11, {"W06": ["A", "B"]}) and not is_visible(w11, {"W06": ["H"]})
    codes = [q.code for q in visible_questions(d, {"W06": ["H"], "W07": "B"})]
    assert "W08" not in codes and "W11" not in codes and "W12" in codes and len(codes) == 22 - 4
    assert prune_hidden(d, {"W07": "B", "W08": ["A"], "W14": 5}) == {"W07": "B", "W14": 5}


def test_werkzeug_like_multidict_uses_getlist():
    class MultiDict(dict):
        def getlist(self, key):
            return self.get(key, [])
    result = check(MultiDict({"Q1": ["A"], "Q2": ["A", "B"]}), "s1")
    assert result.answers["Q2"] == ["A", "B"]
    assert check({"Q1": "A"}, "s1").answers == {"Q1": "A"}  # a bare string is one value


def test_unknown_section():
    with pytest.raises(KeyError):
        check({}, "nope")


def test_full_worker_submission():
    d = default_definition("worker")
    form = {"W01": ["A"], "W02": ["B"], "W03": ["A"], "W04": ["A"], "W05": ["A"], "W06": ["A", "F"],
            "W07": ["A"], "W08": ["A", "D"], "W09": ["B"], "W10": ["A"], "W11": ["A"], "W12": ["4"],
            "W13": ["A"], "W14": ["X"], "W15A": ["5"], "W15B": ["4"], "W15C": ["3"], "W15D": ["2"],
            "W15E": ["1"], "W16": ["B"], "W17": ["A", "B", "C"], "W18": [""]}
    result = validate_answers(d, form)
    assert result.ok, result.errors
    assert result.answers["W14"] == "X" and result.answers["W15A"] == 5 and "W18" not in result.answers
    form["W17"] = ["A", "B", "C", "D"]
    assert validate_answers(d, form).errors == {"W17": "最多选择3项"}
