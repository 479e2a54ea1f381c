"""Reports, verification, rectification and the campaign tables.

``reports`` is the staff blueprint; ``verify`` is the public page a printed
QR code points to, kept separate so nothing staff-only can leak into it.
"""
from .blueprint import bp, verify_bp  # noqa: E402  (the views register on it)

from . import (views_letters, views_lists, views_rectification, views_reports, views_review,  # noqa: E402,F401
               views_tables, views_verify)

BLUEPRINTS = [bp, verify_bp]


def register_cli(app):
    from .cli import export_tables, render_reports, sync_rectification_items

    app.cli.add_command(render_reports)
    app.cli.add_command(export_tables)
    app.cli.add_command(sync_rectification_items)
