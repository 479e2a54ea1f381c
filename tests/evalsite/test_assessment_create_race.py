"""Two first visits at once create one assessment, and neither request fails.

``find_assessment(..., create=True)`` reads, then inserts: two requests opening the same
enterprise's self-assessment together both miss the row and both insert, and the unique index
refuses the second. The insert runs in a SAVEPOINT, so the refused request re-reads the row the
other one made and goes on with its own earlier work intact (``db.insert_or_reread``). The first
visit of a campaign also pins its indicator system, a row of its own made the same way.
"""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from evalsite.assessments import results as evaluation
from evalsite.assessments.service import find_assessment
from evalsite.models import Assessment, Campaign, Enterprise, User


def _rows(session, world, kind="self"):
    session.rollback()
    return session.scalars(select(Assessment.id).where(Assessment.campaign_id == world.campaign.id,
                                                       Assessment.enterprise_id == world.ent_a.id,
                                                       Assessment.kind == kind)).all()


@pytest.mark.parametrize("kind", ["self", "external"])
def test_a_lost_race_returns_the_other_requests_row_and_keeps_the_requests_work(world, session, monkeypatch, kind):
    evaluator = world.evaluator if kind == "external" else None
    real = evaluation.system_for

    def other_request_inserts_meanwhile(sess, campaign):
        system = real(sess, campaign)  # between our read and our insert, the twin appears
        sess.execute(insert(Assessment).values(campaign_id=campaign.id, enterprise_id=world.ent_a.id, kind=kind,
                                               evaluator_id=evaluator.id if evaluator else None,
                                               system_hash=system.hash, status="draft"))
        return system

    world.ent_a.address = "威海市环翠区测试路1号"  # the request's own work before the step
    monkeypatch.setattr(evaluation, "system_for", other_request_inserts_meanwhile)
    found = find_assessment(session, world.campaign, world.ent_a, kind, evaluator, create=True)
    monkeypatch.undo()
    assert found is not None and found.id is not None
    session.commit()
    assert _rows(session, world, kind) == [found.id]
    assert session.get(Enterprise, world.ent_a.id).address == "威海市环翠区测试路1号"


def test_a_refusal_that_is_not_a_lost_race_still_raises(world, session, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    monkeypatch.setattr(evaluation, "system_for", lambda sess, campaign: type("S", (), {"hash": None})())
    with pytest.raises(IntegrityError):  # system_hash is NOT NULL: no twin to fall back on
        find_assessment(session, world.campaign, world.ent_a, create=True)
    session.rollback()


def _pg(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")


def _own(session):
    return Session(bind=session.get_bind(), expire_on_commit=False)


def _find(own, world, kind="self", evaluator=None):
    return find_assessment(own, own.get(Campaign, world.campaign.id), own.get(Enterprise, world.ent_a.id), kind,
                           own.get(User, evaluator.id) if evaluator else None, create=True)


@pytest.mark.pg
def test_the_second_insert_waits_for_the_first_and_takes_its_row_on_postgresql(world, session):
    _pg(session)
    first = _own(session)
    made = _find(first, world)  # inserted, not committed: the unique index holds the second insert
    got, errors = [], []

    def second_request():
        try:
            with _own(session) as own:
                got.append(_find(own, world).id)
                own.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=second_request)
    thread.start()
    deadline = time.monotonic() + 20
    waiting = 0
    while time.monotonic() < deadline and not waiting and thread.is_alive():
        waiting = session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                      "AND wait_event_type = 'Lock'"))
        session.rollback()
        time.sleep(0.05)
    assert waiting, "the second insert never waited on the first"
    first.commit()
    first.close()
    thread.join(30)
    assert not errors and not thread.is_alive()
    assert got == [made.id]
    assert _rows(session, world) == [made.id]


@pytest.mark.pg
@pytest.mark.parametrize("kind", ["self", "external"])
def test_many_first_visits_at_once_make_one_row_on_postgresql(world, session, kind):
    _pg(session)
    evaluator = world.evaluator if kind == "external" else None
    for _round in range(3):
        session.execute(text("DELETE FROM assessment"))
        session.commit()
        start = threading.Barrier(6, timeout=30)
        got, errors = [], []

        def visit():
            try:
                with _own(session) as own:
                    own.get(Campaign, world.campaign.id)  # warm up outside the race
                    start.wait()
                    got.append(_find(own, world, kind, evaluator).id)
                    own.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=visit) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors and not any(t.is_alive() for t in threads)
        rows = _rows(session, world, kind)
        assert len(rows) == 1 and got == rows * 6
