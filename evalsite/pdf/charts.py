"""Vector graphics: the per-dimension bar chart and QR codes.

Both are drawn as vectors (no raster images): they stay sharp when printed,
are small, and render deterministically. QR matrices come from segno.
"""
from __future__ import annotations

from typing import Sequence

import segno
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.platypus import Flowable

from .common import ACCENT, GRID, MUTED, fmt_num, font
from .data import DimensionLine

SERIES = (
    ("自评", "self_points", colors.HexColor("#9DB7D5")),
    ("外部评估", "external_points", colors.HexColor("#F0B27A")),
    ("最终得分", "final_points", ACCENT),
)


def dimension_chart(dims: Sequence[DimensionLine], width: float = 480) -> Drawing:
    """Horizontal grouped bars of score rate (points ÷ max) per dimension.

    Dimensions have different maxima, so bars show the share of the maximum
    (0–100 %) with the final points printed at the bar end.
    """
    f = font()
    label_w, value_w = 120, 70
    bar_h, gap, group_gap = 5.5, 1, 6
    group_h = 3 * bar_h + 2 * gap
    legend_h, axis_h = 18, 16
    height = legend_h + axis_h + len(dims) * (group_h + group_gap) + 4
    plot_w = width - label_w - value_w
    d = Drawing(width, height, initialFontName=f, initialFontSize=8)

    # legend on top
    x = label_w
    for name, _, col in SERIES:
        d.add(Rect(x, height - 12, 9, 7, fillColor=col, strokeColor=None))
        d.add(String(x + 12, height - 12, name, fontName=f, fontSize=8, fillColor=MUTED))
        x += 75

    top = height - legend_h
    for i, dim in enumerate(dims):
        y0 = top - (i + 1) * (group_h + group_gap) + group_gap / 2
        label = f"{dim.code} {dim.name}"
        if len(label) > 11:
            label = label[:10] + "…"
        d.add(String(label_w - 6, y0 + group_h / 2 - 3, label, fontName=f, fontSize=8.5,
                     textAnchor="end"))
        for j, (_, attr, col) in enumerate(SERIES):
            val = getattr(dim, attr)
            y = y0 + (2 - j) * (bar_h + gap)
            if val is None or not dim.max_points:
                d.add(String(label_w + 2, y + 1, "无", fontName=f, fontSize=6.5, fillColor=MUTED))
                continue
            share = max(0.0, min(1.0, float(val) / float(dim.max_points)))
            d.add(Rect(label_w, y, plot_w * share, bar_h, fillColor=col, strokeColor=None))
            if j == 2:
                d.add(String(label_w + plot_w * share + 3, y + 0.5,
                             f"{fmt_num(val)}/{fmt_num(dim.max_points)}",
                             fontName=f, fontSize=7.5, fillColor=colors.black))

    # axis with 0 / 50 / 100 %
    base = axis_h
    d.add(Line(label_w, base, label_w, top, strokeColor=GRID, strokeWidth=0.5))
    for k in range(0, 101, 25):
        gx = label_w + plot_w * k / 100
        d.add(Line(gx, base, gx, base - 3, strokeColor=GRID, strokeWidth=0.5))
        d.add(String(gx, base - 11, f"{k}%", fontName=f, fontSize=7, textAnchor="middle",
                     fillColor=MUTED))
    d.add(Line(label_w, base, label_w + plot_w, base, strokeColor=GRID, strokeWidth=0.5))
    return d


class QRCode(Flowable):
    """A QR code of ``data`` drawn as vector modules, ``size`` points square."""

    def __init__(self, data: str, size: float = 100, error: str = "m", border: int = 2):
        super().__init__()
        self.qr = segno.make(data, error=error, micro=False)
        self.size = size
        self.border = border
        self.width = self.height = size

    def wrap(self, availWidth, availHeight):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.qr, 0, 0, self.size, self.border)


def draw_qr(canv, qr, x: float, y: float, size: float, border: int = 2) -> None:
    """Paint a segno QR at (x, y) on a canvas, merging runs of dark modules."""
    matrix = [list(r) for r in qr.matrix]
    n = len(matrix) + 2 * border
    m = size / n
    canv.saveState()
    canv.setFillColor(colors.white)
    canv.rect(x, y, size, size, stroke=0, fill=1)
    canv.setFillColor(colors.black)
    path = canv.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                yy = y + size - (r + border + 1) * m
                path.rect(x + (start + border) * m, yy, (c - start) * m, m)
            else:
                c += 1
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()
