"""Sessions that end (ASVS V7): logout, password change, deactivation, "sign out everywhere", idle and
absolute limits, a new session id at login; on the database store and, when TEST_REDIS_URL is set, Redis."""
from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from sqlalchemy import func, select

from evalsite import create_app
from evalsite.auth import sessions
from evalsite.models import UserSession
from tests.conftest import PASSWORD, login

PROTECTED = "/enterprises"  # any page behind login


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 12, 1, 2, 0, 0)

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += dt.timedelta(**kw)


@pytest.fixture(params=["database", "redis"])
def auth_app(request, app_config):
    if request.param == "redis":
        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            pytest.skip("needs Redis: set TEST_REDIS_URL")
        app_config = {**app_config, "REDIS_URL": url, "SESSION_REDIS_PREFIX": f"test-{uuid.uuid4().hex}:"}
        application = create_app(app_config)
        yield application
        store = application.extensions["evalsite_sessions"]
        for key in store.redis.scan_iter(match=store.prefix + "*"):
            store.redis.delete(key)
        application.extensions["evalsite_db"].engine.dispose()
        return
    yield create_app(app_config)


def _copy_cookie(src, dst):
    cookie = src.get_cookie("session")
    dst.set_cookie("session", cookie.value)


def _password_login(client, username="city", password=PASSWORD):
    resp = client.post("/login", data={"username": username, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return resp


def test_a_cookie_copied_before_logout_opens_nothing_afterwards(auth_app, world):
    browser, thief = auth_app.test_client(), auth_app.test_client()
    _password_login(browser)
    _copy_cookie(browser, thief)
    assert thief.get(PROTECTED).status_code == 200  # the copy works while the session lives
    browser.post("/logout")
    resp = thief.get(PROTECTED)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert browser.get(PROTECTED).status_code == 302


def test_the_session_id_changes_at_login(auth_app, world):
    client = auth_app.test_client()
    with client.session_transaction() as sess:
        sess[sessions.SESSION_KEY] = "planted-by-an-attacker"
        sess["left_over"] = "x"
    _password_login(client)
    with client.session_transaction() as sess:
        first = sess[sessions.SESSION_KEY]
        assert first != "planted-by-an-attacker" and "left_over" not in sess
    old = auth_app.test_client()
    _copy_cookie(client, old)
    client.post("/logout")
    _password_login(client)
    with client.session_transaction() as sess:
        assert sess[sessions.SESSION_KEY] != first
    assert old.get(PROTECTED).status_code == 302


def test_idle_timeout_ends_a_session(auth_app, world):
    clock = Clock()
    sessions.set_clock(auth_app, clock)
    client = auth_app.test_client()
    login(client, world.city)
    clock.advance(minutes=119)
    assert client.get(PROTECTED).status_code == 200  # used within 2 h: the idle clock starts again
    clock.advance(minutes=119)
    assert client.get(PROTECTED).status_code == 200
    clock.advance(minutes=120, seconds=1)
    assert client.get(PROTECTED).status_code == 302


def test_absolute_lifetime_ends_even_a_busy_session(auth_app, world):
    clock = Clock()
    sessions.set_clock(auth_app, clock)
    client = auth_app.test_client()
    login(client, world.city)
    for _ in range(11):
        clock.advance(hours=1)
        assert client.get(PROTECTED).status_code == 200
    clock.advance(minutes=59)
    assert client.get(PROTECTED).status_code == 200
    clock.advance(minutes=1)
    assert client.get(PROTECTED).status_code == 302


def test_limits_are_settings(app_config, world):
    application = create_app({**app_config, "SESSION_IDLE_MINUTES": 5, "SESSION_ABSOLUTE_HOURS": 1})
    clock = Clock()
    sessions.set_clock(application, clock)
    client = application.test_client()
    login(client, world.city)
    clock.advance(minutes=4)
    assert client.get(PROTECTED).status_code == 200
    clock.advance(minutes=5, seconds=1)
    assert client.get(PROTECTED).status_code == 302


def test_password_change_ends_the_other_sessions_and_keeps_this_one(auth_app, world):
    mine, other = auth_app.test_client(), auth_app.test_client()
    login(mine, world.city)
    login(other, world.city)
    new = "Weihai-harbour-lighthouse-7"
    resp = mine.post("/account/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert resp.status_code == 302
    assert mine.get(PROTECTED).status_code == 200
    assert other.get(PROTECTED).status_code == 302


def test_deactivation_ends_every_session_of_the_user(auth_app, world):
    victim, admin = auth_app.test_client(), auth_app.test_client()
    login(victim, world.evaluator)
    login(admin, world.city)
    assert victim.get(PROTECTED).status_code == 200
    assert admin.post(f"/users/{world.evaluator.id}/deactivate").status_code == 302
    assert victim.get(PROTECTED).status_code == 302


def test_an_administrator_signs_a_user_out_everywhere(auth_app, world, session):
    phone, laptop, admin = auth_app.test_client(), auth_app.test_client(), auth_app.test_client()
    login(phone, world.evaluator)
    login(laptop, world.evaluator)
    login(admin, world.city)
    page = admin.get(f"/users/{world.evaluator.id}/edit").get_data(as_text=True)
    assert "当前有 2 个有效登录" in page and "退出该账号的所有登录" in page
    resp = admin.post(f"/users/{world.evaluator.id}/sessions/end")
    assert resp.status_code == 302
    assert phone.get(PROTECTED).status_code == 302 and laptop.get(PROTECTED).status_code == 302
    assert admin.get(PROTECTED).status_code == 200
    assert "当前有 0 个有效登录" in admin.get(f"/users/{world.evaluator.id}/edit").get_data(as_text=True)
    session.rollback()
    from evalsite.models import AuditEntry

    assert session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "user_sessions_end"))


def test_a_district_admin_cannot_sign_out_a_user_of_another_district(app, world, login_as):
    other = app.test_client()
    login(other, world.evaluator)
    assert login_as(world.district_b).post(f"/users/{world.evaluator.id}/sessions/end").status_code == 403
    assert other.get(PROTECTED).status_code == 200


def test_the_database_keeps_only_a_hash_of_the_session_id(app, world, session):
    client = app.test_client()
    _password_login(client)
    with client.session_transaction() as sess:
        token = sess[sessions.SESSION_KEY]
    session.rollback()
    hashes = session.scalars(select(UserSession.token_hash)).all()
    assert len(hashes) == 1 and token not in hashes[0] and len(hashes[0]) == 64


def test_expired_sessions_are_removed(app, world, session):
    clock = Clock()
    sessions.set_clock(app, clock)
    client = app.test_client()
    login(client, world.city)
    clock.advance(hours=3)
    assert client.get(PROTECTED).status_code == 302
    session.rollback()
    assert session.scalar(select(func.count()).select_from(UserSession)) == 0
