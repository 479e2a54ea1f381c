"""Public survey pages for workers' and managers' phones (/s/<token>)."""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("survey_site", __name__)
csrf.exempt(bp)  # the form validates its token itself and keeps the answers when it expired

from . import privacy, views  # noqa: E402,F401

BLUEPRINTS = [bp]
