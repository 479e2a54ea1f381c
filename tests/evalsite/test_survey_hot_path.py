"""The public answer's hot path: releases off the request, the Redis counter, a dead pooled connection.

What the benchmark (bench/bench_submit.py) made faster must still keep every promise: a release
publishes at least five answers and never counts one twice, figures follow the answers without
anybody opening a page, a Redis that forgot its script or dropped the connection refuses nothing,
and the anonymous survey never touches Flask's session (no ``Vary: Cookie``, no session cookie).
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission, SurveyRelease
from evalsite.survey_data import limits, releaser
from tests.evalsite.survey_support import full_post, make_links
from tests.evalsite.test_survey_stuffing import _redis_or_skip


def releases_of(session, world):
    session.rollback()
    return session.execute(select(SurveyRelease.number, SurveyRelease.answers)
                           .where(SurveyRelease.enterprise_id == world.ent_a.id, SurveyRelease.audience == "worker")
                           .order_by(SurveyRelease.number)).all()


def unreleased(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(Submission).where(Submission.release_no.is_(None)))


def wait_for(condition, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_only_every_fifth_answer_asks_for_a_release_and_the_thread_makes_it(app, client, session, world,
                                                                            monkeypatch):
    app.config["SURVEY_RELEASE_DELAY"] = 0.2
    asked = []
    background = releaser.releaser(app)
    original = background.ask
    monkeypatch.setattr(background, "ask", lambda group: (asked.append(group), original(group)))
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    for _ in range(4):
        assert full_post(client, token)[0].status_code == 200
    assert asked == [] and releases_of(session, world) == []
    full_post(client, token)
    group = (world.campaign.id, world.ent_a.id, "worker")
    assert asked == [group]
    assert wait_for(lambda: releases_of(session, world) == [(1, 5)])  # nobody opened a page
    for _ in range(5):
        full_post(client, token)
    assert asked == [group, group]
    assert wait_for(lambda: releases_of(session, world) == [(1, 5), (2, 10)])
    assert unreleased(session) == 0


def test_asks_gathered_before_the_thread_wakes_make_one_release_of_every_waiting_answer(app, client, session,
                                                                                        world):
    app.config["SURVEY_RELEASE_DELAY"] = 30  # the thread sleeps through the test; drain() stands for its waking
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    for _ in range(15):
        full_post(client, token)
    background = releaser.releaser(app)
    assert releases_of(session, world) == []  # three asks, none made yet
    assert background.drain() == 1
    assert releases_of(session, world) == [(1, 15)]  # one release, every waiting answer, still at least five
    assert background.drain() == 0  # nothing asked since


def test_a_failing_release_leaves_the_answers_waiting_for_the_next(app, client, session, world, monkeypatch):
    from evalsite.survey_data import releases

    app.config["SURVEY_RELEASE_DELAY"] = 30
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    for _ in range(5):
        full_post(client, token)
    background = releaser.releaser(app)
    monkeypatch.setattr(releases, "release_now", lambda *group: 1 / 0)
    assert background.drain() == 0  # logged, not raised: the thread lives on
    monkeypatch.undo()
    assert unreleased(session) == 5 and releases_of(session, world) == []
    for _ in range(5):
        full_post(client, token)
    assert background.drain() == 1 and releases_of(session, world) == [(1, 10)]


def test_the_release_delay_setting_is_checked(monkeypatch):
    from evalsite.config import ConfigError, _release_delay

    assert _release_delay("inline") is None and _release_delay("1.5") == 1.5
    for bad in ("soon", "-1", "3600"):
        with pytest.raises(ConfigError):
            _release_delay(bad)


def test_the_survey_never_touches_flasks_session(app, client, session, world):
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    page = client.get(f"/s/{token}")
    resp, _ = full_post(client, token)
    for answer in (page, resp, client.get(f"/s/{token}/thanks")):
        assert "Cookie" not in answer.headers.get("Vary", ""), answer.headers
        assert not any(c.startswith("session=") for c in answer.headers.getlist("Set-Cookie"))
    assert "Cookie" in client.get("/login").headers.get("Vary", "")  # the staff pages keep theirs


def test_redis_that_forgot_the_script_or_dropped_the_connection_refuses_nothing(app, client, session, world):
    redis_client = _redis_or_skip(app)
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    assert full_post(client, token)[0].status_code == 200
    redis_client.script_flush()  # a restarted Redis: EVALSHA fails, EVAL loads it again
    assert full_post(client, token)[0].status_code == 200
    with app.app_context():
        counter = limits.redis_counter()
    redis_client.client_kill_filter(_type="normal", skipme=True)  # every connection but ours: the counter's
    assert full_post(client, token)[0].status_code == 200  # reconnected once
    day = redis_client.keys("survey:cap:*")
    assert len(day) == 1 and int(redis_client.get(day[0])) == 3
    assert counter is not None
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Submission)) == 3
    redis_client.flushdb()


@pytest.mark.pg
def test_a_dead_pooled_connection_is_replaced_and_the_answer_stored(app, client, session, world):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    redis_client = _redis_or_skip(app)
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    assert full_post(client, token)[0].status_code == 200
    with app.app_context():
        from evalsite.db import db

        engine = db.autocommit_engine()
    pooled = engine.raw_connection()
    pid = pooled.driver_connection.info.backend_pid
    pooled.close()  # back to the pool: the next answer takes this connection
    session.rollback()
    session.execute(select(func.pg_terminate_backend(pid)))
    session.commit()
    assert full_post(client, token)[0].status_code == 200
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Submission)) == 2
    redis_client.flushdb()


def test_with_a_release_process_the_web_process_only_hands_the_groups_over(app, client, session, world):
    from evalsite.survey_data import release_process

    redis_client = _redis_or_skip(app)
    app.config["SURVEY_RELEASE_DELAY"] = 30  # drain() stands for the thread's waking
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    for _ in range(5):
        full_post(client, token)
    background = releaser.releaser(app)
    background.drain()  # no release process: the web process released the batch itself
    assert releases_of(session, world) == [(1, 5)]
    release_process.run(app, once=True)  # one round of `flask survey-releaser`: its heartbeat is now set
    assert redis_client.exists(release_process.ALIVE)
    for _ in range(5):
        full_post(client, token)
    assert background.drain() == 0  # handed over, not made here
    assert redis_client.smembers(release_process.PENDING) == {f"{world.campaign.id}:{world.ent_a.id}:worker".encode()}
    assert releases_of(session, world) == [(1, 5)]
    assert release_process.run(app, once=True) == 1
    assert releases_of(session, world) == [(1, 5), (2, 10)] and not redis_client.smembers(release_process.PENDING)
    redis_client.delete(release_process.ALIVE)  # the process stopped: the web process releases again
    for _ in range(5):
        full_post(client, token)
    assert background.drain() == 1 and releases_of(session, world) == [(1, 5), (2, 10), (3, 15)]
    redis_client.flushdb()


def test_the_release_process_refuses_to_start_without_redis(app):
    from evalsite.survey_data import release_process

    app.config["REDIS_URL"] = None
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        release_process.run(app, once=True)


def test_flask_survey_releaser_keeps_a_heartbeat_and_stops_cleanly_on_sigterm(app, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from evalsite.survey_data import release_process
    from tests.evalsite.test_survey_stuffing import TEST_REDIS_URL

    redis_client = _redis_or_skip(app)
    flask = str(Path(sys.executable).with_name("flask"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "REDIS_URL": TEST_REDIS_URL,
           "SECRET_KEY": "test-secret-key-0123456789", "EVALSITE_ENV": "development"}
    proc = subprocess.Popen([flask, "--app", "evalsite:create_app()", "survey-releaser"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: redis_client.exists(release_process.ALIVE), 30), proc.stderr.read() if proc.poll() else ""
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "问卷结果发布进程已停止" in err and not redis_client.exists(release_process.ALIVE)
    redis_client.flushdb()
