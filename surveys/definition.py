"""Load and validate a questionnaire definition (YAML) into frozen dataclasses.

A definition is identified by the SHA-256 of its canonical JSON form, so a
submission that stores the hash keeps its meaning when the file is edited
later. Comments, whitespace and key order do not change the hash; any content
change does.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

import yaml

from .conditions import parse_condition
from .errors import DefinitionError
from .items import Option, Question
from .questions import QUESTION_TYPES
from .rules import RateRule, parse_rules
from .yaml_limits import YamlLimitExceeded, bounded_load

SUPPORTED_SCHEMA_VERSIONS = (1,)
AUDIENCES = ("worker", "employer")
METRIC_TAGS = ("DEM", "PAR", "AWA", "SAT", "OPEN", "SCR", "RECOG")
DEFINITIONS_DIR = Path(__file__).parent / "definitions"

TOP_KEYS = {"schema_version", "code", "version", "audience", "title", "intro",
            "sections", "metrics"}
SECTION_KEYS = {"code", "title", "questions", "help"}
QUESTION_KEYS = {"code", "type", "text", "options", "required", "show_if", "metric",
                 "min", "max", "max_length", "max_choices", "help"}
OPTION_KEYS = {"code", "label", "exclusive"}

__all__ = ["DefinitionError", "Definition", "Section", "Question", "Option",
           "parse_definition", "load_definition", "default_definition"]


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True, eq=False)
class Definition:
    code: str
    version: str
    audience: str
    title: str
    intro: str
    sections: tuple[Section, ...]
    schema_version: int
    metrics: Mapping[str, RateRule]
    hash: str
    canonical: str = field(repr=False)

    # Identity is the content hash: two loads of the same file are equal.
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Definition) and other.hash == self.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, code: str) -> Question:
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)

    def section(self, code: str) -> Section:
        for s in self.sections:
            if s.code == code:
                return s
        raise KeyError(code)


def canonical_json(data: object, source: str) -> str:
    try:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise DefinitionError(source, None, f"含有无法规范化的值（如未加引号的日期）：{exc}")


def _text(data: Mapping, key: str, source: str, where: str | None, required=True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(source, where, f"'{key}' 必须是非空字符串")
    return value.strip()


def _code(data: Mapping, source: str, where: str | None, what: str) -> str:
    code = data.get("code")
    if code is None:
        raise DefinitionError(source, where, f"{what}缺少 'code'")
    if not isinstance(code, str) or not code.strip():
        raise DefinitionError(source, where, f"{what}代码必须加引号写成字符串：{code!r}")
    return code


def _unknown(data: Mapping, allowed: set, source: str, where: str | None) -> None:
    extra = sorted(str(k) for k in set(data) - allowed)
    if extra:
        raise DefinitionError(source, where, f"未知字段 {extra}")


def _options(data: object, source: str, where: str) -> tuple[Option, ...]:
    if data is None:
        return ()
    if not isinstance(data, list):
        raise DefinitionError(source, where, "options 必须是列表")
    options, seen = [], set()
    for item in data:
        if not isinstance(item, Mapping):
            raise DefinitionError(source, where, "每个选项必须包含 code 和 label")
        _unknown(item, OPTION_KEYS, source, where)
        code = _code(item, source, where, "选项")
        if code in seen:
            raise DefinitionError(source, where, f"选项代码重复 '{code}'")
        seen.add(code)
        exclusive = item.get("exclusive", False)
        if not isinstance(exclusive, bool):
            raise DefinitionError(source, where, f"选项 '{code}' 的 exclusive 必须是 true 或 false")
        options.append(Option(code, _text(item, "label", source, where), exclusive))
    return tuple(options)


def _question(data: object, earlier: dict[str, Question], source: str) -> Question:
    if not isinstance(data, Mapping):
        raise DefinitionError(source, None, "每道题必须是键值对")
    code = _code(data, source, None, "题目")
    if code in earlier:
        raise DefinitionError(source, code, "题号重复")
    _unknown(data, QUESTION_KEYS, source, code)
    qtype = data.get("type")
    if qtype not in QUESTION_TYPES:
        raise DefinitionError(source, code, f"未知题型 '{qtype}'，可用：{', '.join(QUESTION_TYPES)}")
    metric = data.get("metric")
    if metric is not None and metric not in METRIC_TAGS:
        raise DefinitionError(source, code, f"未知指标标签 '{metric}'，可用：{', '.join(METRIC_TAGS)}")
    required = data.get("required", True)
    if not isinstance(required, bool):
        raise DefinitionError(source, code, "required 必须是 true 或 false")

    def lookup(ref: str):
        q = earlier.get(ref)
        return None if q is None else (q.type, tuple(o.code for o in q.options))

    show_if = None
    if data.get("show_if") is not None:
        show_if = parse_condition(data["show_if"], lookup, source, code, "显示条件：")
    question = Question(
        code=code, type=qtype, text=_text(data, "text", source, code),
        options=_options(data.get("options"), source, code), required=required,
        show_if=show_if, metric=metric, min=data.get("min"), max=data.get("max"),
        max_length=data.get("max_length"), max_choices=data.get("max_choices"),
        help=_text(data, "help", source, code, required=False),
    )
    problems = QUESTION_TYPES[qtype].check(question)
    if problems:
        raise DefinitionError(source, code, "；".join(problems))
    return question


def parse_definition(text: str, source: str = "<string>") -> Definition:
    """Parse YAML text; raise :class:`DefinitionError` naming the first problem."""
    try:
        data = bounded_load(text)  # aliases, nesting and expanded size refused before expansion
    except YamlLimitExceeded as exc:
        raise DefinitionError(source, None, str(exc)) from exc
    except yaml.YAMLError as exc:
        raise DefinitionError(source, None, f"YAML 格式错误：{exc}") from exc
    if not isinstance(data, Mapping):
        raise DefinitionError(source, None, "文件内容必须是键值对")
    canonical = canonical_json(data, source)
    version = data.get("schema_version")
    if version not in SUPPORTED_SCHEMA_VERSIONS:
        raise DefinitionError(source, None, f"不支持的 schema_version：{version!r}（支持 {SUPPORTED_SCHEMA_VERSIONS}）")
    for key in ("code", "version", "audience", "title", "intro", "sections"):
        if key not in data:
            raise DefinitionError(source, None, f"缺少必需字段 '{key}'")
    _unknown(data, TOP_KEYS, source, None)
    if data["audience"] not in AUDIENCES:
        raise DefinitionError(source, None, f"audience 必须是 {' 或 '.join(AUDIENCES)}")
    if isinstance(data["version"], bool) or not isinstance(data["version"], (str, int)):
        raise DefinitionError(source, None, "version 必须是字符串或整数")
    sections_data = data["sections"]
    if not isinstance(sections_data, list) or not sections_data:
        raise DefinitionError(source, None, "sections 必须是非空列表")

    earlier: dict[str, Question] = {}
    sections, section_codes = [], set()
    for item in sections_data:
        if not isinstance(item, Mapping):
            raise DefinitionError(source, None, "每个分节必须是键值对")
        _unknown(item, SECTION_KEYS, source, None)
        scode = _code(item, source, None, "分节")
        if scode in section_codes:
            raise DefinitionError(source, None, f"分节代码重复 '{scode}'")
        section_codes.add(scode)
        qdata = item.get("questions")
        if not isinstance(qdata, list) or not qdata:
            raise DefinitionError(source, None, f"分节 '{scode}' 必须包含题目列表")
        questions = []
        for q in qdata:
            question = _question(q, earlier, source)
            earlier[question.code] = question
            questions.append(question)
        sections.append(Section(scode, _text(item, "title", source, None), tuple(questions)))

    def lookup_any(ref: str):
        q = earlier.get(ref)
        return None if q is None else (q.type, tuple(o.code for o in q.options))

    rules = parse_rules(data.get("metrics"), lookup_any, source)
    return Definition(
        code=_text(data, "code", source, None), version=str(data["version"]),
        audience=data["audience"], title=_text(data, "title", source, None),
        intro=_text(data, "intro", source, None), sections=tuple(sections),
        schema_version=version, metrics=MappingProxyType(rules),
        hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(), canonical=canonical,
    )


def load_definition(path: str | Path) -> Definition:
    """Read a YAML file; errors name the file by its base name."""
    path = Path(path)
    return parse_definition(path.read_text(encoding="utf-8"), path.name)


@lru_cache(maxsize=None)
def default_definition(audience: str) -> Definition:
    """The bundled default questionnaire for ``worker`` or ``employer`` (cached)."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; expected one of {AUDIENCES}")
    return load_definition(DEFINITIONS_DIR / f"{audience}.yaml")
