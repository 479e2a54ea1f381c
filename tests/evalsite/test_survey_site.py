"""The public phone pages: paging, keeping answers, idempotent submit, bad input."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission, SurveyLink
from evalsite.timefmt import local_today
from surveys import default_definition
from tests.evalsite.survey_support import WORKER_ANSWERS, full_post, hidden_fields, make_links


@pytest.fixture
def links(app, session, world):
    return make_links(app, session, world)


@pytest.fixture
def token(links, world):
    return links[(world.ent_a.id, "worker")].token


def count(session, **where):
    session.expire_all()
    session.rollback()
    stmt = select(func.count()).select_from(Submission)
    for key, value in where.items():
        stmt = stmt.where(getattr(Submission, key) == value)
    return session.scalar(stmt)


def test_first_page_is_small_self_contained_and_shows_the_anonymity_notice(client, token):
    """Everything the page loads comes from this site (the style and script as cached static files)."""
    resp = client.get(f"/s/{token}")
    body = resp.get_data()
    text = body.decode()
    assert resp.status_code == 200
    assert len(body) <= 30 * 1024, len(body)
    loaded = re.findall(r'(?:src|href)="([^"]*)"', text)
    assert loaded and all(url.startswith(("/", "#", "?")) for url in loaded), loaded
    assert all(url.startswith("http://localhost/") for url in re.findall(r'content="(https?://[^"]*)"', text))
    assert "<script>" not in text and " style=" not in text and "<style" not in text  # CSP: no inline code
    assert "site.css" not in text
    assert text.index("不记录IP地址") < text.index('name="W01"')
    css = client.get(re.search(r'href="(/s/assets/survey.css[^"]*)"', text).group(1))
    assert css.status_code == 200 and "min-height:48px" in css.get_data(as_text=True)  # tap targets
    assert "<table" not in text


def test_walks_through_pages_keeping_answers_and_stores_one_submission(app, client, session, token, world):
    page = client.get(f"/s/{token}")
    fields = hidden_fields(page.get_data(as_text=True))
    definition = default_definition("worker")
    for index, section in enumerate(definition.sections):
        data = {**fields, "_nav": "next"}
        for name, values in re.findall(r'<input type="hidden" name="(W\w+)" value="([^"]*)"', page.get_data(as_text=True)):
            data.setdefault(name, [])
            data[name].append(values)
        for q in section.questions:
            data[q.code] = WORKER_ANSWERS[q.code]
        page = client.post(f"/s/{token}", follow_redirects=True, data=data)
        assert page.status_code == 200, page.get_data(as_text=True)[:2000]
        fields = hidden_fields(page.get_data(as_text=True)) or fields
    assert "提交成功" in page.get_data(as_text=True)
    assert count(session) == 1
    stored = session.scalar(select(Submission))
    assert stored.answers["W14"] == 5 and stored.answers["W06"] == ["A", "C"]
    assert stored.enterprise_id == world.ent_a.id and stored.audience == "worker"
    with app.app_context():  # the day in Beijing (TIMEZONE), not the machine's: after 16:00 UTC they differ
        assert stored.definition_hash == definition.hash and stored.submitted_on == local_today()


def test_back_button_keeps_answers_of_both_pages(client, token):
    page = client.get(f"/s/{token}")
    fields = hidden_fields(page.get_data(as_text=True))
    data = {**fields, "_nav": "next", **{c: WORKER_ANSWERS[c] for c in ("W01", "W02", "W03", "W04", "W05")}}
    second = client.post(f"/s/{token}", follow_redirects=True, data=data)
    assert 'name="W06"' in second.get_data(as_text=True)
    back = client.post(f"/s/{token}", follow_redirects=True, data={**hidden_fields(second.get_data(as_text=True)), "_nav": "back",
                                             "W01": "A", "W02": "C", "W03": "A", "W04": "A", "W05": "A",
                                             "W06": ["A", "C"], "W07": "A"})
    text = back.get_data(as_text=True)
    assert back.status_code == 200 and 'name="W01" value="A" checked' in text
    assert '<input type="hidden" name="W06" value="C">' in text and '<input type="hidden" name="W07" value="A">' in text


def test_missing_required_answer_is_marked_and_other_answers_kept(client, session, token):
    resp, _ = full_post(client, token, {**WORKER_ANSWERS, "W17": []})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "请回答此题" in text and 'name="W18"' in text and "希望加强工资集体协商" in text
    assert count(session) == 0


@pytest.mark.parametrize("code, value, message", [
    ("W17", ["A", "Z"], "选项无效"),
    ("W17", ["A", "B", "C", "D"], "最多选择3项"),
    ("W18", ["字" * 501], "不能超过500字"),
    ("W18", ["bad\x00text"], "控制字符"),
    ("W18", ["\ufffd\ufffd"], "无法识别的字符"),
    ("W16", ["A", "B"], "只能选择一项"),
])
def test_bad_answers_get_a_message_never_a_row(client, session, token, code, value, message):
    resp, _ = full_post(client, token, {**WORKER_ANSWERS, code: value})
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert count(session) == 0


def test_invalid_utf8_bytes_are_refused_with_a_message(client, session, token):
    page = client.get(f"/s/{token}")
    fields = hidden_fields(page.get_data(as_text=True))
    body = "&".join(f"{k}={v}" for k, v in {**fields, "_sec": "3", "_nav": "next"}.items())
    for code, values in WORKER_ANSWERS.items():
        if code != "W18":
            body += "".join(f"&{code}={v}" for v in values)
    resp = client.post(f"/s/{token}", follow_redirects=True, data=body.encode() + b"&W18=%FF%FEabc",
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and "无法识别的字符" in resp.get_data(as_text=True)
    assert count(session) == 0


def test_tampered_earlier_page_answer_returns_to_that_page(client, session, token):
    resp, _ = full_post(client, token, {**WORKER_ANSWERS, "W02": ["Q"]})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'name="W02"' in text and "选项无效" in text
    assert count(session) == 0


@pytest.mark.parametrize("field, value", [("_def", "0" * 64), ("_sec", "99"), ("_sec", "x"), ("_key", "short")])
def test_tampered_hidden_fields_give_a_message(client, session, token, field, value):
    resp, _ = full_post(client, token, **{field: value})
    assert resp.status_code == 400
    assert 'name="W01"' in resp.get_data(as_text=True)  # the form is shown again
    assert count(session) == 0


def test_number_question_out_of_range(app, client, session, world):
    from evalsite.models import Campaign
    from evalsite.survey_data import store as svc

    text = (default_definition("employer").canonical)
    import json

    import yaml

    data = json.loads(text)
    data["version"] = "test-number"
    data["sections"][0]["questions"].append({"code": "E99", "type": "number", "text": "您所在部门人数",
                                             "min": 1, "max": 5000, "required": True})
    campaign = session.get(Campaign, world.campaign.id)
    definition = svc.store_definition(session, yaml.safe_dump(data, allow_unicode=True), "test.yaml")
    svc.pin(campaign, definition)
    svc.ensure_links(session, campaign, [world.ent_a.id])
    session.commit()
    link = svc.current_link(session, campaign.id, world.ent_a.id, "employer")
    from tests.evalsite.survey_support import EMPLOYER_ANSWERS

    resp, _ = full_post(client, link.token, {**EMPLOYER_ANSWERS, "E99": ["9999"]}, audience="employer")
    assert resp.status_code == 400 and "请输入1到5000之间的整数" in resp.get_data(as_text=True)
    resp, _ = full_post(client, link.token, {**EMPLOYER_ANSWERS, "E99": ["３０"]}, audience="employer")
    assert resp.status_code == 200
    session.expire_all()
    session.rollback()
    assert session.scalar(select(Submission)).answers["E99"] == 30


def test_double_submit_and_replay_give_the_same_thanks_and_one_row(client, session, token):
    first, data = full_post(client, token)
    again = client.post(f"/s/{token}", follow_redirects=True, data=data)
    assert first.status_code == again.status_code == 200
    assert "提交成功" in again.get_data(as_text=True)
    assert count(session) == 1


def test_replayed_key_with_expired_csrf_still_gets_thanks(app, client, session, token):
    first, data = full_post(client, token)
    app.config["WTF_CSRF_ENABLED"] = True
    resp = app.test_client().post(f"/s/{token}", follow_redirects=True, data={**data, "csrf_token": "expired"})
    assert resp.status_code == 200 and "提交成功" in resp.get_data(as_text=True)
    assert count(session) == 1


def test_expired_csrf_rerenders_with_answers_and_a_fresh_token(app, client, session, token):
    app.config["WTF_CSRF_ENABLED"] = True
    resp, data = full_post(client, token, csrf_token="stale-token")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "已保留" in text
    assert "希望加强工资集体协商" in text
    fresh = hidden_fields(text)["csrf_token"]
    assert fresh and fresh != "stale-token"
    resp = client.post(f"/s/{token}", follow_redirects=True, data={**data, "csrf_token": fresh})
    assert resp.status_code == 200 and "提交成功" in resp.get_data(as_text=True)
    assert count(session) == 1


def test_lost_session_cookie_keeps_answers(app, client, token, session):
    app.config["WTF_CSRF_ENABLED"] = True
    _, data = full_post(client, token)  # the post succeeded or not: build a new client without the cookie
    other = app.test_client()
    resp = other.post(f"/s/{token}", follow_redirects=True, data={**data, "_key": "K" * 24})
    assert resp.status_code == 400 and "希望加强工资集体协商" in resp.get_data(as_text=True)


def test_oversized_body_is_413_in_chinese(client, session, token):
    resp, _ = full_post(client, token, {**WORKER_ANSWERS, "W18": ["x" * 100_000]})
    assert resp.status_code == 413 and "超过" in resp.get_data(as_text=True)
    assert count(session) == 0


def test_unknown_token_is_a_chinese_404(client, links):
    resp = client.get("/s/doesnotexist123")
    assert resp.status_code == 404 and "找不到这份问卷" in resp.get_data(as_text=True)
    assert client.post("/s/doesnotexist123", data={}).status_code == 404
    assert client.get("/s/" + "x" * 300).status_code == 404


@pytest.mark.parametrize("change, text", [
    ({"status": "closed"}, "已关闭"),
    ({"status": "rotated"}, "更换"),
    ({"opens_on": dt.date.today() + dt.timedelta(days=3)}, "尚未开始"),
    ({"closes_on": dt.date.today() - dt.timedelta(days=1)}, "截止"),
])
def test_unusable_links_answer_410(client, session, links, world, change, text):
    link = session.get(SurveyLink, links[(world.ent_a.id, "worker")].id)
    for key, value in change.items():
        setattr(link, key, value)
    session.commit()
    for resp in (client.get(f"/s/{link.token}"), client.post(f"/s/{link.token}", data={"_key": "k" * 24})):
        assert resp.status_code == 410
        body = resp.get_data(as_text=True)
        assert "此链接已失效" in body and text in body and "site.css" not in body


def test_device_cookie_asks_before_a_second_answer(client, session, token):
    full_post(client, token)
    page = client.get(f"/s/{token}")
    text = page.get_data(as_text=True)
    assert "已经提交过" in text and 'name="W01"' not in text
    again = client.get(f"/s/{token}?again=1")
    assert 'name="W01"' in again.get_data(as_text=True)
    second, _ = full_post(client, token)
    assert second.status_code == 200
    assert count(session) == 2  # a colleague borrowing the phone is allowed; ballots are the hard limit


def test_device_cookie_holds_no_identity(client, token):
    resp, _ = full_post(client, token)
    cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("sdone=")][0]
    assert token not in cookie.split(";")[0] and "Path=/s/" in cookie and "HttpOnly" in cookie


def test_daily_cap_per_link_keeps_answers(client, session, links, world):
    link = session.get(SurveyLink, links[(world.ent_a.id, "worker")].id)
    link.daily_cap = 2
    session.commit()
    for _ in range(2):
        assert full_post(client, link.token)[0].status_code == 200
    resp, _ = full_post(client, link.token)
    assert resp.status_code == 429 and "上限" in resp.get_data(as_text=True)
    assert "希望加强工资集体协商" in resp.get_data(as_text=True)
    assert count(session) == 2


def test_employer_link_records_employer_audience(client, session, links, world):
    resp, _ = full_post(client, links[(world.ent_b.id, "employer")].token, audience="employer")
    assert resp.status_code == 200
    assert count(session, audience="employer", enterprise_id=world.ent_b.id) == 1


def test_hidden_questions_are_not_required_and_not_stored(client, session, token):
    answers = {**WORKER_ANSWERS, "W07": ["B"], "W08": [], "W09": [], "W10": [], "W06": ["H"], "W11": []}
    resp, _ = full_post(client, token, answers)
    assert resp.status_code == 200
    session.expire_all()
    session.rollback()
    stored = session.scalar(select(Submission)).answers
    assert "W08" not in stored and "W11" not in stored


def test_survey_logs_carry_neither_token_nor_ip(client, token, caplog):
    import logging

    from evalsite.logging_filters import AnonymisingFilter

    caplog.set_level(logging.DEBUG)
    full_post(client, token, {**WORKER_ANSWERS, "W17": []})
    full_post(client, token)
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '127.0.0.1 - - "POST /s/%s HTTP/1.1" 200 -', (token,), None)
    AnonymisingFilter().filter(record)
    for message in [r.getMessage() for r in caplog.records] + [record.getMessage()]:
        assert token not in message and "127.0.0.1" not in message
