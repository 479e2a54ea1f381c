"""Reports, verification, rectification and the campaign tables.

``reports`` is the staff blueprint; ``verify`` is the public page a printed
QR code points to, kept separate so nothing staff-only can leak into it.
"""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
verify_bp = Blueprint("verify", __name__)

from . import letter_views, rect_views, review_views, table_views, verify, views  # noqa: E402,F401

BLUEPRINTS = [bp, verify_bp]


def register_cli(app):
    from .cli import export_tables, render_reports, sync_rectification_items

    app.cli.add_command(render_reports)
    app.cli.add_command(export_tables)
    app.cli.add_command(sync_rectification_items)
