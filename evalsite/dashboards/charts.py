"""Server-side SVG charts: no JavaScript, printable, every bar a link.

Labels are escaped here because the SVG is inserted with ``|safe``.
"""
from __future__ import annotations

from typing import Optional, Sequence
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

BAR, GAP, LABEL_W, CHART_W = 22, 8, 150, 560


def hbar_chart(items: Sequence[tuple[str, Optional[float], str]], *, maximum: float = 1.0,
               target: Optional[float] = None, percent: bool = True, title: str = "") -> Markup:
    """Horizontal bars (label, value, href); a dashed target line; bars below target in red."""
    width = CHART_W - LABEL_W - 60
    height = len(items) * (BAR + GAP) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {height}" width="100%" '
           f'role="img" aria-label={quoteattr(title)}><title>{escape(title)}</title>']
    for i, (label, value, href) in enumerate(items):
        y = 10 + i * (BAR + GAP)
        v = value or 0.0
        w = max(0.0, min(v / maximum, 1.0)) * width if maximum else 0
        below = target is not None and value is not None and value < target
        color = "#c62828" if below else "#2e6da4"
        text = "—" if value is None else (f"{value * 100:.1f}%" if percent else f"{value:g}")
        out.append(f'<a href={quoteattr(href)}><text x="{LABEL_W - 6}" y="{y + BAR * 0.7:.1f}" text-anchor="end" '
                   f'font-size="12">{escape(label)}</text><rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR}" '
                   f'fill="{color}"><title>{escape(label)} {escape(text)}</title></rect>'
                   f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR * 0.7:.1f}" font-size="12">{escape(text)}</text></a>')
    if target is not None and maximum:
        x = LABEL_W + target / maximum * width
        label = f"目标 {target * 100:.0f}%" if percent else f"目标 {target:g}"
        out.append(f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 16}" stroke="#b3262d" '
                   f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{height - 4}" font-size="11" '
                   f'text-anchor="middle" fill="#b3262d">{escape(label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def progress_bar(done: int, total: int, href: str, label: str) -> Markup:
    """One thin bar: done of total."""
    share = (done / total) if total else 0.0
    w = 300
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} 14" width="100%" height="14" '
        f'preserveAspectRatio="none" style="max-width:{w}px" role="img" '
        f'aria-label={quoteattr(label)}><a href={quoteattr(href)}><rect width="{w}" height="14" fill="#eef0f3"/>'
        f'<rect width="{min(share, 1.0) * w:.1f}" height="14" fill="#2e6da4"/></a></svg>')
