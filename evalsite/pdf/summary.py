"""Campaign summary (行动工作总结) sent with 附件1/附件2 to the city union.

Key figures first as a grid of large numbers, since readers look for the
targets (建制率 ≥ 80 %, 规上工资专项 ≥ 90 %) before reading the prose.
"""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from .common import HEADER_BG, fmt_date, para, plain_style, render
from .data import SummaryData

CONTENT_W = A4[0] - 36 * mm
PER_ROW = 3


def key_figure_grid(figures) -> Table:
    """Value over label in tinted boxes, three per row."""
    cells = [[para(value, "figure"), para(label, "small_c")] for label, value in figures]
    while len(cells) % PER_ROW:
        cells.append("")
    rows = [cells[i:i + PER_ROW] for i in range(0, len(cells), PER_ROW)]
    t = Table(rows, colWidths=[CONTENT_W / PER_ROW] * PER_ROW)
    t.setStyle(plain_style([("BACKGROUND", (0, 0), (-1, -1), HEADER_BG),
                            ("GRID", (0, 0), (-1, -1), 2, "white"),
                            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return t


def render_summary(data: SummaryData) -> bytes:
    """Render the campaign summary to PDF bytes."""
    title = data.title or f"{data.campaign_name}工作总结"
    flow = [para(title, "h1"), para(data.period, "subtitle"), Spacer(1, 6 * mm)]
    if data.key_figures:
        flow += [para("主要数据", "h2"), key_figure_grid(data.key_figures), Spacer(1, 4 * mm)]
    flow += [para(p, "indent") for p in data.paragraphs]
    for sec in data.sections:
        flow.append(para(sec.heading, "h2"))
        flow += [para(p, "indent") for p in sec.paragraphs]
    if data.issuing_body or data.date:
        flow += [Spacer(1, 10 * mm), para(data.issuing_body, "right"), para(fmt_date(data.date), "right")]
    return render(flow, A4, title=title, author=data.issuing_body, draft=data.draft,
                  header=title, header_from=2)


