"""The import vocabulary (``import_aliases.yaml``): aliases of units and industries, column headings,
notes-row prefixes and number bounds, validated when loaded.

An alias must name one thing only and never be another thing's real name; a
mistake in the file fails at start-up with a Chinese message, not in a clerk's
upload.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

ALIASES_PATH = Path(__file__).with_name("import_aliases.yaml")
CODE_TABLES = ("contract_kinds", "offer_by", "review_results")
LIMIT_KEYS = ("headcount", "reps", "congress", "covered_workers", "term_years", "wage_increase_pct", "money", "year")


def squash(text) -> str:
    """Full-width folded, spaces and line breaks removed: the form every name is compared in."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


@dataclass(frozen=True)
class Vocabulary:
    city_names: frozenset[str]
    unit_prefixes: tuple[str, ...]
    units: dict[str, tuple[str, ...]]  # real name -> aliases
    industries: dict[str, tuple[str, ...]]
    headers: dict[str, str]  # squashed heading or alias -> template heading
    codes: dict[str, dict[str, tuple[str, ...]]]  # contract_kinds / offer_by / review_results: label -> aliases
    note_prefixes: tuple[str, ...]
    limits: dict[str, tuple[float, float]]


def _names(value, where: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip() for v in value):
        raise ValueError(f"{source}：{where} 应为非空文字的列表")
    return tuple(squash(v) for v in value)


def _table(data, key: str, source: str) -> dict[str, tuple[str, ...]]:
    block = data.get(key) or {}
    if not isinstance(block, dict):
        raise ValueError(f"{source}：{key} 应为“名称: [别名, ...]”的映射")
    table = {squash(name): _names(aliases, f"{key}.{name}", source) for name, aliases in block.items()}
    owner: dict[str, str] = {}
    for name, aliases in table.items():
        for alias in aliases:
            if alias in table and alias != name:
                raise ValueError(f"{source}：{key} 中的别名“{alias}”是另一项的正式名称")
            if owner.setdefault(alias, name) != name:
                raise ValueError(f"{source}：{key} 中的别名“{alias}”同时指向“{owner[alias]}”和“{name}”")
    return table


def parse_vocabulary(text: str, source: str = "import_aliases.yaml") -> Vocabulary:
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise ValueError(f"{source}：缺少 schema_version: 1")
    units, industries = _table(data, "units", source), _table(data, "industries", source)
    city = frozenset(_names(data.get("city_names"), "city_names", source))
    clash = city & (set(units) | {a for al in units.values() for a in al})
    if clash:
        raise ValueError(f"{source}：city_names 与填报单位重名：{'、'.join(sorted(clash))}")
    headers: dict[str, str] = {}
    for heading, aliases in _table(data, "headers", source).items():
        for word in (heading, *aliases):
            headers[word] = heading
    limits = {}
    for key in LIMIT_KEYS:
        pair = (data.get("limits") or {}).get(key)
        if (not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(v, (int, float)) for v in pair)
                or pair[0] > pair[1]):
            raise ValueError(f"{source}：limits.{key} 应为 [下限, 上限]")
        limits[key] = (pair[0], pair[1])
    codes = {key: _table(data, key, source) for key in CODE_TABLES}
    return Vocabulary(city, _names(data.get("unit_prefixes"), "unit_prefixes", source), units, industries,
                      headers, codes, _names(data.get("note_prefixes"), "note_prefixes", source), limits)


@lru_cache(maxsize=None)
def vocabulary(path: str | None = None) -> Vocabulary:
    file = Path(path) if path else ALIASES_PATH
    return parse_vocabulary(file.read_text(encoding="utf-8"), file.name)
