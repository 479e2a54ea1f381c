"""Public survey pages for workers' and managers' phones (/s/<token>)."""
from .blueprint import bp  # noqa: E402  (the views register on it)
from . import views_answer, views_privacy  # noqa: E402,F401

BLUEPRINTS = [bp]
