"""The final submit's short path: the unique key decides, the link read once per process and checked
again by the INSERT itself, one counter statement (or Redis)."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from evalsite.models import Enrolment, Submission, SubmissionCounter, SurveyLink
from evalsite.survey_data import submit
from evalsite.survey_site.pages import undecodable
from tests.evalsite.survey_support import WORKER_ANSWERS, full_post, hidden_fields, make_links


@pytest.fixture
def links(app, session, world):
    return make_links(app, session, world)


@pytest.fixture
def token(links, world):
    return links[(world.ent_a.id, "worker")].token


def count(session) -> int:
    session.expire_all()
    session.rollback()
    return session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize("change", [
    {"_nav": "back"},  # going back
    {"_sec": "0"},  # moving on to the next page
    {"W17": []},  # an answer now missing
    {"_def": "0" * 64},  # the definition changed meanwhile
])
def test_a_stored_key_gets_the_thanks_whatever_page_it_comes_back_on(client, session, token, change):
    first, data = full_post(client, token)
    assert first.status_code == 200
    again = client.post(f"/s/{token}", follow_redirects=True, data={**data, **change})
    assert again.status_code == 200 and "提交成功" in again.get_data(as_text=True)
    assert count(session) == 1


def _statements(app, client, token, data):
    """The answer to the POST and the statements it ran (besides transaction control and the pool's ping).

    On PostgreSQL they are seen at the driver's cursor, so the answer's own statement, which goes to the
    driver without SQLAlchemy (``submit._insert_alone``), is counted like every other."""
    statements = []
    engine = app.extensions["evalsite_db"].engine

    def seen(statement):
        statement = str(statement)
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK") and statement.strip().upper() not in ("SELECT 1", ";"):
            statements.append(" ".join(statement.split()))

    if engine.dialect.name == "postgresql":
        import psycopg

        original = psycopg.Cursor.execute

        def execute(cursor, query, *args, **kwargs):
            seen(query)
            return original(cursor, query, *args, **kwargs)

        psycopg.Cursor.execute = execute
        try:
            resp = client.post(f"/s/{token}", data=data)
        finally:
            psycopg.Cursor.execute = original
        return resp, statements

    def on_execute(conn, cursor, statement, *args):
        seen(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        resp = client.post(f"/s/{token}", data=data)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return resp, statements


def test_happy_path_runs_two_statements_without_redis(app, client, session, token):
    _, data = full_post(client, token, _key="K" * 24)  # the first answer read the link
    resp, statements = _statements(app, client, token, {**data, "_key": "L" * 24})
    assert resp.status_code == 303 and resp.headers["Location"] == f"/s/{token}/thanks"  # post/redirect/get
    # the guarded insert (it reads the link itself), the counter upsert
    assert len(statements) == 2 and statements[0].startswith("INSERT INTO submission") \
        and "FROM survey_link JOIN campaign" in statements[0], statements
    assert "提交成功" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert count(session) == 2


def test_public_link_reads_what_the_pages_need(session, links, world):
    link = links[(world.ent_a.id, "worker")]
    found = submit.public_link(session, link.token)
    assert (found.id, found.token, found.audience, found.status) == (link.id, link.token, "worker", "open")
    assert found.definition_hash == world.campaign.worker_definition_hash
    employer = submit.public_link(session, links[(world.ent_a.id, "employer")].token)
    assert employer.definition_hash == world.campaign.employer_definition_hash
    assert submit.public_link(session, "no-such-token") is None


def test_cap_is_three_per_head_from_enrolment_then_enterprise_or_the_link(session, links, world):
    token = links[(world.ent_a.id, "worker")].token
    assert submit.public_link(session, token).cap == 3 * 320
    session.execute(Enrolment.__table__.update().where(Enrolment.enterprise_id == world.ent_a.id).values(headcount=0))
    world.ent_a.headcount = 400
    session.commit()
    assert submit.public_link(session, token).cap == 3 * 400  # no enrolment headcount: the enterprise's
    world.ent_a.headcount = 10
    session.commit()
    assert submit.public_link(session, token).cap == 200  # at least 200
    session.get(SurveyLink, links[(world.ent_a.id, "worker")].id).daily_cap = 7
    session.commit()
    assert submit.public_link(session, token).cap == 7


def test_db_counter_is_per_link_and_stops_at_the_cap(client, session, links, world):
    link = session.get(SurveyLink, links[(world.ent_a.id, "worker")].id)
    link.daily_cap = 3
    session.commit()
    other = links[(world.ent_b.id, "worker")].token
    for _ in range(3):
        assert full_post(client, link.token)[0].status_code == 200
    assert full_post(client, other)[0].status_code == 200
    assert full_post(client, link.token)[0].status_code == 429
    session.expire_all()
    session.rollback()
    counts = {c.link_id: c.count for c in session.scalars(select(SubmissionCounter))}
    assert counts[link.id] == 3 and counts[links[(world.ent_b.id, "worker")].id] == 1  # the refused one rolled back
    assert count(session) == 4


def test_thanks_page_is_per_link_with_a_fresh_cookie_each_time(client, links, world):
    cookies = []
    for ent in (world.ent_a, world.ent_b, world.ent_a):
        token = links[(ent.id, "worker")].token
        resp, _ = full_post(client, token)
        text = resp.get_data(as_text=True)
        assert resp.status_code == 200 and "提交成功" in text and token not in text
        cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("sdone=")][0]
        assert f"Path=/s/{token}" in cookie
        cookies.append(cookie.split(";")[0])
    assert len(set(cookies)) == 3


def test_undecodable_names_only_the_bad_fields():
    assert undecodable(b"W01=A&W18=%E5%B8%8C%E6%9C%9B+ok&W06=A&W06=C") == set()
    assert undecodable(b"W01=A&W18=%FF%FEabc&W17=%E5%B8") == {"W18", "W17"}
    assert undecodable(b"W18=%E5&W19=%B8%8C") == {"W18", "W19"}  # halves of one character in two fields


def test_a_later_page_error_does_not_block_moving_on(client, session, token):
    """Answers of later pages travel along (after going back); only this page's are judged."""
    page = client.get(f"/s/{token}?again=1").get_data(as_text=True)
    data = {**hidden_fields(page), "_sec": "0", "_nav": "next",
            **{c: WORKER_ANSWERS[c] for c in ("W01", "W02", "W03", "W04", "W05")}, "W17": ["Z"]}
    resp = client.post(f"/s/{token}", follow_redirects=True, data=data)
    assert resp.status_code == 200 and 'name="W06"' in resp.get_data(as_text=True)
    assert count(session) == 0


def test_with_redis_an_answer_is_one_statement(app, client, session, token):
    from tests.evalsite.test_survey_stuffing import _redis_or_skip

    redis_client = _redis_or_skip(app)
    _, data = full_post(client, token, _key="K" * 24)
    resp, statements = _statements(app, client, token, {**data, "_key": "L" * 24})
    assert resp.status_code == 303 and len(statements) == 1 and statements[0].startswith("INSERT"), statements
    again, statements = _statements(app, client, token, {**data, "_key": "L" * 24})  # a retry: not counted twice
    assert again.status_code == 303 and again.headers["Location"] == f"/s/{token}/thanks"
    day = [k for k in redis_client.keys("survey:cap:*")]
    assert len(day) == 1 and int(redis_client.get(day[0])) == 2  # the two answers stored, not the retry
    assert count(session) == 2
    redis_client.flushdb()


def _link_row(session, world, **values):
    session.expire_all()
    session.rollback()  # leave the read snapshot from before the requests (SQLite)
    row = session.scalars(select(SurveyLink).where(SurveyLink.enterprise_id == world.ent_a.id,
                                                   SurveyLink.audience == "worker")).one()
    for name, value in values.items():
        setattr(row, name, value)
    session.commit()
    return row


def test_a_link_closed_after_this_process_read_it_refuses_at_once(client, session, token, world):
    assert full_post(client, token)[0].status_code == 200  # the link is now in this process's copy
    _link_row(session, world, status="closed")
    resp, _ = full_post(client, token)
    assert resp.status_code == 410 and "问卷已关闭" in resp.get_data(as_text=True)
    assert count(session) == 1


def test_a_closing_date_past_refuses_although_the_link_was_read_before(client, session, token, world):
    import datetime as dt

    assert full_post(client, token)[0].status_code == 200
    _link_row(session, world, closes_on=dt.date(2020, 1, 1))
    resp, _ = full_post(client, token)
    assert resp.status_code == 410 and "截止" in resp.get_data(as_text=True)
    assert count(session) == 1


def test_ballots_required_after_the_link_was_read_asks_for_a_code(client, session, token, world):
    assert full_post(client, token)[0].status_code == 200
    _link_row(session, world, ballots_required=True)
    resp, data = full_post(client, token)
    assert resp.status_code == 400 and "作答码" in resp.get_data(as_text=True)
    assert WORKER_ANSWERS["W18"][0] in resp.get_data(as_text=True)  # nothing typed is lost
    assert count(session) == 1


def test_a_cap_lowered_after_the_link_was_read_holds_at_once(client, session, token, world):
    assert full_post(client, token)[0].status_code == 200
    _link_row(session, world, daily_cap=1)
    resp, _ = full_post(client, token)
    assert resp.status_code == 429 and count(session) == 1


def test_a_rotated_link_refuses_and_its_successor_answers(client, session, token, world):
    from evalsite.survey_data import store

    assert full_post(client, token)[0].status_code == 200
    fresh = store.rotate(session, _link_row(session, world))
    session.commit()
    resp, _ = full_post(client, token)
    assert resp.status_code == 410 and "更换问卷链接" in resp.get_data(as_text=True)
    assert full_post(client, fresh.token)[0].status_code == 200
    assert count(session) == 2
