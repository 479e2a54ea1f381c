"""Dashboards: figures, target lines, drill-down lists and the district scope."""
from __future__ import annotations

import datetime as dt

from evalsite.models import Assessment
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result, today  # noqa: F401
from tests.evalsite.test_tables import contracts  # noqa: F401


def test_city_dashboard_figures_and_links(app, world, session, login_as, contracts, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    session.add(Assessment(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, kind="self",
                           system_hash="x" * 64, status="submitted", submitted_at=dt.datetime(2021, 4, 1)))
    session.commit()
    draft_approve_issue(login_as, session, world)
    page = login_as(world.city).get("/dashboard/").data.decode()
    assert "<svg" in page and "目标 80%" in page and "目标 90%" in page
    assert "已出具报告<br>1" in page and "已提交自评<br>1" in page and "参加企业<br>3" in page
    assert "整改未结<br>2" in page and "良好" in page and "新业态企业<br>1" in page
    assert "75.0%" in page  # city 建制率 3/4
    issued = login_as(world.city).get("/dashboard/enterprises?key=issued").data.decode()
    assert world.ent_a.name in issued and world.ent_b.name not in issued
    missing = login_as(world.city).get("/dashboard/enterprises?key=not_established").data.decode()
    assert world.ent_a2.name in missing and world.ent_a.name not in missing
    grade = login_as(world.city).get("/dashboard/enterprises?key=grade&grade=良好").data.decode()
    assert world.ent_a.name in grade
    assert login_as(world.city).get("/dashboard/enterprises?key=nonsense").status_code == 404


def test_district_dashboard_is_scoped(app, world, session, login_as, contracts):  # noqa: F811
    client = login_as(world.district_b)
    page = client.get("/dashboard/").data.decode()
    assert "文登区" in page and "环翠区" not in page
    assert world.ent_a.name not in client.get("/dashboard/enterprises?key=enrolled").data.decode()
    assert client.get(f"/dashboard/enterprises?key=enrolled&unit={world.unit_a.id}").status_code == 403
