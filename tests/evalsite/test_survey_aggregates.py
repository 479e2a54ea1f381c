"""District and city survey figures from per-enterprise aggregates: identical to the full computation."""
from __future__ import annotations

import datetime as dt
import random
import secrets

import pytest
from sqlalchemy import delete, func, select

from evalsite.models import Campaign, Enterprise, Submission, SurveyAggregate
from evalsite.services import survey_aggregates as aggregates
from evalsite.services import survey_results as results
from evalsite.services import surveys as svc
from surveys import default_definition, validate_answers
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
    """The full computation over every answer, without free text (the overview does not show it).

    A multi-enterprise total leaves out the enterprises below 5 answers of an audience.
    """
    scope = [ids] if isinstance(ids, list) else session.scalars(ids).all()
    scope = scope[0] if isinstance(ids, list) else scope
    out = {}
    for audience in ("worker", "employer"):
        per_ent = dict(session.execute(select(Submission.enterprise_id, func.count()).where(
            Submission.campaign_id == campaign.id, Submission.audience == audience,
            Submission.enterprise_id.in_(scope)).group_by(Submission.enterprise_id)).all())
        big = [e for e, n in per_ent.items() if n >= 5] if len(per_ent) > 1 else list(per_ent)
        part = results.scope_results(session, campaign, big, CITY)[audience]
        del part["free_text"]
        part["distributions"] = [(q, d) for q, d in part["distributions"] if q.options]
        part["left_out"] = len(per_ent) - len(big)
        out[audience] = part
    return out


def from_aggregates(session, campaign, ids):
    session.rollback()  # SQLite: leave the old read snapshot, to see what the previous call stored
    return aggregates.scope_summary(session, campaign, aggregates.live_counts(session, campaign.id, ids), ids)


def assert_same(session, campaign, world):
    district = select(Enterprise.id).where(Enterprise.unit_id == world.unit_a.id)
    one = [world.ent_a2.id]  # fewer than 5 answers: everything suppressed
    for new_ids, old_ids in ((None, select(Enterprise.id)), (district, district), (one, one)):
        new, old = from_aggregates(session, campaign, new_ids), full(session, campaign, old_ids)
        assert new == old
        assert list(new["worker"]["rates"]) == list(old["worker"]["rates"])
    return new


def test_aggregates_give_exactly_the_full_computation(app, session, world, generated):
    campaign, rng, extra = generated
    with app.app_context():
        assert_same(session, campaign, world)
        city = from_aggregates(session, campaign, None)
    # enterprises under 5 answers are left out of the city total: ent_a2 (3) and extra[0] (2 + 2) for workers,
    # ent_a2 (2), ent_b (3) and extra[1] (4) for employers
    assert city["worker"]["n"] == 80 and city["employer"]["n"] == 6
    assert (city["worker"]["left_out"], city["employer"]["left_out"]) == (2, 3)
    assert not city["worker"]["rates"]["satisfaction"].suppressed
    assert city["employer"]["rates"]["recognition"].n == 6
    session.rollback()
    stored = session.scalar(select(func.count()).select_from(SurveyAggregate))
    assert stored == 12  # one row per enterprise, audience and version


def test_only_stale_enterprises_are_recomputed(app, session, world, generated, monkeypatch):
    campaign, rng, extra = generated
    with app.app_context():
        from_aggregates(session, campaign, None)
    recomputed = []
    real = aggregates.compute
    monkeypatch.setattr(aggregates, "compute",
                        lambda s, c, a, ids: recomputed.append((a, list(ids))) or real(s, c, a, ids))
    with app.app_context():
        from_aggregates(session, campaign, None)
        assert recomputed == []
        add(session, campaign, world.ent_b, default_definition("worker"), 4, rng)
        add(session, campaign, world.ent_a2, default_definition("employer"), 1, rng)
        assert_same(session, campaign, world)
        assert ("worker", [world.ent_b.id]) in recomputed and ("employer", [world.ent_a2.id]) in recomputed
        assert {ids[0] for _, ids in recomputed} == {world.ent_b.id, world.ent_a2.id}
        recomputed.clear()
        session.execute(delete(Submission).where(Submission.enterprise_id == extra[2].id))
        session.commit()
        assert_same(session, campaign, world)
        assert recomputed == [("worker", [extra[2].id])]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SurveyAggregate)
                          .where(SurveyAggregate.enterprise_id == extra[2].id)) == 0


