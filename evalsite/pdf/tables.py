"""Campaign statistics tables 附件1 and 附件2 (DOMAIN §5), A3 landscape, fit for paper.

Columns are data (heading, subheading); the header is built from them with
spans and repeats on every page.  Column widths are measured: every number
and date gets at least the width of its longest value in the chosen font
size, and the size is the largest that lets all of them fit the page, so no
number ever wraps.  Below-target cells (the total row included) are light
red, as in the XLSX; the notes and the signature line stay on the page of the
last rows (NOSPLIT), never alone on a page of their own.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Sequence

from reportlab.lib.pagesizes import A3, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from .common import (GRID, HEADER_BG, HIGHLIGHT_BG, esc, fmt_date, fmt_num, font, markup, para, render,
                     styles)
from .data import AnnexTableData, Annex1Data, Annex2Data, Cell

PAGE = landscape(A3)
MARGIN = 12 * mm
CONTENT_W = PAGE[0] - 2 * MARGIN
SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0)
PAD = 3.0                      # left and right cell padding, each
_NUMERIC = re.compile(r"^[-+]?[\d,]+(\.\d+)?\s*%?$")
_UNBREAKABLE = re.compile(r"^[-+]?[\d,]+(\.\d+)?\s*%?$|^\d{4}-\d{2}-\d{2}$|^—$")
SIGNATURE = "填表人：__________　　审核人：__________　　联系电话：______________"


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
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _unbreakable(text: str) -> bool:
    return bool(_UNBREAKABLE.match(text.strip()))


def header_rows(columns: Sequence[tuple[str, str]], style: str | ParagraphStyle = "tcell_c"
                ) -> tuple[list[list], list[tuple]]:
    """Header cells and SPAN commands from (heading, subheading) leaf columns."""
    st = styles()[style] if isinstance(style, str) else style
    two = any(sub for _, sub in columns)
    top, bottom, spans = [], [], []
    c = 0
    while c < len(columns):
        head, sub = columns[c]
        end = c
        if sub:
            while end + 1 < len(columns) and columns[end + 1][0] == head and columns[end + 1][1]:
                end += 1
        top.append(Paragraph(esc(head), st))
        top.extend([""] * (end - c))
        for k in range(c, end + 1):
            bottom.append(Paragraph(esc(columns[k][1]), st) if columns[k][1] else "")
        if end > c:
            spans.append(("SPAN", (c, 0), (end, 0)))
        elif two and not sub:
            spans.append(("SPAN", (c, 0), (c, 1)))
        c = end + 1
    return ([top, bottom] if two else [top]), spans


def _cells(data: AnnexTableData) -> list[list[str]]:
    """Every body and total cell as printed, column by column."""
    rows = [list(r) for r in data.rows] + ([list(data.total_row)] if data.total_row is not None else [])
    n = len(data.columns)
    return [[cell_text(r[c]) if c < len(r) else "" for r in rows] for c in range(n)]


def _demands(data: AnnexTableData, size: float) -> tuple[list[float], list[float], list[float]]:
    """(minimum, preferred, heading weight) width of each column at a font size.

    A column's minimum is its longest unbreakable value (number, rate, date)
    or, for text, four characters; text prefers up to 16 characters a line.
    """
    f = font()
    lows, prefs, weights = [], [], []
    for c, texts in enumerate(_cells(data)):
        fixed = max((stringWidth(t, f, size) for t in texts if t and _unbreakable(t)), default=0.0)
        text = max((stringWidth(t, f, size) for t in texts if t and not _unbreakable(t)), default=0.0)
        head, sub = data.columns[c]
        heading = max(len(sub), 0 if sub else len(head))
        low = max(fixed, 2 * size if not text else min(text, 4 * size)) + 2 * PAD + 1
        lows.append(low)
        prefs.append(max(low, min(text, 16 * size) + 2 * PAD + 1))
        weights.append(max(1.0, heading / 3.0))
    return lows, prefs, weights


def layout(data: AnnexTableData, width: float = CONTENT_W) -> tuple[float, list[float]]:
    """The largest font size at which every unbreakable value fits, and the column widths."""
    for size in SIZES:
        lows, prefs, weights = _demands(data, size)
        if sum(lows) <= width:
            break
    widths = list(lows)
    spare = width - sum(widths)
    want = [p - w for p, w in zip(prefs, widths)]
    if spare > 0 and sum(want) > 0:
        share = min(1.0, spare / sum(want))
        widths = [w + d * share for w, d in zip(widths, want)]
        spare = width - sum(widths)
    if spare > 0:  # what is left goes to the columns with long headings
        total = sum(weights)
        widths = [w + spare * k / total for w, k in zip(widths, weights)]
    return size, widths


def column_widths(data: AnnexTableData, font_size: float | None = None) -> list[float]:
    return layout(data)[1]


def _style(name: str, size: float, align: int) -> ParagraphStyle:
    return ParagraphStyle(f"{name}{size}", parent=styles()["tcell"], fontSize=size,
                          leading=round(size * 1.3, 1), alignment=align)


def _grid(last: int, h: int, size: float) -> list[tuple]:
    return [
        ("FONTNAME", (0, 0), (-1, -1), font()), ("FONTSIZE", (0, 0), (-1, -1), size),
        ("GRID", (0, 0), (-1, last), 0.4, GRID), ("VALIGN", (0, 0), (-1, last), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("BACKGROUND", (0, 0), (-1, h - 1), HEADER_BG),
    ]


def annex_table(data: AnnexTableData, notes: Sequence[str]) -> tuple[Table, float]:
    """The table with its notes and signature as final rows kept with the last body rows."""
    n = len(data.columns)
    size, widths = layout(data)
    left, right, centre = _style("tl", size, 0), _style("tr", size, 2), _style("tc", size, 1)
    head, spans = header_rows(data.columns, centre)
    h = len(head)

    def body(values):
        vals = list(values) + [None] * (n - len(values))
        return [Paragraph(esc(cell_text(v)), right if is_numeric(v) else left) for v in vals[:n]]

    rows = head + [body(r) for r in data.rows]
    cmds = list(spans)
    for r, c in sorted(data.highlight):
        if 0 <= r < len(data.rows) and 0 <= c < n:
            cmds.append(("BACKGROUND", (c, h + r), (c, h + r), HIGHLIGHT_BG))
    if data.total_row is not None:
        rows.append(body(data.total_row))
        t = len(rows) - 1
        cmds.append(("BACKGROUND", (0, t), (-1, t), HEADER_BG))
        cmds += [("BACKGROUND", (c, t), (c, t), HIGHLIGHT_BG) for c in sorted(data.total_highlight) if 0 <= c < n]
    last = len(rows) - 1
    small = _style("note", max(size, 7.5), 0)
    for text in notes:
        rows.append([Paragraph(esc(f"注：{text}"), small)] + [""] * (n - 1))
    rows.append([Paragraph(esc(SIGNATURE), _style("sign", max(size, 9.0), 0))] + [""] * (n - 1))
    for r in range(last + 1, len(rows)):
        cmds.append(("SPAN", (0, r), (-1, r)))
    cmds.append(("TOPPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 8 * mm))
    # the signature never sits alone: it travels with the last two rows and the total
    cmds.append(("NOSPLIT", (0, max(h, last - 2)), (-1, -1)))
    table = Table(rows, colWidths=widths, repeatRows=h, hAlign="LEFT")
    table.setStyle(TableStyle(_grid(last, h, size) + cmds))
    return table, size


def _render_annex(data: AnnexTableData, label: str) -> bytes:
    if not data.columns:
        raise ValueError("an annex table needs at least one column")
    notes = list(data.notes)
    if (data.highlight or data.total_highlight) and not any("浅红色" in n for n in notes):
        notes.insert(0, "浅红色底纹表示该项低于目标值或未通过核对。")
    table, _ = annex_table(data, notes)
    flow = [
        para(label, "h3"),
        para(data.title, "h1"),
        markup(f"填报单位（盖章）：{esc(data.unit_name)}　　　　填报日期：{esc(fmt_date(data.date))}", "body"),
        Spacer(1, 2 * mm),
        table,
    ]
    return render(flow, PAGE, title=data.title, subject=data.unit_name, draft=data.draft,
                  header=f"{label}　{data.title}", header_from=2, margins=(MARGIN, MARGIN, 15 * mm, 15 * mm))


def render_annex1(data: Annex1Data) -> bytes:
    """附件1 集体协商"集中要约"行动情况统计表 (one row per reporting unit)."""
    return _render_annex(data, "附件1")


def render_annex2(data: Annex2Data) -> bytes:
    """附件2 新业态行业集体合同签订情况统计表 (one row per industry contract)."""
    return _render_annex(data, "附件2")
