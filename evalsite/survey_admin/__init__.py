"""Survey administration: definitions, links and posters, monitoring, rates, exports."""
from flask import Blueprint

bp = Blueprint("survey_admin", __name__, url_prefix="/surveys")

from . import exports, link_views, views  # noqa: E402,F401

BLUEPRINTS = [bp]


def register_cli(app):
    from .cli import survey_links, survey_release

    app.cli.add_command(survey_links)
    app.cli.add_command(survey_release)
