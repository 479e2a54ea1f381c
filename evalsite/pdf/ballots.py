"""A sheet of one-time survey codes to cut apart and hand out.

For workers without a phone or where a link would be shared: each slip has
its own code and the URL. Dashed cut lines, fixed slip height so the grid
lines up across pages.
"""
from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Table

from .common import para, plain_style, render
from .data import BallotSheetData

COLS = 3
SLIP_H = 36 * mm
CONTENT_W = A4[0] - 24 * mm
AUDIENCE = {"worker": "职工问卷", "employer": "企业方问卷"}


def _slip(data: BallotSheetData, code: str) -> list:
    label = AUDIENCE.get(data.audience, "问卷")
    return [
        para(data.enterprise_name, "small"),
        para(f"{label} · 一次性作答码", "small"),
        para(code, "code"),
        para(f"作答网址：{data.url}", "tcell"),
        para("每码限用一次 · 匿名作答", "tcell"),
    ]


def render_ballots(data: BallotSheetData) -> bytes:
    """Render the one-time code slips, COLS per row, to PDF bytes."""
    if not data.codes:
        raise ValueError("no codes to print")
    cells = [_slip(data, c) for c in data.codes]
    while len(cells) % COLS:
        cells.append("")
    rows = [cells[i:i + COLS] for i in range(0, len(cells), COLS)]
    t = Table(rows, colWidths=[CONTENT_W / COLS] * COLS, rowHeights=[SLIP_H] * len(rows))
    t.setStyle(plain_style([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.grey, None, (3, 3)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]))
    title = f"{data.enterprise_name} 一次性作答码"
    return render([t], A4, title=title, subject=data.campaign_name, header=f"{title}（沿虚线剪开）",
                  margins=(12 * mm, 12 * mm, 16 * mm, 16 * mm))
