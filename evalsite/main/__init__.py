"""Home page and health check."""
from .views import bp  # noqa: F401
from . import guide  # noqa: E402,F401  (the 操作指南 pages)
