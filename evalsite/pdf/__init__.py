"""PDF documents of the platform, as pure functions: dataclass in, bytes out.

No Flask and no database here; the web layer builds the dataclasses of
``evalsite.pdf.data``. Output is deterministic so issued PDFs can be hashed.
"""
from .ballots import render_ballots
from .checks import render_checks
from .closing import render_closing
from .fonts import register_fonts
from .letters import render_letter
from .poster import render_poster
from .report import render_report
from .summary import render_summary
from .tables import render_annex1, render_annex2

__all__ = [
    "register_fonts", "render_report", "render_closing", "render_letter", "render_annex1",
    "render_annex2", "render_checks", "render_summary", "render_poster", "render_ballots",
]
