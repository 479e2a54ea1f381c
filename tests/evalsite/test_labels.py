"""One vocabulary of Chinese names for internal codes (evalsite/labels.yaml), and the leak detector itself."""
from __future__ import annotations

import pytest

from evalsite import labels
from tests.evalsite.human_words import leaks, visible_text


def test_every_group_names_its_codes_in_chinese():
    vocab = labels.vocabulary()
    for group in ("item_status", "version_status", "letter_status", "letter_kind", "owner", "audit_action",
                  "actor", "level", "check_status", "role"):
        assert vocab[group], group
        assert all(not leaks(name) for name in vocab[group].values()), group
    assert labels.label("open", "item_status") == "待整改"
    assert labels.label("letter.issue", "audit_action") == "编号出具监督文书"


def test_unknown_code_is_never_shown_raw():
    assert labels.label("made_up_status", "item_status") == "其他"
    assert labels.actor("system") == labels.actor(None) == "系统" and labels.actor("zhang3") == "zhang3"
    with pytest.raises(KeyError):
        labels.label("open", "no_such_group")


def test_problem_code_is_a_small_reference_after_its_title(app):
    with app.app_context():
        html = app.jinja_env.from_string("<p>{{ '无书面要约' }}{{ 'P-PROC-01'|code_ref }}</p>").render()
    assert html == '<p>无书面要约<small class="muted code-ref">（P-PROC-01）</small></p>'
    assert leaks(visible_text(html)) == []


@pytest.mark.parametrize("text", ["P-PROC-05 未按期报送", "状态：open → submitted", "4 × clip((参与率 − 50%)",
                                  "full = 2.0", "c14 合计", "d14", "rectification.submit", "操作人 system",
                                  "【重大】P-SURV-00 样本不足"])
def test_the_detector_finds_each_kind_of_internal_code(text):
    assert leaks(text), text


@pytest.mark.parametrize("text", ["未按期报送审查（P-PROC-05）", "威工监意〔2021〕1号", "WH-2021-0001",
                                  "2026年12月1日 18:05", "B8 报送审查生效", "威海市总工会"])
def test_the_detector_lets_plain_chinese_pass(text):
    assert leaks(text) == [], leaks(text)


def test_every_audit_action_written_by_the_code_has_a_chinese_name():
    """Walk the code for audit.record(...) calls: each literal action (or both arms of a choice) is labelled."""
    import ast
    from pathlib import Path

    root = Path(labels.__file__).parent
    known, missing = labels.vocabulary()["audit_action"], []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name != "record" or path.name == "history.py":
                continue
            arg = node.args[0]
            options = [arg.body, arg.orelse] if isinstance(arg, ast.IfExp) else [arg]
            for opt in options:
                if isinstance(opt, ast.Constant) and isinstance(opt.value, str) and opt.value not in known:
                    missing.append(f"{path.relative_to(root)}:{node.lineno} {opt.value}")
    assert missing == []
