"""Stuffing: a per-link burst limit besides the daily cap (the database or Redis), and ballot slips with a QR code."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission, SurveyLink
from evalsite.survey_data import limits as survey_limits
from evalsite.survey_data import store as svc
from evalsite.survey_data import submit
from surveys import ballots, default_definition
from tests.evalsite.survey_support import WORKER_ANSWERS, full_post, hidden_fields, make_links

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def links(app, session, world):
    return make_links(app, session, world)


def count(session, link=None) -> int:
    session.expire_all()
    session.rollback()
    stmt = select(func.count()).select_from(Submission)
    if link is not None:
        stmt = stmt.where(Submission.enterprise_id == link.enterprise_id, Submission.audience == link.audience)
    return session.scalar(stmt)


class Clock:
    """Stands in for time.time() in the limits module, so the next minute comes at once."""

    def __init__(self, monkeypatch, start=1_800_000_000.0):
        self.now = start
        monkeypatch.setattr(survey_limits.time, "time", lambda: self.now)


def _fill_the_minute(client, session, link):
    limit = submit.public_link(session, link.token).burst
    session.rollback()
    for _ in range(limit):
        assert full_post(client, link.token)[0].status_code == 200
    return limit


def _assert_refused_with_answers_kept(resp, data):
    text = resp.get_data(as_text=True)
    assert resp.status_code == 429
    assert "一分钟内收到的答卷太多" in text and "您的答案都已保留" in text
    assert WORKER_ANSWERS["W18"][0] in text  # the free text typed on this page is back in its box
    kept = hidden_fields(text)
    assert kept["_key"] == data["_key"] and kept["_sec"] == data["_sec"]  # a retry is the same answer


def test_burst_is_refused_with_answers_kept_then_accepted_next_minute(monkeypatch, client, session, links, world):
    clock = Clock(monkeypatch)
    link, other = links[(world.ent_a2.id, "worker")], links[(world.ent_b.id, "worker")]
    limit = _fill_the_minute(client, session, link)
    assert limit == 30  # 180 workers: the minimum of surveys/settings.yaml
    resp, data = full_post(client, link.token)
    _assert_refused_with_answers_kept(resp, data)
    assert count(session, link) == limit
    assert full_post(client, other.token)[0].status_code == 200  # per link, not per phone or address
    clock.now += 60
    again = client.post(f"/s/{link.token}", follow_redirects=True, data=data)
    assert again.status_code == 200 and "提交成功" in again.get_data(as_text=True)
    assert count(session, link) == limit + 1


def test_the_burst_is_shared_by_every_process_through_the_database(monkeypatch, app_config, client, session,
                                                                    links, world):
    """Two app instances (two gunicorn workers, or two machines) on one database, no Redis: one limit."""
    from evalsite import create_app

    Clock(monkeypatch)
    link = links[(world.ent_a2.id, "worker")]
    limit = submit.public_link(session, link.token).burst
    session.rollback()
    other = create_app(app_config).test_client()
    for i in range(limit):
        assert full_post(client if i % 2 else other, link.token)[0].status_code == 200
    assert full_post(client, link.token)[0].status_code == 429
    assert full_post(other, link.token)[0].status_code == 429
    assert count(session, link) == limit


def test_the_database_keeps_no_time_of_an_answer(monkeypatch, app, client, session, links, world):
    """The minute window is an HMAC of (link, minute) under the secret key: no time in the row."""
    from evalsite.models import SubmissionCounter

    clock = Clock(monkeypatch)
    link = links[(world.ent_a2.id, "worker")]
    full_post(client, link.token)
    session.rollback()
    row = session.scalars(select(SubmissionCounter).where(SubmissionCounter.link_id == link.id)).one()
    minute = int(clock.now // 60)
    assert row.count == 1 and row.window_count == 1
    assert str(minute) not in row.window_tag and len(row.window_tag) == 16
    with app.app_context():
        assert row.window_tag == survey_limits.window_tag(link.id, minute)
    clock.now += 60
    full_post(client, link.token)
    session.rollback()
    row = session.scalars(select(SubmissionCounter).where(SubmissionCounter.link_id == link.id)).one()
    assert (row.count, row.window_count) == (2, 1)  # a new minute starts a new window


@pytest.mark.pg
def test_concurrent_answers_from_two_instances_never_pass_the_burst_on_postgresql(monkeypatch, app_config, app,
                                                                                   session, links, world):
    import threading

    from evalsite import create_app
    from tests.evalsite.survey_support import last_section

    Clock(monkeypatch)
    link = links[(world.ent_a2.id, "worker")]
    limit = submit.public_link(session, link.token).burst
    session.rollback()
    apps = [app, create_app(app_config)]
    clients = [a.test_client() for a in apps]
    forms = []
    for c in clients:  # the pages are read before the threads start
        fields = hidden_fields(c.get(f"/s/{link.token}?again=1").get_data(as_text=True))
        forms.append({**fields, "_sec": str(last_section()), "_nav": "next", **WORKER_ANSWERS})
    start = threading.Barrier(2, timeout=30)
    statuses: list = []

    def phone(i):
        start.wait()
        for j in range(limit):
            data = {**forms[i], "_key": f"k{i}x{j}".ljust(20, "x")}
            resp = clients[i].post(f"/s/{link.token}", data=data)
            where = resp.headers.get("Location", "")
            statuses.append("thanks" if where.endswith("/thanks") else (i, resp.status_code, where))

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    refused = [s for s in statuses if s != "thanks"]
    assert statuses.count("thanks") == limit and len(refused) == limit, statuses
    assert all(code == 303 and f"/s/{link.token}?p=" in where for _, code, where in refused)  # back to the page
    i, _, where = refused[0]
    assert clients[i].get(where).status_code == 429  # which says why, the answers kept
    assert count(session, link) == limit


def test_burst_follows_a_cap_raised_by_hand(session, links, world):
    row = session.get(SurveyLink, links[(world.ent_a2.id, "worker")].id)
    row.daily_cap = 9000
    session.commit()
    assert submit.public_link(session, row.token).burst == 300


def _redis_or_skip(app):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=0.5)
    try:
        client.flushdb()
    except redis.RedisError:
        pytest.skip(f"Redis not reachable at {TEST_REDIS_URL}")
    app.config["REDIS_URL"] = TEST_REDIS_URL
    return client


def test_burst_with_redis_is_shared_and_expires(monkeypatch, app, client, session, links, world):
    redis_client = _redis_or_skip(app)
    clock = Clock(monkeypatch)
    link = links[(world.ent_a2.id, "worker")]
    limit = _fill_the_minute(client, session, link)
    app.extensions.pop("survey_burst", None)  # another process: its memory is empty, Redis still counts
    resp, data = full_post(client, link.token)
    _assert_refused_with_answers_kept(resp, data)
    key = f"survey:burst:{link.id}:{int(clock.now // 60)}"
    assert int(redis_client.get(key)) == limit + 1 and 0 < redis_client.ttl(key) <= 120
    assert all(str(link.token) not in k.decode() for k in redis_client.keys("*"))  # keyed by link id only
    clock.now += 60
    assert client.post(f"/s/{link.token}", follow_redirects=True, data=data).status_code == 200
    redis_client.flushdb()


def test_redis_down_falls_back_to_the_database(monkeypatch, app, client, session, links, world):
    Clock(monkeypatch)
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    link = links[(world.ent_a2.id, "worker")]
    limit = _fill_the_minute(client, session, link)
    assert full_post(client, link.token)[0].status_code == 429
    assert count(session, link) == limit


# ---------------------------------------------------------------- ballot codes

@pytest.fixture
def ballot_link(links, world, session):
    link = session.get(SurveyLink, links[(world.ent_a.id, "worker")].id)
    codes = svc.issue_ballots(session, link, 3)
    session.commit()
    return link, codes


def _first_page(client, token, ballot, **answers):
    page = client.get(f"/s/{token}?again=1")
    data = {**hidden_fields(page.get_data(as_text=True)), "_sec": "0", "_nav": "next", "_ballot": ballot}
    first = default_definition("worker").sections[0]
    data.update({q.code: WORKER_ANSWERS[q.code] for q in first.questions}, **answers)
    return client.post(f"/s/{token}", follow_redirects=True, data=data)


@pytest.mark.parametrize("typed, words", [
    ("", "请输入纸条上的8位作答码"),
    ("ACE", "您输入了3位"),
    ("ACEF HJK0", "不会出现“0”"),
    ("ＡＣＥＦ😀", "不会出现“😀”"),
    ("x" * 40, "作答码"),
    ("ACEFHJKM", "没有找到这个作答码"),
])
def test_malformed_or_unknown_ballot_code_keeps_the_page_answers(client, session, ballot_link, typed, words):
    link, _ = ballot_link
    resp = _first_page(client, link.token, typed)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 400 and words in text
    assert 'value="A" checked' in text  # W01 as answered
    assert 'aria-invalid="true"' in text or 'class="bad"' in text
    assert count(session) == 0


def test_used_ballot_code_is_named_on_the_first_page_and_at_submit(client, session, ballot_link):
    link, codes = ballot_link
    assert full_post(client, link.token, _ballot=codes[0])[0].status_code == 200
    first = _first_page(client, link.token, codes[0].lower())
    assert first.status_code == 400 and "这个作答码已使用过" in first.get_data(as_text=True)
    late, _ = full_post(client, link.token, _ballot=ballots.grouped(codes[0]))  # used by another phone meanwhile
    text = late.get_data(as_text=True)
    assert late.status_code == 400 and "这个作答码已使用过" in text and WORKER_ANSWERS["W18"][0] in text
    assert count(session) == 1


def test_a_slip_link_fills_the_code_in_and_skips_the_already_answered_question(client, session, ballot_link):
    link, codes = ballot_link
    assert full_post(client, link.token, _ballot=codes[0])[0].status_code == 200  # this phone answered once
    page = client.get(f"/s/{link.token}?b={ballots.grouped(codes[1]).lower()}")
    assert page.status_code == 200 and f'value="{codes[1]}"' in page.get_data(as_text=True)
    weird = client.get(f"/s/{link.token}?b=%F0%9F%98%80{'9' * 300}")
    assert weird.status_code == 200 and 'name="_ballot"' in weird.get_data(as_text=True)


def test_printed_slip_qr_opens_the_survey_with_its_code(app, login_as, session, world, links, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("poppler-utils and zbar-tools are needed")
    link = links[(world.ent_a.id, "worker")]
    client = login_as(world.ent_a_union)
    sheet = client.post(f"/surveys/links/{link.id}/ballots", data={"count": "4"})
    assert sheet.status_code == 200
    (tmp_path / "slips.pdf").write_bytes(sheet.data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(tmp_path / "slips.pdf"),
                    str(tmp_path / "page")], check=True, capture_output=True)
    png = next(tmp_path.glob("page*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True).stdout.split()
    assert len(out) == 4 and len(set(out)) == 4
    printed = subprocess.run(["pdftotext", str(tmp_path / "slips.pdf"), "-"], capture_output=True, text=True).stdout
    for url in out:
        parts = urlsplit(url)
        assert url.startswith(f"http://localhost/s/{link.token}?b=")
        code = parts.query.split("=", 1)[1]
        assert re.fullmatch(f"[{ballots.ALPHABET}]{{8}}", code) and ballots.grouped(code) in printed
    phone = app.test_client()  # a worker's phone, no account
    parts = urlsplit(out[0])
    page = phone.get(f"{parts.path}?{parts.query}")
    code = parts.query.split("=", 1)[1]
    assert f'value="{code}"' in page.get_data(as_text=True)
    assert full_post(phone, link.token, _ballot=code)[0].status_code == 200
    assert count(session) == 1
