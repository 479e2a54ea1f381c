"""The reports blueprint, apart from the package so the view modules import it without a cycle."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
verify_bp = Blueprint("verify", __name__)
