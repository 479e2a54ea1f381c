"""The enterprise hub (/enterprises/<id>/campaigns/<cid>): access per role, content per viewer, links to the work."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from evalsite.models import EscalationLetter, RectificationItem, SurveyRelease
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result

ALLOWED = ("city", "district_a", "evaluator", "ent_a_union", "ent_a_mgmt")
REFUSED = ("district_b", "evaluator_b", "ent_b_union")


def _hub(world):
    return f"/enterprises/{world.ent_a.id}/campaigns/{world.campaign.id}"


@pytest.mark.parametrize("who", ALLOWED + REFUSED)
def test_access_per_role(app, world, login_as, who):
    client = login_as(world.users()[who])
    expected = 200 if who in ALLOWED else 403
    assert client.get(_hub(world)).status_code == expected
    assert client.get(f"/enterprises/{world.ent_a.id}/hub").status_code == expected  # the current campaign


def test_anonymous_unknown_enterprise_and_campaign(app, world, client, login_as):
    resp = client.get(_hub(world))
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    city = login_as(world.city)
    assert city.get(f"/enterprises/999999/campaigns/{world.campaign.id}").status_code == 404
    assert city.get("/enterprises/999999/hub").status_code == 404
    resp = city.get(f"/enterprises/{world.ent_a.id}/campaigns/999999")
    assert resp.status_code == 404 and "行动" in resp.get_data(as_text=True)
    # an unknown enterprise is 404 even to an account that could not see it
    assert login_as(world.ent_b_union).get(f"/enterprises/999999/campaigns/{world.campaign.id}").status_code == 404


def test_evaluator_assigned_in_another_campaign_only_is_refused(app, world, factory, login_as):
    later = factory.campaign(code="2022-JZYY", current=False)
    factory.enrol(later, world.ent_a)
    factory.session.commit()
    assert login_as(world.evaluator).get(f"/enterprises/{world.ent_a.id}/campaigns/{later.id}").status_code == 403
    assert login_as(world.ent_a_union).get(f"/enterprises/{world.ent_a.id}/campaigns/{later.id}").status_code == 200


def test_link_controls_follow_the_side_that_runs_each_questionnaire(app, world, session, login_as):
    links = make_links(app, session, world)
    worker, employer = links[(world.ent_a.id, "worker")], links[(world.ent_a.id, "employer")]
    union = login_as(world.ent_a_union).get(_hub(world)).get_data(as_text=True)
    assert worker.token in union and f"/surveys/links/{worker.id}/poster.pdf" in union
    assert employer.token not in union and f"/surveys/links/{employer.id}/" not in union
    mgmt = login_as(world.ent_a_mgmt).get(_hub(world)).get_data(as_text=True)
    assert employer.token in mgmt and f"/surveys/links/{employer.id}/poster.pdf" in mgmt
    assert worker.token not in mgmt and f"/surveys/links/{worker.id}/" not in mgmt
    city = login_as(world.city).get(_hub(world)).get_data(as_text=True)
    assert worker.token in city and employer.token in city
    evaluator = login_as(world.evaluator).get(_hub(world)).get_data(as_text=True)
    assert worker.token not in evaluator and employer.token not in evaluator
    assert f"/surveys/enterprises/{world.ent_a.id}" in evaluator  # the survey page, for the released results


def test_survey_figures_are_counters_and_releases_only(app, world, session, login_as):
    make_links(app, session, world)
    session.add(SurveyRelease(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, audience="worker",
                              number=1, answers=7, released_on=dt.date(2021, 4, 2), counts={}))
    session.commit()
    page = login_as(world.ent_a_mgmt).get(_hub(world)).get_data(as_text=True)
    assert "已发布 7 份答卷的汇总结果" in page
    assert "尚未发布汇总结果" in page  # the employer questionnaire: nothing released


def test_reports_items_and_letters_per_viewer(app, world, session, login_as):
    app.config["TODAY"] = dt.date(2021, 5, 10)
    make_result(session, world.campaign, world.ent_a)
    issued = draft_approve_issue(login_as, session, world)
    draft_approve_issue(login_as, session, world, issue=False)  # a second version, approved, not issued
    items = session.scalars(select(RectificationItem)).all()
    assert items
    session.add(EscalationLetter(item_id=items[0].id, enterprise_id=world.ent_a.id, campaign_id=world.campaign.id,
                                 kind="reminder", status="draft", addressee="威海甲机械有限公司", content={}))
    session.commit()
    union = login_as(world.ent_a_union).get(_hub(world)).get_data(as_text=True)
    assert f"/reports/versions/{issued.id}\"" in union and "第1版" in union and "第2版" not in union
    assert f"/reports/items/{items[0].id}" in union and items[0].title in union
    assert "提示函" not in union  # a draft letter is the administrators' working paper
    assert "外部评估</h2>" not in union  # staff only
    city = login_as(world.city).get(_hub(world)).get_data(as_text=True)
    assert "第2版" in city and "提示函" in city and "78.5" in city and "良好" in city


def test_audit_trail_for_administrators_only(app, world, session, login_as):
    app.config["TODAY"] = dt.date(2021, 5, 10)
    make_result(session, world.campaign, world.ent_a)
    draft_approve_issue(login_as, session, world)
    for who in ("city", "district_a"):
        page = login_as(world.users()[who]).get(_hub(world)).get_data(as_text=True)
        assert 'id="audit"' in page and "report.approve" not in page  # labels, never the internal key
    for who in ("evaluator", "ent_a_union", "ent_a_mgmt"):
        page = login_as(world.users()[who]).get(_hub(world)).get_data(as_text=True)
        assert 'id="audit"' not in page


def test_every_section_links_to_its_work_page(app, world, login_as):
    page = login_as(world.district_a).get(_hub(world)).get_data(as_text=True)
    for href in (f"/enterprises/{world.ent_a.id}\"", f"/enterprises/{world.ent_a.id}/edit",
                 f"/enterprises/{world.ent_a.id}/contracts/new", f"/surveys/enterprises/{world.ent_a.id}",
                 f"/assessments/result/{world.ent_a.id}", f"/reports/enterprise/{world.ent_a.id}",
                 "/assessments/assignments"):
        assert href in page, href
    own = login_as(world.ent_a_union).get(_hub(world)).get_data(as_text=True)
    assert "/assessments/self" in own and f"/enterprises/{world.ent_a.id}/edit" not in own
    evaluator = login_as(world.evaluator).get(_hub(world)).get_data(as_text=True)
    assert f"/assessments/evaluate/{world.ent_a.id}" in evaluator


def test_campaign_switcher_lists_enrolled_campaigns(app, world, factory, login_as):
    later = factory.campaign(code="2022-JZYY", current=False, name="2022年集中要约")
    factory.enrol(later, world.ent_a)
    factory.session.commit()
    page = login_as(world.city).get(_hub(world)).get_data(as_text=True)
    assert f"/enterprises/{world.ent_a.id}/campaigns/{later.id}" in page
    assert login_as(world.city).get(f"/enterprises/{world.ent_a.id}/campaigns/{later.id}").status_code == 200


def test_gathering_takes_the_same_number_of_queries_for_one_row_or_many(app, world, session, login_as):
    """One query per section, never one per row: more contracts, items and letters cost no more queries."""
    from sqlalchemy import event

    from evalsite.db import db
    from evalsite.models import Campaign, Enterprise, User
    from evalsite.registry import hub
    from tests.evalsite.test_registry_helpers import contract

    app.config["TODAY"] = dt.date(2021, 5, 10)
    make_links(app, session, world)
    make_result(session, world.campaign, world.ent_a)
    draft_approve_issue(login_as, session, world)
    item = session.scalars(select(RectificationItem)).first()

    def count() -> int:
        statements = []
        with app.test_request_context():
            engine = db.engine
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            try:
                s = db.session
                data = hub.gather(s, s.get(User, world.city.id), s.get(Enterprise, world.ent_a.id),
                                  s.get(Campaign, world.campaign.id))
                for c in data.own_contracts:  # what the page reads of each row
                    (c.kind_label, c.expiry_date)
                for lt in data.letters:
                    (lt.kind_label, lt.number)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    contract(session, world.ent_a)
    session.add(EscalationLetter(item_id=item.id, enterprise_id=world.ent_a.id, campaign_id=world.campaign.id,
                                 kind="reminder", status="draft", addressee="甲", content={}))
    session.commit()
    count()  # the first call also fills the process's caches (settings, definitions)
    few = count()
    for i in range(6):
        contract(session, world.ent_a, title=f"第{i}份合同")
        session.add(EscalationLetter(item_id=item.id, enterprise_id=world.ent_a.id, campaign_id=world.campaign.id,
                                     kind="opinion", status="draft", addressee="甲", content={}))
    session.commit()
    assert count() == few, "a query per row"
    assert few <= 25
