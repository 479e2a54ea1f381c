"""Home page and health check."""
from .views import bp  # noqa: F401
