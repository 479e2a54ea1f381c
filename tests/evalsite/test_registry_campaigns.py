"""Campaigns: one current, the default enrolment rule with its headcount snapshot, manual changes, scope."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import Campaign, Enrolment, Enterprise
from tests.evalsite.test_registry_helpers import fresh

FORM = {"code": "2022-JZYY", "name": "2022年全市集体协商集中要约行动", "start_date": "2022-03-01",
        "end_date": "2022-04-15", "report_deadline": "2022-04-23", "target_establishment_pct": "80",
        "target_wage_pct": "90", "min_headcount": "100", "is_current": "y"}


def _enrolled(session, campaign_id):
    fresh(session)
    return {e.enterprise_id: e for e in session.scalars(select(Enrolment).where(Enrolment.campaign_id == campaign_id))}


def test_create_campaign_only_one_current(app, world, session, login_as):
    client = login_as(world.city)
    assert client.post("/campaigns/new", data=FORM).status_code == 302
    fresh(session)
    new = session.scalar(select(Campaign).where(Campaign.code == "2022-JZYY"))
    assert new.is_current and new.target_establishment_rate == 0.8 and new.target_wage_rate == 0.9
    assert not session.get(Campaign, world.campaign.id).is_current


def test_campaign_form_errors(app, world, login_as):
    client = login_as(world.city)
    resp = client.post("/campaigns/new", data={**FORM, "code": "2021-JZYY", "end_date": "2022-02-01",
                                               "target_wage_pct": "120"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "结束日期不能早于开始日期" in html and "目标应在0至100之间" in html
    resp = client.post("/campaigns/new", data={**FORM, "code": "2021-JZYY"})
    assert resp.status_code == 400 and "已被" in resp.get_data(as_text=True)
    resp = client.post("/campaigns/new", data={**FORM, "code": "坏 代码"})
    assert "行动代码只能包含" in resp.get_data(as_text=True)


def test_default_rule_and_headcount_snapshot(app, world, factory, session, login_as):
    c = factory.campaign(code="2022", current=False, min_headcount=100)
    big = factory.enterprise(world.unit_a, name="大企业", headcount=500)
    factory.enterprise(world.unit_b, name="恰好百人", headcount=100)
    factory.enterprise(world.unit_a, name="小企业", headcount=99)
    factory.enterprise(world.unit_a, name="未建会", headcount=400, unionised=False)
    factory.enterprise(world.unit_a, name="停业", headcount=400, normally_operating=False)
    session.commit()
    client = login_as(world.city)
    assert client.post(f"/campaigns/{c.id}/enrol-default").status_code == 302
    enrolled = _enrolled(session, c.id)
    names = {session.get(Enterprise, i).name for i in enrolled}
    assert names == {"大企业", "恰好百人", "威海甲机械有限公司", "威海乙食品有限公司", "文登丙纺织有限公司"}
    assert enrolled[big.id].headcount == 500 and not enrolled[big.id].manual
    session.get(Enterprise, big.id).headcount = 800
    session.commit()
    assert client.post(f"/campaigns/{c.id}/enrol-default").status_code == 302  # idempotent
    enrolled = _enrolled(session, c.id)
    assert len(enrolled) == 5 and enrolled[big.id].headcount == 500
    page = client.get(f"/campaigns/{c.id}").get_data(as_text=True)
    assert "大企业" in page and "<td class=\"num\">500</td><td class=\"num\">800</td>" in page


def test_district_admin_enrols_only_own_unit(app, world, factory, session, login_as):
    c = factory.campaign(code="2022", current=False)
    session.commit()
    client = login_as(world.district_b)
    client.post(f"/campaigns/{c.id}/enrol-default")
    assert set(_enrolled(session, c.id)) == {world.ent_b.id}
    page = client.get(f"/campaigns/{world.campaign.id}").get_data(as_text=True)
    assert "文登丙纺织有限公司" in page and "威海甲机械有限公司" not in page
    assert client.get(f"/campaigns/{c.id}/edit").status_code == 403
    resp = client.post(f"/campaigns/{c.id}/enrol", data={"credit_code": world.ent_a.credit_code})
    assert resp.status_code == 400 and "不在您管理的范围内" in resp.get_data(as_text=True)
    enrolment_a = session.scalar(select(Enrolment).where(Enrolment.campaign_id == world.campaign.id,
                                                         Enrolment.enterprise_id == world.ent_a.id))
    assert client.post(f"/campaigns/{world.campaign.id}/enrolments/{enrolment_a.id}/delete").status_code == 403


def test_manual_add_and_remove(app, world, factory, session, login_as):
    small = factory.enterprise(world.unit_a, name="小企业", headcount=60)
    session.commit()
    client = login_as(world.district_a)
    resp = client.post(f"/campaigns/{world.campaign.id}/enrol", data={"credit_code": small.credit_code.lower()})
    assert resp.status_code == 302
    row = _enrolled(session, world.campaign.id)[small.id]
    assert row.manual and row.headcount == 60
    again = client.post(f"/campaigns/{world.campaign.id}/enrol", data={"credit_code": small.credit_code})
    assert again.status_code == 400 and "已登记在本行动中" in again.get_data(as_text=True)
    bad = client.post(f"/campaigns/{world.campaign.id}/enrol", data={"credit_code": "12345"})
    assert bad.status_code == 400 and "应为18位" in bad.get_data(as_text=True)
    assert client.post(f"/campaigns/{world.campaign.id}/enrolments/{row.id}/delete").status_code == 302
    assert small.id not in _enrolled(session, world.campaign.id)
    manual = client.get(f"/campaigns/{world.campaign.id}?manual=1").get_data(as_text=True)
    assert "没有已登记的企业" in manual
