"""District and city survey figures are sums of enterprise releases: identical to the direct computation, and moving only by 5 answers or more."""
from __future__ import annotations

import datetime as dt
import random
import secrets

import pytest
from sqlalchemy import func, select

from evalsite.models import Campaign, Enterprise, Submission, SurveyRelease
from evalsite.survey_data import aggregates
from evalsite.survey_data import releases
from evalsite.survey_data import results
from evalsite.survey_data import store as svc
from surveys import default_definition, distribution, validate_answers
from surveys.metrics import option_counts, rate_counts
from surveys.publication import publish
from surveys import disclosure
from surveys.definition import DEFINITIONS_DIR
from tests.evalsite.survey_support import make_links


def random_answers(definition, rng: random.Random) -> dict:
    """A valid, varied answer set (raw form values → normalised by the definition)."""
    for _ in range(50):
        raw = {}
        for q in definition.questions:
            if q.options:
                plain = [o.code for o in q.options if not o.exclusive]
                if q.type == "multiple" and plain and rng.random() < 0.8:
                    raw[q.code] = rng.sample(plain, rng.randint(1, min(3, len(plain), q.max_choices or 3)))
                else:
                    raw[q.code] = [rng.choice(q.options).code]
            elif q.type in ("text", "textarea"):
                raw[q.code] = [rng.choice(["", "", "希望加强工资集体协商", "无"])]
            if not q.required and rng.random() < 0.15:
                raw.pop(q.code, None)
        check = validate_answers(definition, raw)
        if check.ok:
            return check.answers
    raise AssertionError("no valid answer set generated")


def add(session, campaign, enterprise, definition, count, rng):
    session.add_all([Submission(campaign_id=campaign.id, enterprise_id=enterprise.id, audience=definition.audience,
                                definition_hash=definition.hash, submission_key=secrets.token_urlsafe(18),
                                answers=random_answers(definition, rng), submitted_on=dt.date(2021, 4, 1))
                     for _ in range(count)])
    session.commit()


@pytest.fixture
def generated(app, session, factory, world):
    """Enterprises answering two worker versions, some with fewer than 5 answers, one not enrolled."""
    make_links(app, session, world)
    campaign = session.get(Campaign, world.campaign.id)
    text = (DEFINITIONS_DIR / "worker.yaml").read_text(encoding="utf-8").replace("您的岗位类别", "您的岗位")
    with app.app_context():
        v2 = svc.store_definition(session, text, "v2.yaml")
    session.commit()
    v1, emp = default_definition("worker"), default_definition("employer")
    assert v1.hash != v2.hash
    rng = random.Random(11)
    extra = [factory.enterprise(world.unit_a), factory.enterprise(world.unit_b), factory.enterprise(world.unit_b)]
    for ent in extra[:2]:
        factory.enrol(world.campaign, ent)
    session.commit()
    plan = [(world.ent_a, v1, 40), (world.ent_a, v2, 15), (world.ent_a2, v1, 3), (world.ent_b, v2, 7),
            (extra[0], v1, 2), (extra[0], v2, 2), (extra[1], v1, 12), (extra[2], v2, 6),  # extra[2]: not enrolled
            (world.ent_a, emp, 6), (world.ent_a2, emp, 2), (world.ent_b, emp, 3), (extra[1], emp, 4)]
    for ent, definition, count in plan:
        add(session, campaign, ent, definition, count, rng)
    return campaign, rng, extra


CITY = {a: disclosure.grant("city_admin", a) for a in disclosure.AUDIENCES}


def full(session, campaign, ids):
    """The figures computed directly from the published answers, version by version, with surveys.metrics.

    A release exists only from 5 answers, so enterprises below 5 are in no total.
    """
    scope = ids if isinstance(ids, list) else session.scalars(ids).all()
    out = {}
    for audience in ("worker", "employer"):
        rows = session.execute(select(Submission.definition_hash, Submission.answers).where(
            Submission.campaign_id == campaign.id, Submission.audience == audience,
            Submission.enterprise_id.in_(scope), Submission.release_no.is_not(None))).all()
        by_version: dict = {}
        for digest, answers in rows:
            by_version.setdefault(digest, []).append(answers)
        totals: dict = {}
        pinned = svc.pinned_hash(campaign, audience)
        for digest in sorted(by_version, key=lambda d: (d != pinned, d)):
            definition = svc.definition_by_hash(session, digest)
            for key in definition.metrics:
                x, n = rate_counts(definition, key, by_version[digest])
                entry = totals.setdefault(key, [definition.metrics[key].label, 0, 0])
                entry[1] += x
                entry[2] += n
        definition = svc.pinned_definition(session, campaign, audience)
        sets = [a for group in by_version.values() for a in group]
        shown = publish(definition, len(rows), option_counts(definition, sets),
                        {key: (x, n) for key, (_, x, n) in totals.items()})
        out[audience] = {"n": len(rows), "rates": aggregates.rates_from_totals(audience, totals, None, shown.rates),
                         "distributions": [(q, shown.distributions[q.code])
                                           for q in definition.questions if q.options]}
    return out


