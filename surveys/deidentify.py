"""De-identified row-level data for analysis (administrators only, see ``surveys.disclosure``).

From the published answers of each enterprise, :func:`deidentify` builds one
table: no date, no id, no version, rows in an order that depends on their
content only; the background answers (questions tagged ``DEM`` or ``SCR``)
generalised, then suppressed, until every combination of them within an
enterprise holds at least ``k`` rows (k-anonymity, :func:`k_anonymise`);
enterprises below ``min_group`` answers left out; free text in a separate list
that carries only the enterprise, in an order independent of the rows.

Values are numeric codes with value labels (what SPSS and Stata expect);
:func:`Table.labelled` gives the labels for CSV and Excel. Pure module.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Hashable, Mapping, Sequence

from .conditions import is_answered
from .definition import Definition, Question
from .metrics import shuffled

BACKGROUND_TAGS = ("DEM", "SCR")
SUPPRESSED = 999  # the code of a background answer withheld to protect anonymity
SUPPRESSED_LABEL = "不显示（保护匿名）"
MERGED_BASE = 1000  # codes of merged categories: 1000, 1001, ...
CHOSEN = {1: "选择", 0: "未选"}


@dataclass(frozen=True)
class Column:
    name: str  # a valid SPSS/Stata variable name: W01, W06_A
    label: str
    question: str | None  # None for the enterprise column
    value_labels: Mapping[int, str] | None = None


@dataclass
class Table:
    columns: list[Column]
    rows: list[list]  # the first cell is the enterprise's name, then codes (None: not answered)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # (enterprise, question, text)
    left_out: int = 0  # enterprises below the minimum group
    background: tuple[str, ...] = ()  # column names that are quasi-identifiers

    def labelled(self) -> list[list]:
        """The rows with value labels instead of codes (for CSV and Excel)."""
        out = []
        for row in self.rows:
            out.append([v if c.value_labels is None or v is None else c.value_labels.get(v, v)
                        for c, v in zip(self.columns, row)])
        return out


def background_questions(definition: Definition) -> list[Question]:
    return [q for q in definition.questions if q.metric in BACKGROUND_TAGS and q.options]


def _code_map(question: Question) -> dict[str, int]:
    """Option code → numeric code: digits keep their value (Likert 5..1), the others count from 1 (or 90)."""
    codes = [o.code for o in question.options]
    digits = [c for c in codes if c.isdigit()]
    if len(digits) == len(codes):
        return {c: int(c) for c in codes}
    base = 90 if digits else 1
    out, i = {}, 0
    for c in codes:
        if c.isdigit():
            out[c] = int(c)
        else:
            out[c] = base + i
            i += 1
    return out


def _value(question: Question, value, codes: dict[str, int]):
    if not is_answered(value):
        return None
    chosen = value if isinstance(value, (list, tuple)) else [value]
    if question.type == "multiple":
        return frozenset(str(v) for v in chosen)
    return codes.get(str(chosen[0]))


def k_anonymise(records: list[dict], keys: Sequence[str], k: int) -> tuple[list[dict], dict]:
    """Generalise then suppress the ``keys`` of one group's records until every combination has >= k.

    First, within each key, categories held by fewer than k records are
    merged (smallest first) into one merged category; a key whose categories
    cannot all reach k is suppressed. Then, while some combination of the
    keys has fewer than k records, the key whose suppression leaves the fewest
    records in small combinations is suppressed. With every key suppressed
    all records share one combination, so with ``len(records) >= k`` the
    result is always k-anonymous. Returns the new records and, per key,
    ``{"merged": [set of values...], "suppressed": bool}``.
    """
    recs = [dict(r) for r in records]
    how: dict = {key: {"merged": [], "suppressed": False} for key in keys}
    for key in keys:
        tally = Counter(r[key] for r in recs)
        small = sorted((v for v, n in tally.items() if n < k), key=lambda v: (tally[v], str(v)))
        if not small:
            continue
        merged = set(small)
        size = sum(tally[v] for v in merged)
        rest = sorted((v for v in tally if v not in merged), key=lambda v: (tally[v], str(v)))
        while size < k and rest:
            v = rest.pop(0)
            merged.add(v)
            size += tally[v]
        if size < k or not rest:
            how[key]["suppressed"] = True
            for r in recs:
                r[key] = SUPPRESSED
            continue
        token = ("merged", frozenset(merged))
        how[key]["merged"].append(frozenset(merged))
        for r in recs:
            if r[key] in merged:
                r[key] = token
    live = [key for key in keys if not how[key]["suppressed"]]

    def small_rows(active):
        combos = Counter(tuple(r[key] for key in active) for r in recs)
        return sum(n for n in combos.values() if n < k)

    while live and small_rows(live):
        best = min(live, key=lambda key: (small_rows([x for x in live if x != key]), live.index(key)))
        live.remove(best)
        how[best]["suppressed"] = True
        for r in recs:
            r[best] = SUPPRESSED
    return recs, how


def is_k_anonymous(rows: Sequence[Sequence], group_index: int, key_indexes: Sequence[int], k: int) -> bool:
    """Every combination of the key columns within a group has at least k rows."""
    combos = Counter((row[group_index], *(_hashable(row[i]) for i in key_indexes)) for row in rows)
    return all(n >= k for n in combos.values())


def _hashable(value) -> Hashable:
    return tuple(value) if isinstance(value, list) else value


def _row_order(row: list) -> str:
    return hashlib.sha256(json.dumps(row, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def deidentify(definition: Definition, groups: Mapping[str, Sequence[Mapping]], k: int = 5, min_group: int = 5,
               min_text: int = 10) -> Table:
    """The de-identified table of ``groups`` (enterprise name → its published answer sets)."""
    background = background_questions(definition)
    bg_codes = [q.code for q in background]
    codes = {q.code: _code_map(q) for q in definition.questions if q.options}
    labels = {q.code: {codes[q.code][o.code]: o.label for o in q.options} for q in definition.questions if q.options}
    merged_codes: dict = {q: {} for q in bg_codes}
    columns = [Column("enterprise", "企业", None)]
    bg_columns: list[str] = []
    for q in definition.questions:
        if q.type in ("text", "textarea"):
            continue
        if q.type == "multiple":
            for o in q.options:
                columns.append(Column(f"{q.code}_{o.code}", f"{q.code} {q.text}：{o.label}", q.code, CHOSEN))
                if q.code in bg_codes:
                    bg_columns.append(columns[-1].name)
        else:
            columns.append(Column(q.code, f"{q.code} {q.text}", q.code, labels.get(q.code)))
            if q.code in bg_codes:
                bg_columns.append(q.code)
    rows, comments, left_out = [], [], 0
    for name in sorted(groups):
        sets = list(groups[name])
        if len(sets) < max(min_group, k):  # fewer rows than k can never be k-anonymous
            left_out += 1
            continue
        records = [{q.code: _value(q, a.get(q.code), codes.get(q.code, {})) for q in definition.questions
                    if q.type not in ("text", "textarea")} for a in sets]
        records, how = k_anonymise(records, bg_codes, k)
        for record in records:
            row = [name]
            for q in definition.questions:
                if q.type in ("text", "textarea"):
                    continue
                value = record.get(q.code)
                if q.type == "multiple":
                    if value == SUPPRESSED or (isinstance(value, tuple) and value[0] == "merged"):
                        row += [SUPPRESSED] * len(q.options)
                    else:
                        row += [None if value is None else int(o.code in value) for o in q.options]
                elif isinstance(value, tuple) and value[0] == "merged":
                    row.append(_merged_code(merged_codes[q.code], value[1], labels[q.code]))
                else:
                    row.append(value)
            rows.append(row)
        if len(sets) >= min_text:
            for q in definition.questions:
                if q.type in ("text", "textarea"):
                    texts = [str(a.get(q.code)).strip() for a in sets if is_answered(a.get(q.code))]
                    comments += [(name, q.code, t) for t in shuffled(t for t in texts if t)]
    columns = [_with_extra_labels(c, merged_codes, bg_columns) for c in columns]
    rows.sort(key=_row_order)
    return Table(columns, rows, comments, left_out, tuple(bg_columns))


def _merged_code(known: dict, values: frozenset, labels: Mapping[int, str]) -> int:
    if values not in known:
        known[values] = MERGED_BASE + len(known)
    return known[values]


def _with_extra_labels(column: Column, merged_codes: dict, bg_columns: list[str]) -> Column:
    if column.name not in bg_columns:
        return column
    value_labels = dict(column.value_labels or {})
    value_labels[SUPPRESSED] = SUPPRESSED_LABEL
    base = dict(column.value_labels or {})
    for values, code in merged_codes.get(column.question, {}).items():
        if column.name == column.question:
            order = sorted(values, key=lambda v: (v is None, v if isinstance(v, int) else 0, str(v)))
            value_labels[code] = "合并：" + "、".join("未答" if v is None else base.get(v, str(v)) for v in order)
    return Column(column.name, column.label, column.question, value_labels)
