"""Releases follow the answers themselves: the answer that completes a batch of 5 publishes it.

Figures must not depend on who opened which page first, so the release is
made after the fifth waiting answer is committed (once its reply is sent), not
when somebody looks. Two releases at once (two processes, or an answer and a
page) must never count an answer twice: on PostgreSQL, threads release the
same group at the same moment and exactly one release stands.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from evalsite.models import Submission, SurveyRelease
from evalsite.survey_data import releases
from tests.evalsite.survey_support import full_post, make_links
from tests.evalsite.test_survey_results import add


def released(session, world):
    session.rollback()
    return session.execute(select(SurveyRelease.number, SurveyRelease.answers)
                           .where(SurveyRelease.enterprise_id == world.ent_a.id,
                                  SurveyRelease.audience == "worker").order_by(SurveyRelease.number)).all()


def test_the_fifth_answer_makes_the_release_without_anybody_opening_a_page(app, client, session, world):
    links = make_links(app, session, world)
    token = links[(world.ent_a.id, "worker")].token
    for i in range(4):
        assert full_post(client, token)[0].status_code == 200
    assert released(session, world) == []  # 4 answers: nothing may be published
    assert full_post(client, token)[0].status_code == 200
    assert released(session, world) == [(1, 5)]
    for i in range(4):
        full_post(client, token)
    assert released(session, world) == [(1, 5)]  # 4 more: the counter only
    full_post(client, token)
    assert released(session, world) == [(1, 5), (2, 10)]
    assert session.scalar(select(func.count()).select_from(Submission).where(Submission.release_no.is_(None))) == 0


def test_after_answer_is_one_count_until_a_batch_is_complete(app, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 4)
    with app.app_context():
        assert releases.after_answer(session, world.campaign.id, world.ent_a.id, "worker") == 0
        add(session, world, world.ent_a, 1)
        assert releases.after_answer(session, world.campaign.id, world.ent_a.id, "worker") == 1
        assert releases.after_answer(session, world.campaign.id, world.ent_a.id, "worker") == 0
    assert released(session, world) == [(1, 5)]


@pytest.mark.pg
def test_two_releases_at_once_on_postgresql_make_one(app, session, world):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    make_links(app, session, world)
    for round_no in range(1, 6):
        add(session, world, world.ent_a, 7)
        start = threading.Barrier(4, timeout=30)
        made, errors = [], []

        def worker():
            try:
                with app.app_context(), Session(bind=session.get_bind()) as own:
                    start.wait()
                    made.append(releases.after_answer(own, world.campaign.id, world.ent_a.id, "worker"))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors and not any(t.is_alive() for t in threads)
        assert sum(made) == 1, made
        rows = released(session, world)
        assert [n for n, _ in rows] == list(range(1, round_no + 1))
        assert rows[-1][1] == 7 * round_no  # every answer published exactly once
        counted = session.scalar(select(func.count()).select_from(Submission)
                                 .where(Submission.enterprise_id == world.ent_a.id, Submission.audience == "worker",
                                        Submission.release_no.is_not(None)))
        assert counted == 7 * round_no
