"""Register the embedded CJK font once per process.

We embed WenQuanYi Micro Hei (a TrueType subset) rather than using the
STSong-Light CID font: CID fonts are not embedded, so a reader without the
Adobe Asian font pack would show blank boxes, and an issued report must look
the same everywhere (its bytes are hashed).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

FONT_NAME = "WQYMicroHei"
DEFAULT_FONT_PATH = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
ENV_VAR = "EVALSITE_FONT_PATH"

_lock = threading.Lock()
_registered: str | None = None


class FontMissingError(RuntimeError):
    """The CJK font file cannot be found or read."""


def font_path() -> Path:
    """The font file to use: $EVALSITE_FONT_PATH, else the shipped TTC."""
    raw = os.environ.get(ENV_VAR, "").strip()
    return Path(raw) if raw else DEFAULT_FONT_PATH


def register_fonts() -> str:
    """Register the CJK font (idempotent, thread-safe) and return its name.

    Bold/italic map to the same face: the font has no bold, and without the
    family mapping a ``<b>`` in markup would silently fall back to the
    non-embedded Helvetica-Bold.
    """
    global _registered
    if _registered:
        return _registered
    with _lock:
        if _registered:
            return _registered
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        path = font_path()
        if not path.is_file():
            raise FontMissingError(
                f"CJK font not found at {path}; ship evalsite/pdf/fonts/wqy-microhei.ttc "
                f"or set {ENV_VAR} to a TrueType/TTC font with Chinese glyphs"
            )
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=0)
        except Exception as exc:  # reportlab raises TTFError and friends
            raise FontMissingError(f"cannot load CJK font {path}: {exc}") from exc
        pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(
            FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
        )
        _registered = FONT_NAME
        return _registered
