"""No default secret (ASVS V13.3 / V7.2): refusals at start, the development mode the Makefile uses, and
forged cookies."""
from __future__ import annotations

import os
import stat

import pytest
from flask.sessions import SecureCookieSessionInterface

from evalsite import create_app
from evalsite.config import DEV_SECRET, ConfigError


@pytest.fixture
def bare_env(monkeypatch):
    for name in ("SECRET_KEY", "EVALSITE_ENV", "FLASK_ENV", "TRUST_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _config(tmp_path, **extra):
    return {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "UPLOAD_DIR": str(tmp_path / "up"),
            "INSTANCE_PATH": str(tmp_path / "instance"), **extra}


def _forge(app, data: dict, secret: str) -> str:
    """A session cookie as Flask would sign it with ``secret``."""
    iface = SecureCookieSessionInterface()

    class Fake:
        secret_key = secret
        config = {"SECRET_KEY_FALLBACKS": None}

    return iface.get_signing_serializer(Fake()).dumps(data)


@pytest.mark.parametrize("env", [None, "staging", "production", "Production"])
def test_refuses_to_start_without_a_secret_outside_development(bare_env, tmp_path, env):
    if env:
        bare_env.setenv("EVALSITE_ENV", env)
    with pytest.raises(ConfigError) as exc:
        create_app(_config(tmp_path))
    message = str(exc.value)
    assert "未设置 SECRET_KEY" in message and "Refusing to start without SECRET_KEY" in message


@pytest.mark.parametrize("env", [None, "development", "production"])
@pytest.mark.parametrize("secret", [DEV_SECRET, "short-secret"])
def test_refuses_known_or_short_secrets_in_every_mode(bare_env, tmp_path, env, secret):
    if env:
        bare_env.setenv("EVALSITE_ENV", env)
    bare_env.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError) as exc:
        create_app(_config(tmp_path))
    assert "SECRET_KEY 过短或是公开的默认值" in str(exc.value) and "publicly known" in str(exc.value)


def test_development_mode_keeps_a_random_local_secret(bare_env, tmp_path):
    """The path `make demo` takes: EVALSITE_ENV=development and no SECRET_KEY."""
    bare_env.setenv("EVALSITE_ENV", "development")
    first = create_app(_config(tmp_path))
    path = tmp_path / "instance" / "secret_key"
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first.config["SECRET_KEY"] == path.read_text().strip() and len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] != DEV_SECRET
    again = create_app(_config(tmp_path))
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]  # logins survive a restart
    assert first.config["MFA_REQUIRED_FOR_ADMINS"] is False
    from evalsite.db import Base

    Base.metadata.create_all(first.extensions["evalsite_db"].engine)
    client = first.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200


def test_development_mode_serves_this_machine_only(bare_env, tmp_path):
    bare_env.setenv("EVALSITE_ENV", "development")
    app = create_app(_config(tmp_path))
    resp = app.test_client().get("/login", environ_base={"REMOTE_ADDR": "192.168.1.20"})
    assert resp.status_code == 403 and "只接受本机访问" in resp.get_data(as_text=True)
    assert app.test_client().get("/login", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_development_mode_behind_a_proxy_needs_a_secret(bare_env, tmp_path):
    bare_env.setenv("EVALSITE_ENV", "development")
    bare_env.setenv("TRUST_PROXY", "1")
    with pytest.raises(ConfigError):
        create_app(_config(tmp_path))


def test_production_defaults(bare_env, tmp_path):
    bare_env.setenv("EVALSITE_ENV", "production")
    bare_env.setenv("SECRET_KEY", "x" * 40)
    app = create_app(_config(tmp_path))
    assert app.config["MFA_REQUIRED_FOR_ADMINS"] is True and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["DEV_LOCAL_ONLY"] is False
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 12 * 3600


@pytest.mark.parametrize("secret", [DEV_SECRET, "test-secret-key-0123456789"])
def test_a_forged_cookie_opens_nothing(app, world, secret):
    """Signed with the old development secret, or even with the app's own: no server-side session, no entry."""
    forged = _forge(app, {"_user_id": world.city.get_id(), "_fresh": True}, secret)
    client = app.test_client()
    client.set_cookie("session", forged)
    resp = client.get("/users")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_a_forged_cookie_with_the_old_secret_is_not_even_read(app, world):
    forged = _forge(app, {"_user_id": world.city.get_id(), "_sid": "guess"}, DEV_SECRET)
    client = app.test_client()
    client.set_cookie("session", forged)
    client.get("/login")
    with client.session_transaction() as sess:
        assert "_user_id" not in sess  # the signature did not verify: an empty session
