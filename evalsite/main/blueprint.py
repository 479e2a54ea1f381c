"""The blueprint of the home page, the work queues, the guide and the inbox."""
from flask import Blueprint

bp = Blueprint("main", __name__)
