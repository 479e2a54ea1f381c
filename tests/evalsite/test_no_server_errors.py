"""Malformed URLs and query strings never give a 500, for any GET page and any role.

Every GET rule of the app is requested with ids that do not exist and with
junk in the query arguments the pages read (page, campaign, unit, status...).
"""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from tests.conftest import login

JUNK_ARGS = {"page": "-3", "campaign": "abc", "unit": "9999999", "status": "<script>", "q": "'\"%00",
             "enterprise": "x", "audience": "nobody", "format": "exe", "key": "../../etc", "grade": "S",
             "kind": "🙂", "industry": "-1", "size": "huge", "sort": "drop table"}


def _urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for name, conv in rule._converters.items():
            values[name] = 987654 if isinstance(conv, IntegerConverter) else "nonexistent-" + name
        with app.test_request_context():
            from flask import url_for

            yield rule.endpoint, url_for(rule.endpoint, **values)


@pytest.mark.parametrize("who", ["anon", "city", "district_b", "evaluator", "ent_a_union"])
def test_unknown_ids_and_junk_arguments_never_500(app, world, who):
    client = app.test_client()
    if who != "anon":
        login(client, getattr(world, who))
    failures = []
    for endpoint, url in _urls(app):
        for query in ("", "?" + "&".join(f"{k}={v}" for k, v in JUNK_ARGS.items())):
            with client.get(url + query) as resp:  # closed like a real client, streamed exports included
                if resp.status_code >= 500:
                    failures.append(f"{endpoint} {url}{query}: {resp.status_code}")
    assert failures == []


def test_plain_routes_with_junk_arguments_as_city_admin(app, world):
    """Pages without ids, with every junk argument: still 2xx/3xx/4xx, never 500."""
    client = app.test_client()
    login(client, world.city)
    for endpoint, url in _urls(app):
        if "nonexistent" in url or "987654" in url:
            continue
        for key, value in JUNK_ARGS.items():
            with client.get(f"{url}?{key}={value}") as resp:
                assert resp.status_code < 500, f"{endpoint} {url}?{key}={value}: {resp.status_code}"


def _post_urls(app, world):
    ids = {"enterprise_id": world.ent_a.id, "ent_id": world.ent_a.id, "campaign_id": world.campaign.id,
           "user_id": world.ent_a_union.id}
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {}
        for name, conv in rule._converters.items():
            values[name] = ids.get(name, 1) if isinstance(conv, IntegerConverter) else "x" * 8
        with app.test_request_context():
            from flask import url_for

            yield rule.endpoint, url_for(rule.endpoint, **values)


JUNK_FORMS = [
    {},
    {k: v for k, v in JUNK_ARGS.items()},
    {"name": "A" * 5000, "credit_code": "９１３７", "headcount": "-1", "date": "2021-02-30", "level": "zzz",
     "score": "1e309", "count": "NaN", "deadline": "yesterday", "role": "god", "side": "both", "kind": "../"},
]


@pytest.mark.parametrize("who", ["city", "district_b", "evaluator", "ent_a_union"])
def test_junk_posts_never_500(app, world, who):
    client = app.test_client()
    login(client, getattr(world, who))
    failures = []
    # a list: the generator yields inside a request context, whose app context (and database
    # session, holding the write lock of the last POST) every request would share
    for endpoint, url in list(_post_urls(app, world)):
        if endpoint in ("auth.logout",):
            continue
        for form in JUNK_FORMS:
            with client.post(url, data=form) as resp:
                if resp.status_code >= 500:
                    failures.append(f"{endpoint} {url} {sorted(form)[:3]}: {resp.status_code}")
        login(client, getattr(world, who))  # a password change or deactivation must not end the walk
    assert failures == []
