"""A sheet of one-time survey codes to cut apart and hand out.

For workers without a phone or where a link would be shared: each slip has
its own QR code, which opens the survey with the slip's code filled in, and
the code itself in large type (no look-alike characters, in two groups of
four) with the URL, for typing by hand. Dashed cut lines, fixed slip height so
the grid lines up across pages.
"""
from __future__ import annotations

from urllib.parse import urlencode

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, Table

from surveys import ballots

from .charts import QRCode
from .common import esc, para, plain_style, render, styles
from .data import BallotSheetData

COLS = 3
SLIP_H = 36 * mm
CONTENT_W = A4[0] - 24 * mm
SLIP_W = CONTENT_W / COLS
QR_SIZE = 23 * mm
PAD = 6  # points, left and right inside a slip
QR_COL = QR_SIZE + 2 * mm
TEXT_COL = SLIP_W - 2 * PAD - QR_COL
AUDIENCE = {"worker": "职工问卷", "employer": "企业方问卷"}


def slip_url(url: str, code: str) -> str:
    """The link a slip's QR code opens: the survey with this code filled in."""
    return f"{url}?{urlencode({ballots.PARAM: code})}"


def _code_style() -> ParagraphStyle:
    return ParagraphStyle("ballot_code", parent=styles()["code"], fontSize=15, leading=21)


def _slip(data: BallotSheetData, code: str) -> Table:
    label = AUDIENCE.get(data.audience, "问卷")
    qr = QRCode(slip_url(data.url, code), size=QR_SIZE, error="m", border=2)
    text = [
        para(data.enterprise_name, "tcell"),
        para(f"{label} · 匿名作答", "tcell"),
        Paragraph(esc(ballots.grouped(code)), _code_style()),
        para("扫码作答 · 每码限用一次", "tcell"),
    ]
    inner = Table([[qr, text], [para(f"也可打开 {data.url} 输入作答码", "tcell"), ""]],
                  colWidths=[QR_COL, TEXT_COL])
    inner.setStyle(plain_style([
        ("SPAN", (0, 1), (1, 1)), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return inner


def render_ballots(data: BallotSheetData) -> bytes:
    """Render the one-time code slips, COLS per row, to PDF bytes."""
    if not data.codes:
        raise ValueError("no codes to print")
    cells = [_slip(data, c) for c in data.codes]
    while len(cells) % COLS:
        cells.append("")
    rows = [cells[i:i + COLS] for i in range(0, len(cells), COLS)]
    t = Table(rows, colWidths=[SLIP_W] * COLS, rowHeights=[SLIP_H] * len(rows))
    t.setStyle(plain_style([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.grey, None, (3, 3)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]))
    title = f"{data.enterprise_name} 一次性作答码"
    return render([t], A4, title=title, subject=data.campaign_name, header=f"{title}（沿虚线剪开）",
                  margins=(12 * mm, 12 * mm, 16 * mm, 16 * mm))
