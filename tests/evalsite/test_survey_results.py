"""Monitoring, rates with intervals, suppression below 5 (and 10 for text), exports."""
from __future__ import annotations

import datetime as dt
import secrets

from evalsite.models import Submission
from evalsite.spreadsheets import neutralise
from evalsite.survey_data import releases
from evalsite.survey_data.results import survey_rates
from surveys import default_definition, validate_answers
from tests.evalsite.survey_support import EMPLOYER_ANSWERS, WORKER_ANSWERS, make_links


def add(session, world, enterprise, count, audience="worker", **changes):
    definition = default_definition(audience)
    raw = {**(WORKER_ANSWERS if audience == "worker" else EMPLOYER_ANSWERS), **changes}
    answers = validate_answers(definition, raw).answers
    session.add_all([Submission(campaign_id=world.campaign.id, enterprise_id=enterprise.id, audience=audience,
                                definition_hash=definition.hash, submission_key=secrets.token_urlsafe(18),
                                answers=answers, submitted_on=dt.date(2021, 4, 1)) for _ in range(count)])
    session.commit()


def test_survey_rates_for_scoring(app, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 30)
    add(session, world, world.ent_a, 10, W14=["2"], W06=["H"], W11=[])
    add(session, world, world.ent_a, 3, audience="employer")
    with app.app_context():
        assert survey_rates(session, world.campaign.id, world.ent_a.id)["worker"] == {}  # nothing released yet
        assert releases.refresh_all(session, world.campaign.id) == 1  # the 3 employer answers wait
        session.rollback()
        rates = survey_rates(session, world.campaign.id, world.ent_a.id)
    sat = rates["worker"]["satisfaction"]
    assert (sat.numerator, sat.n, sat.value) == (30, 40, 0.75)
    assert 0.59 < sat.low < 0.75 < sat.high < 0.87 and sat.sufficient
    assert rates["worker"]["participation"].value == 0.75
    assert rates["employer"] == {}  # 3 answers: not published, so not scored either
    assert rates["counts"] == {"worker": 40, "employer": 0}


def test_enterprise_page_suppresses_small_groups_and_free_text_under_10(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 4)
    client = login_as(world.ent_a_union)
    page = client.get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "尚未发布结果：满5份答卷后发布" in page and "希望加强工资集体协商" not in page
    add(session, world, world.ent_a, 4)
    page = client.get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "100.0%" in page and "答卷不足10份，不显示意见原文" in page and "希望加强工资集体协商" not in page
    assert "第1批" in page and "基于 8 份答卷" in page
    add(session, world, world.ent_a, 2)  # 10 answers, but only 2 since the release: nothing moves
    page = client.get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "希望加强工资集体协商" not in page and '已收到答卷 <strong class="counter">10</strong> 份' in page
    add(session, world, world.ent_a, 3)
    page = client.get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "希望加强工资集体协商" in page and "第2批" in page and "基于 13 份答卷" in page


def test_monitoring_traffic_light_against_required_sample(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a2, 123)  # N = 180 → 123 needed at 95 % ± 5 %
    add(session, world, world.ent_a, 40)  # N = 320 → 175 needed: ≥ 30, so amber
    page = login_as(world.district_a).get("/surveys/").get_data(as_text=True)
    assert '<span class="counter">123</span> / 123' in page and '<span class="counter">40</span> / 175' in page
    assert 'badge green' in page and 'badge amber' in page and "badge red" in page
    assert world.ent_b.name not in page


def test_neutralise_covers_every_dangerous_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(start + "1") == "'" + start + "1"
    assert neutralise("普通文本") == "普通文本" and neutralise(5) == 5
