"""Every other list on the listing helper: assignments, the evaluator's enterprises, a campaign's enrolments,
the dashboard drill-down, accounts, the audit log, area contracts, escalations — URL filters, hub links, export."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.evalsite.assess_data import levels, make_assessment


def _sheet(resp) -> list[tuple]:
    assert resp.status_code == 200, resp.status_code
    return list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))


def _hub(world, ent):
    return f"/enterprises/{ent.id}/campaigns/{world.campaign.id}"


def test_assignments_self_and_assigned_filters_by_url(app, world, session, login_as):
    make_assessment(session, world.campaign, world.ent_a, levels(), submitted=True)
    session.commit()
    city = login_as(world.city)
    page = city.get("/assessments/assignments").get_data(as_text=True)
    assert _hub(world, world.ent_a) in page and _hub(world, world.ent_b) in page
    missing = city.get("/assessments/assignments?self=none").get_data(as_text=True)
    assert world.ent_a.name not in missing and world.ent_a2.name in missing
    unassigned = city.get("/assessments/assignments?assigned=0").get_data(as_text=True)
    assert world.ent_a2.name in unassigned and world.ent_a.name not in unassigned and world.ent_b.name not in unassigned
    rows = _sheet(city.get("/assessments/assignments?assigned=1&format=xlsx&sort=enterprise"))
    assert rows[0][:3] == ("企业", "统一社会信用代码", "所属区市")
    assert sorted(r[0] for r in rows[1:]) == sorted([world.ent_a.name, world.ent_b.name])
    assert {r[0]: r[4] for r in rows[1:]}[world.ent_b.name] == "evaluator_b"  # the evaluators' names
    assert city.get("/assessments/assignments?self=later").status_code == 400
    district = _sheet(login_as(world.district_a).get("/assessments/assignments?format=xlsx"))
    assert world.ent_b.name not in [r[0] for r in district]


def test_sort_by_result_works_on_both_databases(app, world, session, login_as):
    from tests.evalsite.test_reports_workflow import make_result
    make_result(session, world.campaign, world.ent_a, final=88.0, grade="良好")
    make_result(session, world.campaign, world.ent_b, final=61.0, grade="合格", problems=[])
    page = login_as(world.city).get("/assessments/assignments?sort=final&dir=desc").get_data(as_text=True)
    assert page.index(world.ent_a.name) < page.index(world.ent_b.name) < page.index(world.ent_a2.name)


def test_evaluator_home_lists_only_assigned_enterprises(app, world, session, login_as):
    client = login_as(world.evaluator)
    page = client.get("/assessments/evaluator").get_data(as_text=True)
    assert _hub(world, world.ent_a) in page and world.ent_b.name not in page
    assert world.ent_a.name not in client.get("/assessments/evaluator?mine=submitted").get_data(as_text=True)
    assert world.ent_a.name in client.get("/assessments/evaluator?mine=none").get_data(as_text=True)
    rows = _sheet(client.get("/assessments/evaluator?format=xlsx"))
    assert [r[0] for r in rows[1:]] == [world.ent_a.name]


def test_campaign_enrolments_search_filter_export(app, world, login_as):
    city = login_as(world.city)
    url = f"/campaigns/{world.campaign.id}"
    page = city.get(f"{url}?q={world.ent_b.credit_code[:10]}").get_data(as_text=True)
    assert _hub(world, world.ent_b) in page and world.ent_a.name not in page
    rows = _sheet(city.get(f"{url}?unit={world.unit_a.id}&format=xlsx"))
    assert sorted(r[0] for r in rows[1:]) == sorted([world.ent_a.name, world.ent_a2.name])
    assert city.get(f"{url}?manual=2").status_code == 400


def test_dashboard_drill_down_keeps_its_figure_and_exports_it(app, world, login_as):
    city = login_as(world.city)
    page = city.get("/dashboard/enterprises?key=enrolled&q=威海").get_data(as_text=True)
    assert world.ent_a.name in page and world.ent_b.name not in page and 'name="key" value="enrolled"' in page
    rows = _sheet(city.get(f"/dashboard/enterprises?key=enrolled&unit={world.unit_b.id}&format=xlsx"))
    assert [r[0] for r in rows[1:]] == [world.ent_b.name]


def test_accounts_audit_and_area_contracts(app, world, login_as):
    city = login_as(world.city)
    users = city.get("/users?q=ent_a&role=enterprise").get_data(as_text=True)
    assert "ent_a_union" in users and "ent_b_union" not in users
    assert f"/enterprises/{world.ent_a.id}/hub" in users  # the account's enterprise links to its hub
    rows = _sheet(city.get("/users?role=evaluator&format=xlsx"))
    assert sorted(r[0] for r in rows[1:]) == ["evaluator", "evaluator_b"]
    assert city.get("/users?role=king").status_code == 400
    assert _sheet(city.get("/audit?format=xlsx"))[0][:3] == ("时间（北京时间）", "用户", "操作")
    assert city.get("/area-contracts?kind=nonsense").status_code == 400
    assert _sheet(city.get("/area-contracts?format=xlsx"))[0][0] == "合同名称"
    district = _sheet(login_as(world.district_a).get("/users?format=xlsx"))  # the same client, signed in anew
    assert "ent_b_union" not in [r[0] for r in district]  # the account list's own scope


def test_escalations_search_and_export_follow_the_filter(app, world, session, login_as):
    import datetime as dt

    from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result
    app.config["TODAY"] = dt.date(2021, 5, 10)
    for ent in (world.ent_a, world.ent_b):
        make_result(session, world.campaign, ent)
        draft_approve_issue(login_as, session, world, ent)
    app.config["TODAY"] = dt.date(2021, 12, 1)  # every item overdue
    city = login_as(world.city)
    page = city.get(f"/reports/escalations?unit={world.unit_b.id}").get_data(as_text=True)
    assert _hub(world, world.ent_b) in page and world.ent_a.name not in page
    rows = _sheet(city.get(f"/reports/escalations.xlsx?unit={world.unit_b.id}"))
    names = {r[0] for r in rows[1:] if r and r[0]}
    assert world.ent_b.name in names and world.ent_a.name not in names
