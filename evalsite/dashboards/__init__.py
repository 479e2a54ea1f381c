"""City and district dashboards of a campaign (progress, targets, grades)."""
from .views_dashboards import bp  # noqa: F401

BLUEPRINTS = [bp]
