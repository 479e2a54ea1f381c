"""Where a clerk's table starts and what its columns are.

The header is looked for among the first rows: title rows above it are
skipped, a two-level header (a merged parent such as 联系人 over 姓名 and
电话) is read as "联系人/姓名", "联系人/电话"; headings are matched through the
alias table. Below the header, notes rows ("注：…", "填表说明") and repeated
header rows are skipped with a warning. No database here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..domain_errors import Invalid
from .import_aliases import Vocabulary, squash

SCAN_ROWS = 15
_PAREN = re.compile(r"[(（][^()（）]*[)）]$")


class ImportFileError(Invalid):
    """The file as a whole cannot be read (wrong type, empty, no header...): 400, the message Chinese."""


@dataclass(frozen=True)
class TableSpec:
    what: str  # 企业名录 | 集体合同
    headers: tuple[str, ...]
    required: tuple[str, ...]
    key: str  # the heading whose cell makes a row a data row


@dataclass
class Sheet:
    header_line: int
    header: list[str]  # the template headings found, in file order
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line, {heading: text})
    warnings: list[str] = field(default_factory=list)


def _short(text: str, limit: int = 16) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def resolve(text: str, spec: TableSpec, vocab: Vocabulary) -> str | None:
    """The template heading a cell of a header row names, if any."""
    word = squash(text).strip("*").replace("*", "")
    own = {squash(h): h for h in spec.headers}
    for candidate in (word, _PAREN.sub("", word)):
        heading = vocab.headers.get(candidate, candidate)
        if heading in own:
            return own[heading]
    return None


def _single(cells: list[str], spec, vocab) -> dict[int, str]:
    return {c: h for c, h in ((c, resolve(t, spec, vocab)) for c, t in enumerate(cells) if t) if h}


def _pair(top: list[str], sub: list[str], spec, vocab) -> dict[int, str]:
    """Headings of a two-level header; a blank parent cell continues the group on its left."""
    found, group = {}, ""
    for c in range(max(len(top), len(sub))):
        t = top[c] if c < len(top) else ""
        s = sub[c] if c < len(sub) else ""
        if not t and s and group:
            t = group
        if t and s and squash(t) != squash(s):
            heading = (resolve(f"{t}/{s}", spec, vocab) or resolve(t + s, spec, vocab)
                       or resolve(s, spec, vocab))
            group = t
        else:
            heading, group = resolve(t or s, spec, vocab), ""
        if heading:
            found[c] = heading
    return found


def _first_columns(mapping: dict[int, str]) -> dict[int, str]:
    """One column per heading (the first), so a repeated heading never overwrites."""
    seen, out = set(), {}
    for c in sorted(mapping):
        if mapping[c] not in seen:
            seen.add(mapping[c])
            out[c] = mapping[c]
    return out


def _labels(top: list[str], sub: list[str] | None, c: int) -> str:
    t = top[c] if c < len(top) else ""
    s = sub[c] if sub is not None and c < len(sub) else ""
    return f"{t}/{s}" if t and s and t != s else (t or s)


def locate(grid: list[tuple[int, list[str]]], spec: TableSpec, vocab: Vocabulary) -> Sheet:
    """Find the header among the first rows and turn the rows below it into {heading: text}."""
    if not grid:
        raise ImportFileError("文件中没有内容")
    best = None  # (score, prefers single, earlier) -> (index, mapping, two_level)
    for i, (_, cells) in enumerate(grid[:SCAN_ROWS]):
        options = [(_single(cells, spec, vocab), False)]
        if i + 1 < len(grid):
            options.append((_pair(cells, grid[i + 1][1], spec, vocab), True))
        for mapping, two_level in options:
            rank = (len(set(mapping.values())), not two_level, -i)
            if best is None or rank > best[0]:
                best = (rank, i, mapping, two_level)
    (score, _, _), index, mapping, two_level = best
    if score < 2:
        raise ImportFileError(f"前{SCAN_ROWS}行中找不到表头：请使用{spec.what}导入模板，表头应为“"
                              + "、".join(spec.headers) + "”")
    columns = _first_columns(mapping)
    missing = [h for h in spec.required if h not in columns.values()]
    if missing:
        raise ImportFileError("缺少必填列：" + "、".join(missing) + "（请对照导入模板的表头）")
    line, top = grid[index]
    sub = grid[index + 1][1] if two_level else None
    sheet = Sheet(header_line=line, header=[columns[c] for c in sorted(columns)])
    if index:
        sheet.warnings.append(f"已跳过表头上方的{index}行标题（“{_short(grid[0][1][_first(grid[0][1])])}”）")
    ignored = [_labels(top, sub, c) for c in range(max(len(top), len(sub or []))) if c not in columns
               and _labels(top, sub, c)]
    if ignored:
        sheet.warnings.append("以下列不是导入模板的列，已忽略：" + "、".join(dict.fromkeys(ignored)))
    _data_rows(sheet, grid[index + (2 if two_level else 1):], columns, spec, vocab)
    if not sheet.rows:
        raise ImportFileError(f"文件中只有表头，没有{spec.what}数据")
    return sheet


def _first(cells: list[str]) -> int:
    return next(i for i, t in enumerate(cells) if t)


def _is_note(text: str, vocab: Vocabulary) -> bool:
    """Starts with a notes word followed by punctuation, a digit or nothing ("注：", "注1", "合计")."""
    for prefix in vocab.note_prefixes:
        if text.startswith(prefix):
            rest = text[len(prefix):len(prefix) + 1]
            if not rest or not ("\u4e00" <= rest <= "\u9fff"):
                return True
    return False


def _data_rows(sheet: Sheet, rows, columns: dict[int, str], spec: TableSpec, vocab: Vocabulary) -> None:
    key_col = next(c for c, h in columns.items() if h == spec.key)

    def key(cells):
        return cells[key_col] if key_col < len(cells) else ""

    def first(cells):
        return next(t for t in cells if t)

    noted = [_is_note(squash(first(cells)), vocab) and key(cells) in ("", first(cells)) for _, cells in rows]
    last_keyed = max((i for i, (_, cells) in enumerate(rows) if key(cells) and not noted[i]), default=-1)
    header_set = set(columns.values())
    for i, (line, cells) in enumerate(rows):
        if noted[i] or (i > last_keyed and sum(1 for t in cells if t) == 1):
            sheet.warnings.append(f"第{line}行是表格下方的说明文字（“{_short(first(cells))}”），已跳过")
            continue
        if set(_single(cells, spec, vocab).values()) == header_set:
            sheet.warnings.append(f"第{line}行是重复的表头，已跳过")
            continue
        sheet.rows.append((line, {h: (cells[c] if c < len(cells) else "") for c, h in columns.items()}))
