"""The survey_admin blueprint, apart from the package so the view modules import it without a cycle."""
from flask import Blueprint

bp = Blueprint("survey_admin", __name__, url_prefix="/surveys")
