"""Tiny server-side SVG charts (bars, scatter with a diagonal, histogram).

Pure functions returning an SVG string; every text is escaped here, so a
template may output the result with ``|safe``.  No JavaScript needed.
"""
from __future__ import annotations

import math
from html import escape
from typing import Optional, Sequence

FONT = 'font-family="sans-serif" font-size="12"'
BAR = "#3b6ea8"
POINT = "#c0392b"


def _e(text) -> str:
    return escape(str(text), quote=True)


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _frame(width: int, height: int, title: str, body: list[str]) -> str:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">')
    return head + f"<title>{_e(title)}</title>" + "".join(body) + "</svg>"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str = "", width: int = 480,
              height: int = 240, y_label: str = "") -> str:
    """Vertical bars with the value above each bar."""
    left, right, top, bottom = 40, 10, 24, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = _nice_max(max(values, default=0))
    n = max(len(values), 1)
    slot = plot_w / n
    body = [f'<text x="{width / 2}" y="16" text-anchor="middle" {FONT}>{_e(title)}</text>',
            f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#333"/>',
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>',
            f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" {FONT}>{_e(_num(vmax))}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" {FONT}>0</text>']
    if y_label:
        body.append(f'<text x="4" y="{top - 8}" {FONT}>{_e(y_label)}</text>')
    for k, (label, value) in enumerate(zip(labels, values)):
        h = plot_h * (value / vmax) if vmax else 0
        x = left + k * slot + slot * 0.15
        y = top + plot_h - h
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{BAR}">'
                    f'<title>{_e(label)}: {_e(_num(value))}</title></rect>')
        cx = x + slot * 0.35
        body.append(f'<text x="{cx:.1f}" y="{y - 3:.1f}" text-anchor="middle" {FONT}>{_e(_num(value))}</text>')
        body.append(f'<text x="{cx:.1f}" y="{top + plot_h + 16}" text-anchor="middle" {FONT}>{_e(label)}</text>')
    return _frame(width, height, title, body)


def scatter(points: Sequence[tuple[float, float]], title: str = "", x_label: str = "", y_label: str = "",
            lo: float = 0.0, hi: Optional[float] = None, width: int = 360, height: int = 360,
            diagonal: bool = True, labels: Sequence[str] = ()) -> str:
    """Points on equal axes [lo, hi] with the y = x diagonal (agreement line)."""
    left, right, top, bottom = 44, 12, 24, 40
    pw, ph = width - left - right, height - top - bottom
    if hi is None:
        hi = _nice_max(max((max(x, y) for x, y in points), default=1))
    span = (hi - lo) or 1.0
    sx = lambda v: left + pw * (v - lo) / span  # noqa: E731
    sy = lambda v: top + ph - ph * (v - lo) / span  # noqa: E731
    body = [f'<text x="{width / 2}" y="16" text-anchor="middle" {FONT}>{_e(title)}</text>',
            f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#333"/>',
            f'<text x="{left + pw / 2}" y="{height - 8}" text-anchor="middle" {FONT}>{_e(x_label)}</text>',
            f'<text x="12" y="{top + ph / 2}" text-anchor="middle" transform="rotate(-90 12 {top + ph / 2})" '
            f'{FONT}>{_e(y_label)}</text>',
            f'<text x="{left}" y="{top + ph + 14}" text-anchor="middle" {FONT}>{_e(_num(lo))}</text>',
            f'<text x="{left + pw}" y="{top + ph + 14}" text-anchor="middle" {FONT}>{_e(_num(hi))}</text>',
            f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" {FONT}>{_e(_num(hi))}</text>']
    if diagonal:
        body.append(f'<line x1="{sx(lo):.1f}" y1="{sy(lo):.1f}" x2="{sx(hi):.1f}" y2="{sy(hi):.1f}" '
                    f'stroke="#999" stroke-dasharray="4 3"/>')
    for k, (x, y) in enumerate(points):
        tip = labels[k] if k < len(labels) else ""
        body.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{POINT}" fill-opacity="0.7">'
                    f'<title>{_e(tip)} ({_e(_num(x))}, {_e(_num(y))})</title></circle>')
    return _frame(width, height, title, body)


def histogram(values: Sequence[float], bins: int = 10, lo: Optional[float] = None, hi: Optional[float] = None,
              title: str = "", width: int = 480, height: int = 240) -> str:
    """Counts of values in equal-width bins between lo and hi (inclusive at the top)."""
    values = [v for v in values if v is not None]
    lo = min(values, default=0.0) if lo is None else lo
    hi = max(values, default=1.0) if hi is None else hi
    width_bin = (hi - lo) / bins if hi > lo else 1.0
    counts = [0] * bins
    for v in values:
        k = min(int((v - lo) / width_bin), bins - 1) if width_bin else 0
        if 0 <= k < bins:
            counts[k] += 1
    labels = [_num(lo + k * width_bin) for k in range(bins)]
    return bar_chart(labels, counts, title=title, width=width, height=height)
