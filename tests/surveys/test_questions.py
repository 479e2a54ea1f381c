"""The question-type registry: one class per type with the same contract."""
import pytest

from surveys import QUESTION_TYPES, AnswerError, default_definition, question_type

W = default_definition("worker")


def test_registry_holds_the_six_types():
    assert set(QUESTION_TYPES) == {"single", "multiple", "scale5", "number", "text", "textarea"}


def test_validate_raises_answer_error_with_chinese_message():
    with pytest.raises(AnswerError) as info:
        question_type(W.question("W17")).validate(["A", "B", "C", "D"])
    assert info.value.message == "最多选择3项"


def test_unanswered_is_none_for_every_type():
    for code in ("W01", "W06", "W14", "W18"):
        assert question_type(W.question(code)).validate([]) is None
        assert question_type(W.question(code)).validate(["  "]) is None


def test_normalise_turns_stored_json_back_into_validated_shape():
    assert question_type(W.question("W14")).normalise("5") == 5
    assert question_type(W.question("W14")).normalise("X") == "X"
    assert question_type(W.question("W06")).normalise(["F", "A", "A"]) == ["A", "F"]
    assert question_type(W.question("W01")).normalise("A") == "A"
    assert question_type(W.question("W18")).normalise(None) is None


def test_options_property():
    assert [o.code for o in question_type(W.question("W07")).options] == ["A", "B", "C"]
    assert question_type(W.question("W18")).options == ()
