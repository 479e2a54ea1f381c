"""What a submission may store, and the atomic ballot codes."""
from __future__ import annotations

import re

from sqlalchemy import inspect

from evalsite.models import BallotCode, Submission, SubmissionCounter, SurveyRelease
from evalsite.survey_data import store as svc
from tests.evalsite.survey_support import full_post, make_links

IDENTIFYING = re.compile(r"ip|addr|agent|user|account|token|link|created|updated|time|at$|session|device|cookie|code$",
                         re.I)


def test_submission_tables_hold_no_identifying_column(app):
    engine = app.extensions["evalsite_db"].engine
    columns = {t: [c["name"] for c in inspect(engine).get_columns(t)]
               for t in (Submission.__tablename__, SubmissionCounter.__tablename__, SurveyRelease.__tablename__)}
    assert columns["submission"] == ["id", "campaign_id", "enterprise_id", "audience", "definition_hash",
                                     "submission_key", "answers", "submitted_on", "release_no"]
    for table, names in columns.items():
        bad = [n for n in names if IDENTIFYING.search(n) and n not in ("link_id",)]
        assert bad == [], f"{table} has identifying columns {bad}"
    types = {c["name"]: str(c["type"]).upper() for c in inspect(engine).get_columns("submission")}
    assert types["submitted_on"] == "DATE"


def test_token_has_at_least_128_bits():
    tokens = {svc.new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 32 for t in tokens)  # 32 × log2(62) ≈ 190 bits


def test_tokens_are_letters_and_digits_only():
    """A printed URL must not end in "-" (read as a hyphenation at a line end) or hold "_"."""
    assert all(svc.new_token().isalnum() for _ in range(500))


def test_ballot_code_is_consumed_once(app, client, session, world):
    links = make_links(app, session, world)
    link = session.get(type(links[(world.ent_a.id, "worker")]), links[(world.ent_a.id, "worker")].id)
    codes = svc.issue_ballots(session, link, 2)
    session.commit()
    assert session.query(BallotCode).count() == 2 and codes[0] not in {b.code_hash for b in session.query(BallotCode)}
    missing, _ = full_post(client, link.token)
    assert missing.status_code == 400 and "作答码" in missing.get_data(as_text=True)
    ok, _ = full_post(client, link.token, _ballot=codes[0].lower())
    assert ok.status_code == 200 and "提交成功" in ok.get_data(as_text=True)
    reused, _ = full_post(client, link.token, _ballot=codes[0])
    assert reused.status_code == 400 and "已使用" in reused.get_data(as_text=True)
    session.expire_all()
    session.rollback()
    assert session.query(Submission).count() == 1
    assert sorted(b.used for b in session.query(BallotCode)) == [False, True]


def test_rotation_moves_ballot_codes_and_kills_the_old_token(app, client, session, world):
    links = make_links(app, session, world)
    link = session.get(type(links[(world.ent_a.id, "worker")]), links[(world.ent_a.id, "worker")].id)
    codes = svc.issue_ballots(session, link, 1)
    fresh = svc.rotate(session, link)
    session.commit()
    assert client.get(f"/s/{link.token}").status_code == 410
    ok, _ = full_post(client, fresh.token, _ballot=codes[0])
    assert ok.status_code == 200


def test_db_counter_counts_per_link_and_day(app, client, session, world):
    links = make_links(app, session, world)
    token = links[(world.ent_a.id, "worker")].token
    full_post(client, token)
    full_post(client, token)
    session.expire_all()
    session.rollback()
    assert [c.count for c in session.query(SubmissionCounter)] == [2]
