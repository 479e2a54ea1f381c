"""The survey form's own CSRF check (survey_site/csrf.py): a random cookie and a token made for it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission
from evalsite.survey_site import csrf
from tests.evalsite.survey_support import WORKER_ANSWERS, hidden_fields, last_section, make_links


@pytest.fixture
def token(app, session, world):
    app.config["WTF_CSRF_ENABLED"] = True
    return make_links(app, session, world)[(world.ent_a.id, "worker")].token


def count(session) -> int:
    session.expire_all()
    session.rollback()
    return session.scalar(select(func.count()).select_from(Submission))


def _form(client, token):
    page = client.get(f"/s/{token}")
    data = {**hidden_fields(page.get_data(as_text=True)), "_sec": str(last_section()), "_nav": "next"}
    return page, {**data, **WORKER_ANSWERS}


def test_a_phone_gets_no_login_session_only_the_survey_cookie(client, token):
    page, _ = _form(client, token)
    cookies = page.headers.getlist("Set-Cookie")
    assert not any(c.startswith("session=") for c in cookies)  # nothing to open or re-sign per answer
    mine = [c for c in cookies if c.startswith(csrf.COOKIE + "=")][0]
    assert "Path=/s/" in mine and "HttpOnly" in mine and "SameSite=Lax" in mine and "Expires" not in mine


def test_the_token_and_its_cookie_submit(client, session, token):
    _, data = _form(client, token)
    resp = client.post(f"/s/{token}", follow_redirects=True, data=data)
    assert resp.status_code == 200 and "提交成功" in resp.get_data(as_text=True)
    assert count(session) == 1


def test_a_token_made_for_another_phone_is_refused_with_answers_kept(app, client, session, token):
    _, data = _form(client, token)
    other = app.test_client()
    _form(other, token)  # the other phone has a cookie of its own
    resp = other.post(f"/s/{token}", follow_redirects=True, data=data)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "安全校验已过期" in text and WORKER_ANSWERS["W18"][0] in text
    assert count(session) == 0


@pytest.mark.parametrize("sent", ["", "x", "123.abc", "9" * 13 + "." + "0" * 64, "12.34." + "0" * 64])
def test_malformed_tokens_are_refused(app, client, token, sent):
    _form(client, token)
    with app.test_request_context(f"/s/{token}", method="POST",
                                  headers={"Cookie": f"{csrf.COOKIE}={'a' * 22}"}):
        assert csrf.valid(sent) is False


def test_an_old_token_is_refused_and_a_fresh_page_gives_a_new_one(app, client, session, token, monkeypatch):
    _, data = _form(client, token)
    now = csrf.time.time()
    monkeypatch.setattr(csrf.time, "time", lambda: now + app.config.get("WTF_CSRF_TIME_LIMIT", 3600) + 5)
    resp = client.post(f"/s/{token}", follow_redirects=True, data=data)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "安全校验已过期" in text
    fresh = hidden_fields(text)["csrf_token"]
    assert fresh != data["csrf_token"]
    again = client.post(f"/s/{token}", follow_redirects=True, data={**data, "csrf_token": fresh})
    assert again.status_code == 200 and count(session) == 1
