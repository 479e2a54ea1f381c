"""The evaluator's page: 同意企业自评 (per indicator, per dimension), totals, anchors, requests with a deadline."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from evalsite.models import Assessment, EvidenceRequest
from tests.conftest import login

from .assess_data import levels, make_assessment

FRIDAY = dt.date(2021, 4, 2)  # the expected deadline is computed by the calendar rule itself


def _mine(session):
    session.expire_all(); session.rollback()
    return session.scalar(select(Assessment).where(Assessment.kind == "external"))


def _setup(session, world, **self_levels):
    make_assessment(session, world.campaign, world.ent_a, levels(**self_levels))
    session.commit()


def test_agree_with_one_indicator_without_javascript(client, world, session):
    _setup(session, world, A2="partial")
    login(client, world.evaluator)
    url = f"/assessments/evaluate/{world.ent_a.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="agree" value="A2"' in page and 'name="agree" value="dim:A"' in page
    assert 'src="/static/js/evaluate.js"' in page and "<script>" not in page  # CSP: no inline script
    resp = client.post(url, data={"agree": "A2", "level_A1": "none", "note_A1": "未见工会换届记录"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#ind-A2")
    mine = _mine(session)
    assert mine.item("A2").level == "partial"  # copied from the enterprise
    assert (mine.item("A1").level, mine.item("A1").note) == ("none", "未见工会换届记录")  # what was typed is kept
    assert mine.item("A3") is None


def test_agree_with_a_whole_dimension_and_server_totals(client, world, session):
    _setup(session, world)
    login(client, world.evaluator)
    url = f"/assessments/evaluate/{world.ent_a.id}"
    resp = client.post(url, data={"agree": "dim:A"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    mine = _mine(session)
    a_codes = [c for c in levels() if c.startswith("A")]
    assert all(mine.item(c).level == levels()[c] for c in a_codes)
    assert all(mine.item(c) is None for c in levels() if c.startswith("B"))
    from evalsite.assessments.results import system_for  # noqa: F401  (the default system's A points)
    a_points = sum(mine.item(c).points for c in a_codes)
    assert f"A {a_points:g}/" in page  # the flash names each dimension's total
    assert f'data-total-for="A">{a_points:g}</output>' in page
    # the missing list links to each indicator's anchor
    assert '<a href="#ind-B1">B1</a>' in page and "#ind-A1" not in page.split("尚未评分的指标")[1][:200]


def test_agree_is_refused_before_the_enterprise_submits(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels(), submitted=False)
    session.commit()
    login(client, world.evaluator)
    url = f"/assessments/evaluate/{world.ent_a.id}"
    assert 'name="agree"' not in client.get(url).get_data(as_text=True)
    resp = client.post(url, data={"agree": "A1", "note_A1": "草稿说明"})
    assert resp.status_code == 409 and "企业自评尚未提交" in resp.get_data(as_text=True)
    assert "草稿说明" in resp.get_data(as_text=True)  # what was typed is kept
    mine = _mine(session)
    assert mine is None or not mine.items


def test_agree_refused_to_other_roles(client, world, session):
    _setup(session, world)
    url = f"/assessments/evaluate/{world.ent_a.id}"
    for user in (world.evaluator_b, world.ent_a_union, world.ent_a_mgmt, world.district_a, world.city):
        login(client, user)
        assert client.post(url, data={"agree": "dim:A"}).status_code == 403, user.username
    assert _mine(session) is None


def test_evidence_request_per_indicator_with_a_working_day_deadline(app, client, world, session):
    from scoring.escalation import load_rules

    _setup(session, world)
    app.config["TODAY"] = FRIDAY
    login(client, world.evaluator)
    url = f"/assessments/evaluate/{world.ent_a.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'form="req-B1"' in page and 'id="req-B1"' in page
    bad = client.post(url + "/request", data={"indicator": "B1", "message": "请补充要约书", "days": "7"})
    assert bad.status_code == 400 and "工作日" in bad.get_data(as_text=True)
    assert "请补充要约书" in bad.get_data(as_text=True)  # the typed request is kept
    empty = client.post(url + "/request", data={"indicator": "B1", "message": "", "days": "5"})
    assert empty.status_code == 400
    resp = client.post(url + "/request", data={"indicator": "B1", "message": "请补充书面要约及回执", "days": "5"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#ind-B1")
    session.expire_all(); session.rollback()
    req = session.scalar(select(EvidenceRequest))
    expected = load_rules().add_working_days(FRIDAY, 5)
    assert req.indicator == "B1" and req.due_date == expected and expected.weekday() < 5
    assert (expected - FRIDAY).days >= 7  # a weekend (at least) skipped
    shown = f"{expected.year}年{expected.month}月{expected.day}日"
    assert shown in client.get(url).get_data(as_text=True)
    for side in (world.ent_a_union, world.ent_a_mgmt):
        login(client, side)
        page = client.get("/assessments/self").get_data(as_text=True)
        assert "请补充书面要约及回执" in page and f"{shown}前" in page
    app.config["TODAY"] = expected + dt.timedelta(days=1)
    assert "已逾期" in client.get("/assessments/self").get_data(as_text=True)


def test_resume_names_the_first_incomplete_part(client, world, session):
    login(client, world.ent_a_union)
    data = {f"level_{c}": lv for c, lv in levels().items() if c[0] in "AB"}
    for dim in "AB":
        client.post(f"/assessments/self/{dim}", data={k: v for k, v in data.items() if k[6] == dim})
    client.post("/assessments/self/D", data={"level_D1": "full"})
    page = client.get("/assessments/self").get_data(as_text=True)
    assert "继续填写（第 C 部分尚未填完）" in page
    assert "/assessments/self/C#ind-C1" in page  # the missing list links to each indicator
