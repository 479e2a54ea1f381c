"""Hypothesis over every route's parameters, as every role: no answer is ever a 5xx.

``test_no_server_errors.py`` walks every rule with one set of junk; this test
draws the path values, query arguments and form fields (names every form of
the app uses, plus the filters' names) from boundary integers (0, 2^31-1,
2^31, 2^63, 10^30...), NaN and infinities, non-ASCII digits and free text,
for the GET and the POST rules, as anonymous, the city, a district of another
district, the evaluator and both sides of enterprise A. It prints the request
and 5xx counts (``-s`` shows them; the lead's note quotes them). Derandomised:
the same requests on every run, so a failure is reproducible.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections import Counter
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

import evalsite
from tests.conftest import login

ROLES = ["anon", "city", "district_b", "evaluator", "ent_a_union", "ent_a_mgmt"]
EXAMPLES_PER_ROLE = 220
# account changes would sign the walking user out (their refusals are walked in test_no_server_errors)
SKIP_POST = {"auth.logout", "registry.user_deactivate", "registry.user_reactivate", "registry.user_password",
             "auth.change_password"}
QUERY_KEYS = ["page", "campaign", "campaign_id", "unit", "enterprise", "industry", "status", "q", "audience",
              "format", "key", "grade", "kind", "size", "sort", "_sec", "_nav", "light", "again", "next", "user",
              "action", "active", "role", "manual", "error", "unionised", "above", "newform"]
BOUNDARY_INTS = [0, 1, 2, 3, -1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]
ODD_TEXT = ["", "NaN", "nan", "inf", "-Infinity", "1e309", "1e-400", "0x10", "١٢", "²", "１２", " 1", "1.5", "+7",
            "worker", "employer", "json", "csv", "pdf", "y", "on", "full", "partial", "none", "2021-02-30",
            "2021-13-01", "9999-12-31", "0000-00-00", "<script>", "'\"", "../../etc/passwd", "%00", "\x00",
            "A" * 3000, "🙂"]


def _form_field_names() -> list[str]:
    names = set()
    for info in pkgutil.walk_packages(evalsite.__path__, "evalsite."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                names.update(n for n, v in vars(cls).items() if hasattr(v, "field_class"))
    return sorted(names | {"enterprise_id", "evaluator_id", "reason", "indicator", "message", "answer", "go",
                           "level_B1", "note_B1", "level_A1", "remarks", "response", "draft_all", "recompute",
                           "confirm", "token", "_ballot", "_sec", "_nav", "key"})


def _values(world_ids: list[int]):
    ints = st.one_of(st.sampled_from(BOUNDARY_INTS + world_ids), st.integers(min_value=-(2**70), max_value=2**70))
    return st.one_of(ints.map(str), st.sampled_from(ODD_TEXT), st.text(max_size=12))


def _path_value(converter, world_ids: list[int]):
    if isinstance(converter, IntegerConverter):
        return st.one_of(st.sampled_from(BOUNDARY_INTS[:2] + world_ids), st.integers(min_value=0, max_value=2**70),
                         st.sampled_from(["١", "00001", "9" * 400])).map(str)
    return st.one_of(st.sampled_from(["x", "nonexistent", "..", "a.b", "1", "preview", "annex1", "xlsx", "pdf",
                                      "A" * 300]),
                     st.text(min_size=1, max_size=16).filter(lambda s: "/" not in s))


def _rules(app, method: str):
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or method not in rule.methods:
            continue
        if method == "POST" and rule.endpoint in SKIP_POST:
            continue
        out.append(rule)
    return sorted(out, key=lambda r: (r.rule, r.endpoint))


def _build(rule, values: dict) -> str:
    url = rule.rule
    for name, value in values.items():
        url = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?" + re.escape(name) + ">", quote(value, safe=""), url)
    return url


@pytest.mark.parametrize("who", ROLES)
def test_fuzzed_parameters_never_give_a_server_error(app, world, who):
    client = app.test_client()
    user = None if who == "anon" else getattr(world, who)
    world_ids = sorted({world.ent_a.id, world.ent_b.id, world.campaign.id, world.unit_a.id, world.unit_b.id})
    rules = [("GET", r) for r in _rules(app, "GET")] + [("POST", r) for r in _rules(app, "POST")]
    fields = _form_field_names()
    values = _values(world_ids)
    counts = {"requests": 0}
    state = {"signed_in": False}
    statuses: Counter = Counter()
    failures: list[str] = []

    @settings(max_examples=EXAMPLES_PER_ROLE, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one_request(data):
        method, rule = data.draw(st.sampled_from(rules))
        path = {name: data.draw(_path_value(conv, world_ids)) for name, conv in rule._converters.items()}
        query = data.draw(st.one_of(st.just({}), st.dictionaries(st.sampled_from(QUERY_KEYS), values, max_size=4)))
        form = data.draw(st.dictionaries(st.sampled_from(fields), values, max_size=8)) if method == "POST" else None
        url = _build(rule, path)
        if user is not None and not state["signed_in"]:
            login(client, user)  # again after a request that ended the session ("sign out everywhere"...)
            state["signed_in"] = True
        counts["requests"] += 1
        try:
            with client.open(url, method=method, query_string=query, data=form) as resp:
                status = resp.status_code
                if status in (302, 303) and "/login" in resp.headers.get("Location", ""):
                    state["signed_in"] = False
                statuses[status // 100 * 100] += 1
                resp.get_data()  # a streamed export fails while streaming, not before
        except Exception as exc:  # noqa: BLE001 - TESTING propagates: an exception is the 500
            failures.append(f"{method} {url} {query} {sorted(form or {})[:4]}: {type(exc).__name__}: {exc}"[:300])
            return
        if status >= 500:
            failures.append(f"{method} {url} {query} {sorted(form or {})[:4]}: {status}"[:300])

    one_request()
    print(f"\nfuzz as {who}: {counts['requests']} requests over {len(rules)} rules, {len(failures)} answered 5xx "
          f"({', '.join(f'{k // 100}xx: {n}' for k, n in sorted(statuses.items()))})")
    assert failures == [], "\n".join(failures[:20])