def published(session, campaign, ids):
    session.rollback()  # SQLite: leave the old read snapshot, to see the releases just made
    counts = svc.response_counts(session, campaign.id, ids)
    releases.refresh(session, campaign.id, counts, ids)
    session.rollback()
    return aggregates.scope_summary(session, campaign, counts, ids, CITY)


def assert_same(session, campaign, world):
    district = select(Enterprise.id).where(Enterprise.unit_id == world.unit_a.id)
    one = [world.ent_a2.id]  # fewer than 5 answers: nothing published
    for new_ids, old_ids in ((None, select(Enterprise.id)), (district, district), (one, one)):
        new, old = published(session, campaign, new_ids), full(session, campaign, old_ids)
        for audience in ("worker", "employer"):
            assert {k: new[audience][k] for k in ("n", "rates", "distributions")} == old[audience]
            assert list(new[audience]["rates"]) == list(old[audience]["rates"])
    return new


def test_totals_are_exactly_the_sums_of_the_enterprise_releases(app, session, world, generated):
    campaign, rng, extra = generated
    with app.app_context():
        assert_same(session, campaign, world)
        city = published(session, campaign, None)
    # enterprises under 5 answers have no release: ent_a2 (3) and extra[0] (2 + 2) for workers,
    # ent_a2 (2), ent_b (3) and extra[1] (4) for employers
    assert city["worker"]["n"] == 80 and city["employer"]["n"] == 6
    assert city["worker"]["live"] == 87 and city["employer"]["live"] == 15
    assert (city["worker"]["left_out"], city["employer"]["left_out"]) == (2, 3)
    assert not city["worker"]["rates"]["satisfaction"].suppressed
    assert city["employer"]["rates"]["recognition"].n == 6
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SurveyRelease)) == 5  # one per group of 5 or more
    assert session.scalar(select(func.count()).where(Submission.release_no.is_(None))) == 16


def test_figures_move_only_with_five_new_answers(app, session, world, generated):
    campaign, rng, extra = generated
    with app.app_context():
        before = published(session, campaign, None)
        add(session, campaign, world.ent_b, default_definition("worker"), 4, rng)
        add(session, campaign, world.ent_a2, default_definition("employer"), 2, rng)  # 4: still nothing
        after = published(session, campaign, None)
        assert after["worker"]["live"] == before["worker"]["live"] + 4
        for audience in ("worker", "employer"):
            for key in ("n", "rates", "distributions", "released_on", "left_out"):
                assert after[audience][key] == before[audience][key], (audience, key)
        add(session, campaign, world.ent_b, default_definition("worker"), 1, rng)
        moved = published(session, campaign, None)
        assert moved["worker"]["n"] == before["worker"]["n"] + 5
        assert moved["worker"]["rates"] != before["worker"]["rates"]
        assert_same(session, campaign, world)


def test_no_two_published_states_differ_by_fewer_than_five_answers(app, session, world, generated):
    """Random trickles of answers, pages read in between: every figure changes only with >= 5 answers."""
    campaign, rng, extra = generated
    scopes = {"city": None, "A": select(Enterprise.id).where(Enterprise.unit_id == world.unit_a.id),
              "ent_a": [world.ent_a.id], "ent_b": [world.ent_b.id], "extra": [extra[1].id]}
    ents = [world.ent_a, world.ent_a2, world.ent_b, extra[1]]
    history: dict = {}
    with app.app_context():
        for step in range(40):
            ent = rng.choice(ents)
            audience = rng.choice(["worker", "worker", "employer"])
            add(session, campaign, ent, default_definition(audience), rng.randint(1, 3), rng)
            for name in rng.sample(list(scopes), 2):
                state = published(session, campaign, scopes[name])
                for aud in ("worker", "employer"):
                    figures = (state[aud]["n"], state[aud]["rates"], state[aud]["distributions"])
                    history.setdefault((name, aud), [])
                    if not history[(name, aud)] or history[(name, aud)][-1] != figures:
                        history[(name, aud)].append(figures)
    moved = 0
    for key, states in history.items():
        for old, new in zip(states, states[1:]):
            assert new[0] - old[0] >= 5, (key, old[0], new[0])
            moved += 1
    assert moved >= 5  # the test saw releases happen


