"""Campaign statistics tables 附件1 and 附件2 (DOMAIN §5), landscape A4.

Columns are data (heading, subheading) so the city can change them; the
header is built from them with spans, repeats on every page, numbers are
right-aligned and cells below target get a light red background.
"""
from __future__ import annotations

import re
from typing import Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .common import HEADER_BG, HIGHLIGHT_BG, esc, fmt_date, fmt_num, markup, para, render, table
from .data import AnnexTableData, Annex1Data, Annex2Data, Cell

PAGE = landscape(A4)
MARGIN = 12 * mm
CONTENT_W = PAGE[0] - 2 * MARGIN
_NUMERIC = re.compile(r"^[-+]?[\d,]+(\.\d+)?\s*%?$")


def is_numeric(v: Cell) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    return isinstance(v, str) and bool(_NUMERIC.match(v.strip()))


def cell_text(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return fmt_num(v)
    return str(v)


def header_rows(columns: Sequence[tuple[str, str]]) -> tuple[list[list], list[tuple]]:
    """Header cells and SPAN commands from (heading, subheading) leaf columns."""
    two = any(sub for _, sub in columns)
    top, bottom, spans = [], [], []
    c = 0
    while c < len(columns):
        head, sub = columns[c]
        end = c
        if sub:
            while end + 1 < len(columns) and columns[end + 1][0] == head and columns[end + 1][1]:
                end += 1
        top.append(para(head, "tcell_c"))
        top.extend([""] * (end - c))
        for k in range(c, end + 1):
            bottom.append(para(columns[k][1], "tcell_c") if columns[k][1] else "")
        if end > c:
            spans.append(("SPAN", (c, 0), (end, 0)))
        elif two and not sub:
            spans.append(("SPAN", (c, 0), (c, 1)))
        c = end + 1
    return ([top, bottom] if two else [top]), spans


def column_widths(data: AnnexTableData, font_size: float = 7.0) -> list[float]:
    """Share the page by content: long text columns wider, counts narrow.

    The leading name columns (the unit name of 附件1) get at least the width of
    their longest cell, so "环翠区" never breaks one character per line.
    """
    n = len(data.columns)
    weights, floors = [], []
    for c in range(n):
        texts = [cell_text(r[c]) for r in data.rows if c < len(r)]
        if data.total_row is not None and c < len(data.total_row):
            texts.append(cell_text(data.total_row[c]))
        longest = max((len(t) for t in texts), default=0)
        head = max(len(data.columns[c][0]) if not data.columns[c][1] else 0, len(data.columns[c][1]))
        weights.append(max(3.0, min(14.0, max(longest * 0.9, head / 2.2))))
        numeric = all(is_numeric(r[c]) for r in data.rows if c < len(r) and r[c] not in (None, ""))
        floors.append(0.0 if numeric or c > 1 or longest > 12 else longest * font_size + 8)
    total = sum(weights) or 1.0
    widths = [CONTENT_W * w / total for w in weights]
    short = [c for c in range(n) if widths[c] < floors[c]]
    if short and sum(floors[c] for c in short) < CONTENT_W / 3:
        fixed = sum(floors[c] for c in short)
        rest = sum(weights[c] for c in range(n) if c not in short) or 1.0
        widths = [floors[c] if c in short else (CONTENT_W - fixed) * weights[c] / rest for c in range(n)]
    return widths


def _body_row(values: Sequence[Cell], n: int) -> list:
    vals = list(values) + [None] * (n - len(values))
    return [para(cell_text(v), "tcell_r" if is_numeric(v) else "tcell") for v in vals[:n]]


def _render_annex(data: AnnexTableData, label: str) -> bytes:
    n = len(data.columns)
    if n == 0:
        raise ValueError("an annex table needs at least one column")
    head, spans = header_rows(data.columns)
    h = len(head)
    rows = head + [_body_row(r, n) for r in data.rows]
    extra = list(spans)
    if data.total_row is not None:
        rows.append(_body_row(data.total_row, n))
        extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), HEADER_BG))
    for r, c in sorted(data.highlight):
        if 0 <= r < len(data.rows) and 0 <= c < n:
            extra.append(("BACKGROUND", (c, h + r), (c, h + r), HIGHLIGHT_BG))
    flow = [
        para(label, "h3"),
        para(data.title, "h1"),
        markup(f"填报单位（盖章）：{esc(data.unit_name)}　　　　填报日期：{esc(fmt_date(data.date))}",
               "body"),
        Spacer(1, 2 * mm),
        table(rows, column_widths(data), header_rows=h, extra=extra, size=7),
    ]
    if data.highlight:
        flow.append(para("注：浅红色底纹表示该项比率低于目标值。", "small"))
    flow += [para(f"注：{x}", "small") for x in data.notes]
    flow += [Spacer(1, 4 * mm), para("填表人：__________　　审核人：__________　　联系电话：______________", "body")]
    return render(flow, PAGE, title=data.title, subject=data.unit_name, draft=data.draft,
                  header=f"{label}　{data.title}", header_from=2,
                  margins=(MARGIN, MARGIN, 15 * mm, 15 * mm))


def render_annex1(data: Annex1Data) -> bytes:
    """附件1 集体协商"集中要约"行动情况统计表 (one row per reporting unit)."""
    return _render_annex(data, "附件1")


def render_annex2(data: Annex2Data) -> bytes:
    """附件2 新业态行业集体合同签订情况统计表 (one row per industry contract)."""
    return _render_annex(data, "附件2")
