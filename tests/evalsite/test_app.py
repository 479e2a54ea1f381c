"""App factory, settings, health check, login and error pages."""
from __future__ import annotations

import pytest

from evalsite import create_app
from evalsite.config import ConfigError
from tests.conftest import PASSWORD, login


def test_production_refuses_development_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("EVALSITE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "UPLOAD_DIR": str(tmp_path)})


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("EVALSITE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-long-and-random-production-secret")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "UPLOAD_DIR": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_settings_come_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    monkeypatch.setenv("SECRET_KEY", "a-long-and-random-test-secret")
    app = create_app({"UPLOAD_DIR": str(tmp_path)})
    assert app.config["DATABASE_URL"].endswith("env.db")
    assert app.config["REDIS_URL"] == "redis://127.0.0.1:6379/3"


def test_healthz_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json()["database"] == "ok"


def test_healthz_503_when_database_unreachable(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "UPLOAD_DIR": str(tmp_path),
                      "TESTING": True, "SECRET_KEY": "a-long-and-random-test-secret"})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503


def test_login_page_and_wrong_password(client, world):
    assert client.get("/login").status_code == 200
    resp = client.post("/login", data={"username": "city", "password": "wrong"})
    assert resp.status_code == 401
    assert "用户名或密码错误" in resp.get_data(as_text=True)


def test_login_success_and_logout(client, world):
    resp = client.post("/login", data={"username": "city", "password": PASSWORD})
    assert resp.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "市级管理员" in home.get_data(as_text=True)
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_login_keeps_typed_username_and_rejects_empty(client, world):
    resp = client.post("/login", data={"username": "city", "password": ""})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "请输入密码" in body and 'value="city"' in body


def test_deactivated_user_cannot_log_in_and_loses_session(client, world, session):
    login(client, world.ent_a_union)
    assert client.get("/").status_code == 200
    world.ent_a_union.active = False
    session.commit()
    assert client.get("/").status_code == 302
    resp = client.post("/login", data={"username": "ent_a_union", "password": PASSWORD})
    assert resp.status_code == 401


def test_open_redirect_is_refused(client, world):
    resp = client.post("/login?next=//evil.example/x", data={"username": "city", "password": PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_password_change(client, world):
    login(client, world.city)
    bad = client.post("/account/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert bad.status_code == 400 and "至少需要12个字符" in bad.get_data(as_text=True)
    wrong = client.post("/account/password", data={"current": "nope", "new": "Haibin-Road-Maple-31", "confirm": "Haibin-Road-Maple-31"})
    assert wrong.status_code == 400 and "当前密码不正确" in wrong.get_data(as_text=True)
    ok = client.post("/account/password", data={"current": PASSWORD, "new": "Haibin-Road-Maple-31", "confirm": "Haibin-Road-Maple-31"})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "city", "password": "Haibin-Road-Maple-31"}).status_code == 302


def test_error_pages_are_chinese(client):
    resp = client.get("/no/such/page")
    assert resp.status_code == 404 and "页面不存在" in resp.get_data(as_text=True)


def test_csrf_is_enforced_when_enabled(app_config, world):
    app_config["WTF_CSRF_ENABLED"] = True
    app = create_app(app_config)
    resp = app.test_client().post("/login", data={"username": "city", "password": PASSWORD})
    assert resp.status_code == 400 and "CSRF" in resp.get_data(as_text=True)


def test_login_is_throttled(app_config, world):
    app_config["RATELIMIT_ENABLED"] = True
    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"
    app = create_app(app_config)
    c = app.test_client()
    codes = [c.post("/login", data={"username": "city", "password": "x"}).status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3] == 429


def test_secure_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_nul_characters_are_refused_with_a_chinese_400(client, world):
    login(client, world.city)
    resp = client.get("/enterprises?q=%00abc")
    assert resp.status_code == 400 and "无效字符" in resp.get_data(as_text=True)
    resp = client.post("/account/password", data={"current": "a\x00b", "new": "x", "confirm": "x"})
    assert resp.status_code == 400 and "无效字符" in resp.get_data(as_text=True)


def test_security_headers_forbid_third_party_loads_and_framing(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff" and resp.headers["X-Frame-Options"] == "DENY"
