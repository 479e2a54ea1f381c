"""Login, logout and password change."""
from .views import bp  # noqa: F401
