"""Shared pieces for every document: styles, escaping, tables, page frame.

One place decides the font, the "第 x 页 共 y 页" footer and deterministic
output, so every document prints Chinese correctly, never leaks an
un-embedded font, and the same input always yields the same bytes (issued
reports are identified by the SHA-256 of their PDF).
"""
from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Iterable, Sequence
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from .fonts import register_fonts
from ..timefmt import format_date

HEADER_BG = colors.HexColor("#E8EDF4")
GRID = colors.HexColor("#8A8F99")
HIGHLIGHT_BG = colors.HexColor("#FDE2E2")  # light red: below target / failed
WARN_BG = colors.HexColor("#FFF4CC")  # light yellow: discrepancy
ACCENT = colors.HexColor("#1F4E79")
MUTED = colors.HexColor("#555555")
DASH = "—"

# reportlab keeps module-level state (font subsets per document, caches); one
# build at a time keeps that state consistent when a threaded server renders.
_build_lock = threading.RLock()
_styles: dict[str, ParagraphStyle] | None = None


def font() -> str:
    return register_fonts()


# Chinese punctuation that must not start a line (标点禁则). reportlab's list
# only knows the Japanese set, so "，" and "；" could open a line; we let them
# hang at the end of the previous line instead.
CN_CANNOT_START = "，；：？！）》」』”’、。．〕】…"


def _teach_reportlab_chinese_line_breaks() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for mod in (textsplit, paragraph):  # both modules read their own global
        missing = "".join(c for c in CN_CANNOT_START if c not in mod.ALL_CANNOT_START)
        if missing:
            mod.ALL_CANNOT_START += missing


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles, all CJK-wrapped in the embedded font."""
    global _styles
    if _styles is not None:
        return _styles
    f = font()
    _teach_reportlab_chinese_line_breaks()

    def st(name, size, leading=None, align=TA_LEFT, color=colors.black, **kw):
        return ParagraphStyle(
            name, fontName=f, fontSize=size, leading=leading or round(size * 1.45, 1),
            alignment=align, textColor=color, wordWrap="CJK", **kw,
        )

    _styles = {
        "title": st("title", 24, 34, TA_CENTER, ACCENT, spaceAfter=6),
        "subtitle": st("subtitle", 14, 22, TA_CENTER, MUTED),
        "h1": st("h1", 16, 24, TA_CENTER, spaceAfter=8),
        "h2": st("h2", 13, 20, color=ACCENT, spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h3": st("h3", 11, 17, spaceBefore=6, spaceAfter=3, keepWithNext=1),
        "body": st("body", 10.5, 17, spaceAfter=4),
        "indent": st("indent", 11, 20, firstLineIndent=22, spaceAfter=4),
        "small": st("small", 8.5, 12, color=MUTED),
        "small_c": st("small_c", 8.5, 12, TA_CENTER, MUTED),
        "cell": st("cell", 9, 12.5),
        "cell_c": st("cell_c", 9, 12.5, TA_CENTER),
        "cell_r": st("cell_r", 9, 12.5, TA_RIGHT),
        "cell_h": st("cell_h", 9, 12.5, TA_CENTER),
        "tcell": st("tcell", 7, 9),
        "tcell_c": st("tcell_c", 7, 9, TA_CENTER),
        "tcell_r": st("tcell_r", 7, 9, TA_RIGHT),
        "big": st("big", 30, 38, TA_CENTER, ACCENT),
        "figure": st("figure", 20, 28, TA_CENTER, ACCENT),
        "code": st("code", 17, 24, TA_CENTER),
        "lead": st("lead", 14, 22, TA_CENTER),
        "right": st("right", 10.5, 17, TA_RIGHT),
        "center": st("center", 10.5, 17, TA_CENTER),
    }
    return _styles


def esc(text: object, br: bool = True) -> str:
    """Escape a user string for Paragraph markup so it prints as typed.

    ``<b>A&B</b>`` must appear literally, never turn bold or break the
    parser. Newlines become line breaks unless ``br`` is false.
    """
    if text is None:
        return ""
    s = _xml_escape(str(text))
    return s.replace("\n", "<br/>") if br else s


def para(text: object, style: str = "body") -> Paragraph:
    """A Paragraph from an untrusted string (escaped)."""
    return Paragraph(esc(text), styles()[style])


def markup(trusted: str, style: str = "body") -> Paragraph:
    """A Paragraph from markup we wrote ourselves (user parts pre-escaped)."""
    return Paragraph(trusted, styles()[style])


def fit_text(text: str, width: float, size: float, ellipsis: str = "…") -> str:
    """``text`` as is when it fits ``width`` points at ``size``, else cut and ended with "…"."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    f = font()
    if stringWidth(text, f, size) <= width:
        return text
    cut = len(text)
    while cut > 0 and stringWidth(text[:cut] + ellipsis, f, size) > width:
        cut -= 1
    return text[:cut] + ellipsis


