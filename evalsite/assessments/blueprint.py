"""The assessments blueprint, apart from the package so the view modules import it without a cycle."""
from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments")