def test_overview_shows_the_aggregated_figures_without_free_text(app, login_as, session, world, generated):
    campaign, rng, extra = generated
    with app.app_context():
        city = full(session, campaign, select(Enterprise.id))
    page = login_as(world.city).get("/surveys/").get_data(as_text=True)
    sat = city["worker"]["rates"]["satisfaction"]
    assert f"{sat.value * 100:.1f}%" in page and f"{sat.low * 100:.1f}%" in page
    assert "职工问卷（80 份）" in page and "希望加强工资集体协商" not in page and "意见原文" in page
    page = login_as(world.district_a).get("/surveys/").get_data(as_text=True)
    assert "职工问卷（55 份）" in page and world.ent_b.name not in page
    assert "另有 2 家企业的答卷不足5份，未计入本汇总" in page


def test_overview_table_is_paginated_and_filtered(app, login_as, session, world, generated, monkeypatch):
    campaign, rng, extra = generated
    monkeypatch.setattr(results, "PAGE_SIZE", 2)
    client = login_as(world.city)
    page = client.get("/surveys/").get_data(as_text=True)
    assert "第 1 / 3 页，共 5 条" in page and "page=2" in page
    assert page.count("详情</a>") == 2 and "环翠区" in page  # the unit totals stay complete
    page = client.get(f"/surveys/?unit={world.unit_b.id}").get_data(as_text=True)
    assert world.ent_b.name in page and world.ent_a.name not in page and "共 2 条" in page
    page = client.get("/surveys/?light=amber").get_data(as_text=True)
    assert world.ent_a.name in page and world.ent_b.name not in page and "共 1 条" in page
    page = client.get(f"/surveys/?unit={world.unit_b.id}&light=green").get_data(as_text=True)
    assert "没有符合条件的企业" in page
    assert client.get("/surveys/?page=99&light=nonsense").status_code == 200


def test_survey_refresh_command_stores_totals(app, world, session):
    from evalsite.models import SurveyAggregate, Submission
    import datetime as dt

    from surveys import default_definition

    digest = default_definition("worker").hash
    world.campaign.worker_definition_hash = digest
    session.add(world.campaign)
    for i in range(6):
        session.add(Submission(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, audience="worker",
                               definition_hash=digest, submission_key=f"refresh-cli-key-{i:04d}",
                               answers={"W14": 5}, submitted_on=dt.date(2021, 4, 1)))
    session.commit()
    result = app.test_cli_runner().invoke(args=["survey-refresh"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    session.rollback()
    rows = session.query(SurveyAggregate).filter_by(enterprise_id=world.ent_a.id).all()
    assert rows and sum(r.answers for r in rows) == 6


def test_a_small_enterprise_cannot_be_recovered_from_the_district_total(app, session, world, generated):
    """District total minus the other enterprises' published figures must not reveal a group below 5."""
    campaign, _, _ = generated
    with app.app_context():
        district = from_aggregates(session, campaign, select(Enterprise.id).where(Enterprise.unit_id == world.unit_a.id))
        alone = from_aggregates(session, campaign, [world.ent_a.id])
    # unit A: ent_a (55 worker answers), ent_a2 (3), extra[0] (4) -> the total is ent_a's alone
    assert district["worker"]["n"] == alone["worker"]["n"] == 55
    assert district["worker"]["rates"] == alone["worker"]["rates"]
    assert district["worker"]["left_out"] == 2
