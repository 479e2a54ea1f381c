"""Home page, work queues, guide and health check."""
from .blueprint import bp  # noqa: F401
from . import views_home, views_inbox, views_queues, views_guide as guide  # noqa: E402,F401
