"""Survey administration: definitions, links and posters, monitoring, rates, exports."""
from .blueprint import bp  # noqa: E402  (the views register on it)

from . import views_exports, views_links, views_surveys  # noqa: E402,F401

BLUEPRINTS = [bp]


def register_cli(app):
    from .cli import survey_links, survey_release, survey_releaser

    app.cli.add_command(survey_links)
    app.cli.add_command(survey_release)
    app.cli.add_command(survey_releaser)
