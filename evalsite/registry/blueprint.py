"""The registry blueprint, apart from the package so the view modules import it without a cycle."""
from flask import Blueprint

bp = Blueprint("registry", __name__)
