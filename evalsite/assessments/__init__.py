"""Self-assessment, external evaluation, evidence, results and the district analysis."""
from __future__ import annotations

from .blueprint import bp  # noqa: E402  (the views register on it)

from . import views_admin, views_eval, views_review, views_self, views_veto  # noqa: E402,F401


def register_cli(app) -> None:
    from .cli import results_command

    app.cli.add_command(results_command)
