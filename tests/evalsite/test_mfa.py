"""Second factor for administrators (ASVS V6.5, V6.6): enrolment by QR, password → code → in, replay
refused, recovery codes single-use and stored hashed, the setting, an administrator's reset."""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import select

from evalsite import create_app
from evalsite.auth import sessions
from evalsite.auth.views_mfa import SECRET_KEY_IN_SESSION
from evalsite.models import AuditEntry, RecoveryCode, User
from tests.conftest import PASSWORD, login

PROTECTED = "/enterprises"


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 12, 1, 2, 0, 5)

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += dt.timedelta(**kw)

    def epoch(self):
        return self.now.replace(tzinfo=dt.timezone.utc).timestamp()


@pytest.fixture
def mfa_app(app_config):
    app = create_app({**app_config, "MFA_REQUIRED_FOR_ADMINS": True})
    app.clock = Clock()
    sessions.set_clock(app, app.clock)
    yield app
    app.extensions["evalsite_db"].engine.dispose()


def _code(app, secret):
    return pyotp.TOTP(secret).at(app.clock.epoch())


def _password(client, username="city"):
    return client.post("/login", data={"username": username, "password": PASSWORD})


def _enrol(app, client, username="city"):
    """Password, QR page, first code: signed in; returns (secret, recovery codes)."""
    resp = _password(client, username)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/enrol")
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and "手动输入密钥" in page
    with client.session_transaction() as sess:
        secret = sess[SECRET_KEY_IN_SESSION]
    assert re.sub(r"\s", "", re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1)) == secret
    done = client.post("/login/enrol", data={"code": _code(app, secret)})
    assert done.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


def test_enrolment_by_qr_then_password_then_code(mfa_app, world):
    client = mfa_app.test_client()
    assert _password(client).status_code == 302
    assert client.get(PROTECTED).status_code == 302  # the password alone opens nothing
    bad = client.post("/login/enrol", data={"code": "000000"})
    assert bad.status_code == 401 and "验证码不正确" in bad.get_data(as_text=True)
    secret, _codes = _enrol(mfa_app, mfa_app.test_client())
    other = mfa_app.test_client()
    mfa_app.clock.advance(seconds=60)
    resp = _password(other)
    assert resp.headers["Location"].endswith("/login/verify")
    assert other.get(PROTECTED).status_code == 302
    assert other.post("/login/verify", data={"code": _code(mfa_app, secret)}).status_code == 302
    assert other.get(PROTECTED).status_code == 200


def test_a_used_code_is_refused_on_replay(mfa_app, world):
    client = mfa_app.test_client()
    secret, _ = _enrol(mfa_app, client)
    used = _code(mfa_app, secret)  # accepted at enrolment
    thief = mfa_app.test_client()
    _password(thief)
    assert thief.post("/login/verify", data={"code": used}).status_code == 401
    mfa_app.clock.advance(seconds=30)
    assert thief.post("/login/verify", data={"code": _code(mfa_app, secret)}).status_code == 302
    again = mfa_app.test_client()
    _password(again)
    assert again.post("/login/verify", data={"code": _code(mfa_app, secret)}).status_code == 401


def test_a_code_from_the_previous_step_still_works_once(mfa_app, world):
    client = mfa_app.test_client()
    secret, _ = _enrol(mfa_app, client)
    mfa_app.clock.advance(seconds=60)
    late = pyotp.TOTP(secret).at(mfa_app.clock.epoch() - 30)  # typed as the phone moved on
    other = mfa_app.test_client()
    _password(other)
    assert other.post("/login/verify", data={"code": late}).status_code == 302
    mfa_app.clock.advance(seconds=300)
    stale = pyotp.TOTP(secret).at(mfa_app.clock.epoch() - 120)
    third = mfa_app.test_client()
    _password(third)
    assert third.post("/login/verify", data={"code": stale}).status_code == 401


def test_recovery_codes_open_one_login_each_and_are_stored_hashed(mfa_app, world, session):
    _secret, codes = _enrol(mfa_app, mfa_app.test_client())
    first = mfa_app.test_client()
    _password(first)
    assert first.post("/login/verify", data={"code": codes[0].upper()}).status_code == 302
    assert first.get(PROTECTED).status_code == 200
    second = mfa_app.test_client()
    _password(second)
    assert second.post("/login/verify", data={"code": codes[0]}).status_code == 401
    assert second.post("/login/verify", data={"code": codes[1].replace("-", "")}).status_code == 302
    session.expire_all()
    session.rollback()
    rows = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == world.city.id)).all()
    assert len(rows) == 10 and sum(1 for r in rows if r.used_at) == 2
    stored = " ".join(r.code_hash for r in rows)
    assert not any(c.replace("-", "") in stored or c in stored for c in codes)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "mfa_recovery_used")) is not None


def test_new_recovery_codes_replace_the_old_ones(mfa_app, world):
    client = mfa_app.test_client()
    _secret, old = _enrol(mfa_app, client)
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "剩余可用恢复码：10 个" in page
    fresh = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>",
                       client.post("/account/mfa/recovery").get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(old)
    other = mfa_app.test_client()
    _password(other)
    assert other.post("/login/verify", data={"code": old[0]}).status_code == 401
    assert other.post("/login/verify", data={"code": fresh[0]}).status_code == 302


def test_district_admins_need_it_and_other_roles_do_not(mfa_app, world):
    assert _password(mfa_app.test_client(), "district_a").headers["Location"].endswith("/login/enrol")
    for name in ("evaluator", "ent_a_union"):
        client = mfa_app.test_client()
        assert _password(client, name).headers["Location"] == "/"
        assert client.get("/").status_code == 200  # signed in with the password alone


def test_the_setting_is_off_in_tests_by_default(client, world):
    assert client.post("/login", data={"username": "city", "password": PASSWORD}).headers["Location"] == "/"


def test_the_step_between_password_and_code_expires(mfa_app, world):
    client = mfa_app.test_client()
    _password(client)
    mfa_app.clock.advance(minutes=6)
    resp = client.get("/login/enrol")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")


def test_wrong_codes_are_throttled_and_audited(app_config, world, session):
    app = create_app({**app_config, "MFA_REQUIRED_FOR_ADMINS": True, "RATELIMIT_ENABLED": True,
                      "MFA_RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    _password(client)
    codes = [client.post("/login/enrol", data={"code": "000000"}).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    session.rollback()
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "login_throttled")).details["per"] == \
        "second factor"


def test_an_administrator_resets_a_lost_second_factor(mfa_app, world, session):
    user_client = mfa_app.test_client()
    _enrol(mfa_app, user_client, "district_a")
    admin = mfa_app.test_client()
    login(admin, world.city)
    assert "重置两步验证" in admin.get(f"/users/{world.district_a.id}/edit").get_data(as_text=True)
    assert admin.post(f"/users/{world.district_a.id}/mfa/reset").status_code == 302
    assert user_client.get(PROTECTED).status_code == 302  # signed out everywhere
    session.expire_all()
    session.rollback()
    user = session.get(User, world.district_a.id)
    assert user.totp_secret is None and not user.has_totp
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert _password(mfa_app.test_client(), "district_a").headers["Location"].endswith("/login/enrol")
