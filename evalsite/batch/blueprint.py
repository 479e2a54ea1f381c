"""The batch blueprint (progress pages and the forms that start batches), apart from the package."""
from flask import Blueprint

bp = Blueprint("batch", __name__, url_prefix="/batch")
