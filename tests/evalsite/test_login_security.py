"""Login (ASVS V6.3, V16): the same work for every username, throttling per account and per address that
ends, Retry-After, and failed logins, lock-outs and refusals in the audit log."""
from __future__ import annotations

import time

import pytest
from flask import abort
from sqlalchemy import select

from evalsite import create_app
from evalsite.auth import passwords
from evalsite.db import db
from evalsite.models import AuditEntry, Enterprise
from tests.conftest import PASSWORD, login


@pytest.fixture
def verifications(monkeypatch):
    """Counts argon2 verifications (the costly part of a login)."""
    calls = []
    real = passwords._hasher

    class Counting:
        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

        def hash(self, password):
            return real.hash(password)

    monkeypatch.setattr(passwords, "_hasher", Counting())
    return calls


def _post(client, username, password, addr="10.0.0.1"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


@pytest.mark.parametrize("username,password,status", [
    ("nobody-here", "whatever-password", 401),  # unknown account
    ("city", "wrong-password", 401),  # wrong password
    ("gone", PASSWORD, 401),  # deactivated account, right password
    ("city", PASSWORD, 302),
])
def test_every_login_costs_one_argon2_verification(client, world, factory, session, verifications,
                                                   username, password, status):
    factory.user("gone", "evaluator", unit=world.unit_a, active=False)
    session.commit()
    assert _post(client, username, password).status_code == status
    assert len(verifications) == 1


def test_unknown_and_known_users_get_the_same_answer(client, world):
    unknown = _post(client, "nobody-here", "x").get_data(as_text=True)
    known = _post(client, "city", "x").get_data(as_text=True)
    assert "用户名或密码错误" in unknown and "用户名或密码错误" in known


@pytest.fixture
def throttled(app_config, monkeypatch):
    """An app with the limits on, and a clock for the limiter's counters that tests can move."""
    offset = [0.0]
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])

    def make(**limits):
        app = create_app({**app_config, "RATELIMIT_ENABLED": True, **limits})
        app.advance = lambda seconds: offset.__setitem__(0, offset[0] + seconds)
        return app

    return make


def test_an_account_is_locked_with_a_growing_delay_that_ends(throttled, world):
    app = throttled()
    client = app.test_client()
    for _ in range(5):
        assert _post(client, "city", "wrong").status_code == 401
    first = _post(client, "city", PASSWORD)  # even the right password waits
    assert first.status_code == 429
    assert 1 <= int(first.headers["Retry-After"]) <= 61  # a one-minute window; the store counts whole seconds
    assert "登录失败次数过多" in first.get_data(as_text=True)
    app.advance(61)
    for _ in range(5):
        assert _post(client, "city", "wrong").status_code == 401
    second = _post(client, "city", PASSWORD)
    assert second.status_code == 429 and int(second.headers["Retry-After"]) > 60  # the wait grew
    app.advance(15 * 60 + 1)
    assert _post(client, "city", PASSWORD).status_code == 302  # never refused forever


def test_one_locked_account_does_not_lock_out_its_colleagues_behind_the_same_address(throttled, world):
    app = throttled()
    client = app.test_client()
    for _ in range(6):
        _post(client, "city", "wrong")
    assert _post(client, "city", PASSWORD).status_code == 429
    other = app.test_client()
    assert _post(other, "district_a", PASSWORD).status_code == 302


def test_successful_logins_do_not_use_up_the_address_ceiling(throttled, world):
    app = throttled(LOGIN_RATE_LIMIT="3 per minute")
    for _ in range(5):
        c = app.test_client()
        assert _post(c, "district_a", PASSWORD).status_code == 302


def test_the_address_ceiling_stops_guessing_across_accounts(throttled, world):
    app = throttled(LOGIN_RATE_LIMIT="4 per minute")
    client = app.test_client()
    for name in ("city", "district_a", "district_b", "evaluator"):
        assert _post(client, name, "wrong").status_code == 401
    refused = _post(client, "ent_a_union", "wrong")
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert _post(app.test_client(), "ent_a_union", PASSWORD, addr="10.0.0.2").status_code == 302


def test_failed_logins_and_lockouts_are_audited(throttled, world, session):
    app = throttled(LOGIN_ACCOUNT_LIMIT="2 per minute")
    client = app.test_client()
    _post(client, "nobody-here", "x")
    _post(client, "city", "wrong")
    _post(client, "city", "wrong")
    _post(client, "city", "wrong")
    session.rollback()
    rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    failed = [r for r in rows if r.action == "login_failed"]
    assert [r.details["reason"] for r in failed] == ["unknown_user", "wrong_password", "wrong_password"]
    assert failed[1].object_id == str(world.city.id) and failed[0].details["address"] == "10.0.0.1"
    locked = [r for r in rows if r.action == "login_throttled"]
    assert len(locked) == 1 and locked[0].details["username"] == "city" and locked[0].details["per"] == "account"


def test_a_refusal_is_audited_without_saving_the_refused_work(app, world, session):
    """The 403 entry commits on its own; what the view had changed before refusing is rolled back."""
    def half_done():
        ent = db.session.get(Enterprise, world.ent_a.id)
        ent.name = "半途而废的修改"
        db.session.flush()
        abort(403)

    app.add_url_rule("/_test/half-done", "half_done", half_done, methods=["POST"])
    client = app.test_client()
    login(client, world.evaluator)
    assert client.post("/_test/half-done").status_code == 403
    assert client.get("/users").status_code == 403
    session.rollback()
    assert session.get(Enterprise, world.ent_a.id).name == "威海甲机械有限公司"
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "access_denied")
                             .order_by(AuditEntry.id)).all()
    assert [d.summary for d in denied] == ["拒绝访问：POST /_test/half-done", "拒绝访问：GET /users"]
    assert denied[0].username == "evaluator" and denied[0].user_id == world.evaluator.id


def test_an_anonymous_refusal_is_audited_as_anonymous(app, world, session):
    app.config["DEV_LOCAL_ONLY"] = True  # the development mode's refusal of other machines is a 403
    resp = app.test_client().get("/login", environ_base={"REMOTE_ADDR": "192.168.7.7"})
    assert resp.status_code == 403
    session.rollback()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "access_denied"))
    assert entry.username == "（未登录）" and entry.details["address"] == "192.168.7.7"
