"""The home page lists each role's work in the current campaign, scoped to what the user may see."""
from __future__ import annotations

import datetime as dt

from evalsite.models import Assessment, RectificationItem, Report
from tests.conftest import login


def _item(session, world, ent, owner, deadline, status="open", code="P-PROC-06"):
    report = session.query(Report).filter_by(enterprise_id=ent.id).one_or_none()
    if report is None:
        report = Report(campaign_id=world.campaign.id, enterprise_id=ent.id, number=f"WH-T-{ent.id}")
        session.add(report)
        session.flush()
    item = RectificationItem(report_id=report.id, campaign_id=world.campaign.id, enterprise_id=ent.id,
                             code=code, title="未向全体职工公示", owner=owner, deadline=deadline, status=status)
    session.add(item)
    session.commit()
    return item


def _home(client, user):
    login(client, user)
    resp = client.get("/")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_enterprise_sees_only_its_sides_items(client, world, session):
    _item(session, world, world.ent_a, "职工方", dt.date(2000, 1, 1))
    _item(session, world, world.ent_a, "企业方", dt.date(2999, 1, 1), code="P-PROC-05")
    _item(session, world, world.ent_b, "双方", dt.date(2000, 1, 1))
    body = _home(client, world.ent_a_union)
    assert "2021年全市集体协商集中要约行动" in body and "自评尚未提交" in body
    assert 'badge red">1<' in body  # its own overdue item, not enterprise B's
    client.post("/logout")
    body = _home(client, world.ent_a_mgmt)
    assert 'badge amber">1<' in body and 'badge red' not in body


def test_enterprise_side_confirmation_state(client, world, session):
    session.add(Assessment(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, kind="self",
                           system_hash="0" * 64, status="submitted", submitted_at=dt.datetime(2021, 4, 1),
                           union_confirmed_at=dt.datetime(2021, 4, 1)))
    session.commit()
    assert "自评已提交并已确认" in _home(client, world.ent_a_union)
    client.post("/logout")
    assert "自评已提交，待本方确认" in _home(client, world.ent_a_mgmt)


def test_district_admin_counts_only_own_unit(client, world, session):
    _item(session, world, world.ent_b, "双方", dt.date(2000, 1, 1))
    body = _home(client, world.district_a)
    assert "已逾期的整改事项" in body and 'badge red' not in body
    client.post("/logout")
    assert 'badge red">1<' in _home(client, world.district_b)


def test_evaluator_sees_pending_external_evaluations(client, world):
    body = _home(client, world.evaluator)
    assert "尚未完成的外部评估" in body and 'badge amber">1<' in body


def test_home_without_current_campaign(client, world, session):
    world.campaign.is_current = False
    session.add(world.campaign)
    session.commit()
    assert "目前没有进行中的行动" in _home(client, world.city)


def test_only_the_owning_side_may_answer_an_item(world, session):
    from evalsite.reports.rectification import can_respond

    employer_item = _item(session, world, world.ent_a, "企业方", dt.date(2999, 1, 1), code="P-PERF-02")
    both_item = _item(session, world, world.ent_a, "双方", dt.date(2999, 1, 1), code="P-PROC-05")
    assert not can_respond(world.ent_a_union, employer_item)
    assert can_respond(world.ent_a_mgmt, employer_item)
    assert can_respond(world.ent_a_union, both_item) and can_respond(world.ent_a_mgmt, both_item)
    assert not can_respond(world.ent_b_union, both_item)
