"""Chinese names for every internal code a reader could see (statuses, kinds, audit actions, roles...).

The vocabulary is data (``evalsite/labels.yaml``), validated at load. Templates
use the ``label`` filter (``{{ item.status|label('item_status') }}``) and the
``code_ref`` filter for a problem code shown only as a small reference after
its Chinese title; PDFs call :func:`label` and :func:`code_ref_text`. An
unknown key is never shown raw: it prints as ``其他`` plus nothing internal,
and the page scan test (tests/evalsite/test_human_words.py) fails on it.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml
from markupsafe import Markup, escape

LABELS_FILE = Path(__file__).with_name("labels.yaml")
UNKNOWN = "其他"


class LabelsError(ValueError):
    """labels.yaml is malformed."""


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, dict) or not groups:
        raise LabelsError(f"{LABELS_FILE.name}：缺少 groups")
    out = {}
    for name, table in groups.items():
        if not isinstance(table, dict) or not all(isinstance(v, str) and v for v in table.values()):
            raise LabelsError(f"{LABELS_FILE.name} {name}：每个代码都要有中文名称")
        out[str(name)] = {("" if k is None else str(k)): v for k, v in table.items()}
    return out


def label(value, group: str, default: str | None = None) -> str:
    """The Chinese name of ``value`` in ``group``; ``default`` (or 其他) when unknown — never the code itself."""
    table = vocabulary().get(group)
    if table is None:
        raise KeyError(f"unknown label group {group!r}")
    key = "" if value is None else str(value)
    if key in table:
        return table[key]
    return default if default is not None else UNKNOWN


def actor(username) -> str:
    """Who did it: a person's account name, or 系统 for steps no person took."""
    return label(username, "actor", default=str(username)) if username in (None, "", "system") else str(username)


def code_ref_text(code) -> str:
    """A problem code as a small reference after the Chinese text: ``（P-PROC-01）``."""
    return f"（{code}）" if code else ""


def code_ref(code) -> Markup:
    if not code:
        return Markup("")
    return Markup('<small class="muted code-ref">（{}）</small>').format(escape(code))


def init_app(app) -> None:
    vocabulary()  # a malformed file stops the start, not a page
    app.jinja_env.filters.update(label=label, actor=actor, code_ref=code_ref)