def test_overview_shows_the_released_figures_without_free_text(app, login_as, session, world, generated):
    campaign, rng, extra = generated
    page = login_as(world.city).get("/surveys/").get_data(as_text=True)
    with app.app_context():
        session.rollback()
        city = full(session, campaign, select(Enterprise.id))
    sat = city["worker"]["rates"]["satisfaction"]
    assert f"{sat.value * 100:.1f}%" in page and f"{sat.low * 100:.1f}%" in page
    assert '已收到答卷 <strong class="counter">87</strong> 份' in page and "基于 80 份答卷" in page
    assert "希望加强工资集体协商" not in page and "意见原文" in page
    page = login_as(world.district_a).get("/surveys/").get_data(as_text=True)
    assert "基于 55 份答卷" in page and world.ent_b.name not in page
    assert "另有 2 家企业的答卷不足5份，未计入本汇总" in page


def test_overview_table_is_paginated_and_filtered(app, login_as, session, world, generated, monkeypatch):
    campaign, rng, extra = generated
    client = login_as(world.city)
    page = client.get("/surveys/").get_data(as_text=True)
    assert "共 5 条" in page and page.count("详情</a>") == 5 and "环翠区" in page  # the unit totals stay complete
    page = client.get(f"/surveys/?unit={world.unit_b.id}").get_data(as_text=True)
    assert world.ent_b.name in page and world.ent_a.name not in page and "共 2 条" in page
    page = client.get("/surveys/?light=amber").get_data(as_text=True)
    assert world.ent_a.name in page and world.ent_b.name not in page and "共 1 条" in page
    page = client.get(f"/surveys/?unit={world.unit_b.id}&light=green").get_data(as_text=True)
    assert "没有符合条件的企业" in page
    assert client.get("/surveys/?page=99").status_code == 200  # past the end: the last page
    assert client.get("/surveys/?light=nonsense").status_code == 400  # a Chinese 400, not an empty list


def test_survey_release_command_publishes_groups_of_five(app, world, session):
    digest = default_definition("worker").hash
    world.campaign.worker_definition_hash = digest
    session.add(world.campaign)
    for i in range(8):
        session.add(Submission(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id if i < 6 else world.ent_b.id,
                               audience="worker", definition_hash=digest, submission_key=f"release-cli-key-{i:04d}",
                               answers={"W14": 5}, submitted_on=dt.date(2021, 4, 1)))
    session.commit()
    result = app.test_cli_runner().invoke(args=["survey-release"])
    assert result.exit_code == 0, result.output
    assert "新发布 1 批" in result.output and "2 份答卷等待下一批" in result.output
    session.rollback()
    rows = session.scalars(select(SurveyRelease)).all()
    assert [(r.enterprise_id, r.number, r.answers) for r in rows] == [(world.ent_a.id, 1, 6)]
    again = app.test_cli_runner().invoke(args=["survey-release"])
    assert "新发布 0 批" in again.output


def test_a_small_enterprise_cannot_be_recovered_from_the_district_total(app, session, world, generated):
    """District total minus the other enterprises' published figures must not reveal a group below 5."""
    campaign, _, _ = generated
    with app.app_context():
        district = published(session, campaign, select(Enterprise.id).where(Enterprise.unit_id == world.unit_a.id))
        alone = published(session, campaign, [world.ent_a.id])
    # unit A: ent_a (55 worker answers), ent_a2 (3), extra[0] (4) -> the total is ent_a's alone
    assert district["worker"]["n"] == alone["worker"]["n"] == 55
    assert district["worker"]["rates"] == alone["worker"]["rates"]
    assert district["worker"]["left_out"] == 2


def test_a_release_adds_its_batch_to_the_previous_counts_exactly_as_a_recount(app, session, world):
    """Releases count only their new batch (they run after every fifth answer): the cumulative counts equal
    the counts of every published answer recomputed from scratch, release after release, over two versions."""
    make_links(app, session, world)
    rng = random.Random(11)
    campaign = session.get(Campaign, world.campaign.id)
    text = (DEFINITIONS_DIR / "worker.yaml").read_text(encoding="utf-8").replace("您的岗位类别", "您的岗位")
    with app.app_context():
        v2 = svc.store_definition(session, text, "v2.yaml")
        v1 = svc.pinned_definition(session, campaign, "worker")
    session.commit()
    for step, (definition, count) in enumerate([(v1, 7), (v1, 5), (v2, 6), (v1, 3), (v2, 4)]):
        add(session, campaign, world.ent_a, definition, count, rng)
        with app.app_context():
            releases.refresh_all(session, campaign.id)
        session.rollback()
        last = session.scalars(select(SurveyRelease).where(SurveyRelease.enterprise_id == world.ent_a.id)
                               .order_by(SurveyRelease.number.desc())).first()
        with app.app_context():
            sets = releases.released_answer_sets(session, campaign.id, world.ent_a.id, "worker", last.number)
            recount = {digest: releases.version_counts(session, digest, s) for digest, s in sets.items()}
        assert last.counts == recount, f"step {step}"
        assert last.answers == sum(len(s) for s in sets.values())
