"""Every URL rule of the app appears in some route × role matrix."""
from tests.evalsite.access_matrix import all_cases


def test_every_route_is_in_a_matrix(app):
    covered = {case.endpoint for case in all_cases()}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - covered)
    assert missing == [], f"routes without a role matrix: {missing}"