HEADER_SIZE = 8  # the running header drawn by ``render``
HEADER_INDENT = 18 * mm


def fmt_date(d: dt.date | None) -> str:
    """``2026年12月1日`` (a datetime in local time), ``—`` when missing."""
    return format_date(d, DASH)


DATE_BLANK = "日期：______年____月____日"


def fmt_num(x: float | int | None, digits: int = 2) -> str:
    """Points without noise: 18 → "18", 18.5 → "18.5", None → "—"."""
    if x is None:
        return DASH
    s = f"{float(x):.{digits}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def fmt_pct(x: float | None, digits: int = 1) -> str:
    if x is None:
        return DASH
    return f"{x * 100:.{digits}f}%"


def plain_style(cmds: Iterable = ()) -> TableStyle:
    """A table style that sets the CJK font first.

    Even when every cell is a Paragraph, reportlab emits a per-cell font
    selection from the table style; without this it names Helvetica, which
    would put a non-embedded font into the PDF.
    """
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), font()), *cmds])


def grid_style(header_rows: int = 1, size: float = 9, extra: Iterable = ()) -> TableStyle:
    """The house table style: thin grid, tinted header, font set everywhere."""
    cmds = [
        ("FONTNAME", (0, 0), (-1, -1), font()),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        cmds.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG))
    cmds.extend(extra)
    return TableStyle(cmds)


def table(rows: Sequence[Sequence], widths: Sequence[float], header_rows: int = 1,
          extra: Iterable = (), size: float = 9) -> Table:
    """A grid table whose header rows repeat on every page."""
    t = Table(list(rows), colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    t.setStyle(grid_style(header_rows, size, extra))
    return t


def kv_table(pairs: Sequence[tuple[str, object]], widths: Sequence[float]) -> Table:
    """Two-column label/value table; values are escaped user strings."""
    rows = [[para(k, "cell_c"), para(v, "cell")] for k, v in pairs]
    return table(rows, widths, header_rows=0,
                 extra=[("BACKGROUND", (0, 0), (0, -1), HEADER_BG)])


def _canvas_class(header: str, header_from: int, footer: bool, draft: bool):
    """A Canvas that numbers pages "第 x 页 共 y 页" once the total is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # defer: the total is unknown until save()
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, total: int) -> None:
            w, h = self._pagesize
            n = self._pageNumber
            self.saveState()
            self.setFillColor(MUTED)
            if footer:
                self.setFont(font(), 9)
                self.drawCentredString(w / 2, 10 * mm, f"第 {n} 页 共 {total} 页")
            if draft:  # also as plain text: extractors drop the diagonal mark
                self.setFont(font(), 9)
                self.drawString(18 * mm, 10 * mm, "【草稿】不作为正式文件")
            if header and n >= header_from:
                self.setFont(font(), HEADER_SIZE)
                self.drawString(HEADER_INDENT, h - 11 * mm, header)
                self.setStrokeColor(GRID)
                self.setLineWidth(0.4)
                self.line(HEADER_INDENT, h - 12.5 * mm, w - HEADER_INDENT, h - 12.5 * mm)
            if draft:
                self.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.13))
                self.setFont(font(), 110)
                self.translate(w / 2, h / 2)
                self.rotate(35)
                self.drawCentredString(0, -40, "草稿")
            self.restoreState()

    return NumberedCanvas


def render(flowables: list, pagesize=A4, title: str = "", *, author: str = "",
           subject: str = "", header: str = "", header_from: int = 1,
           page_numbers: bool = True, draft: bool = False,
           margins: tuple[float, float, float, float] = (18 * mm, 18 * mm, 18 * mm, 18 * mm),
           ) -> bytes:
    """Lay out flowables and return PDF bytes; identical input, identical bytes.

    margins are (left, right, top, bottom). ``header`` is a plain string
    drawn directly on the canvas (no markup, so no escaping needed).
    """
    f = font()
    buf = io.BytesIO()
    left, right, top, bottom = margins
    doc = SimpleDocTemplate(
        buf, pagesize=pagesize, leftMargin=left, rightMargin=right, topMargin=top,
        bottomMargin=bottom, title=title, author=author, subject=subject,
        creator="evalsite", invariant=1, initialFontName=f,
    )
    with _build_lock:
        doc.build(list(flowables), canvasmaker=_canvas_class(header, header_from, page_numbers, draft))
    return buf.getvalue()
