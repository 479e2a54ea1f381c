"""Home page and health check."""
from .views_home import bp  # noqa: F401
from . import views_guide as guide  # noqa: E402,F401  (the 操作指南 pages)
