"""Every URL rule of the app appears in some route × role matrix."""
import importlib
import pkgutil

import tests.evalsite as pkg


def test_every_route_is_in_a_matrix(app):
    covered = set()
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("test_access_") and info.name != "test_access_coverage":
            module = importlib.import_module(f"tests.evalsite.{info.name}")
            covered |= {case.endpoint for case in getattr(module, "ROUTES", [])}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - covered)
    assert missing == [], f"routes without a role matrix: {missing}"
