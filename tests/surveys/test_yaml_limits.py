"""Questionnaire YAML is refused before any alias is expanded (issue 12: 10^7 nodes cost 4.3 s and 68 MB)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from surveys import DefinitionError, parse_definition
from surveys.yaml_limits import MAX_ALIASES, YamlLimitExceeded, bounded_load


def alias_bomb(levels: int = 7, width: int = 10) -> str:
    """``levels`` lists of ``width`` aliases to the level below: width**levels leaves once expanded."""
    lines = ["schema_version: 1", "l0: &l0 [" + ",".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_of_ten_million_nodes_is_refused_in_milliseconds():
    text = alias_bomb(7, 10)  # 10^7 leaves, 60 aliases
    started = time.perf_counter()
    with pytest.raises(DefinitionError, match="展开别名后超过"):
        parse_definition(text, "bomb.yaml")
    assert time.perf_counter() - started < 2  # expanding would take minutes; generous for a loaded CI machine


def test_many_aliases_are_refused_even_when_each_is_small():
    text = "base: &b x\nitems: [" + ",".join(["*b"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(YamlLimitExceeded, match="别名引用"):
        bounded_load(text)


def test_deep_nesting_is_refused():
    with pytest.raises(YamlLimitExceeded, match="嵌套层数"):
        bounded_load("a: " + "[" * 200 + "]" * 200)


def test_an_alias_to_its_own_parent_is_refused():
    with pytest.raises(YamlLimitExceeded, match="循环引用"):
        bounded_load("a: &a [1, *a]\n")


def test_ordinary_yaml_loads_exactly_as_safe_load_does():
    for path in sorted((Path(__file__).resolve().parents[2] / "surveys" / "definitions").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert bounded_load(text) == yaml.safe_load(text)
    shared = "opts: &o [{code: '1', label: 是}, {code: '2', label: 否}]\nq1: *o\nq2: *o\n"
    assert bounded_load(shared) == yaml.safe_load(shared)
    assert bounded_load("") is None


def test_syntax_errors_are_still_yaml_errors():
    with pytest.raises(yaml.YAMLError):
        bounded_load("a: [1, 2")
