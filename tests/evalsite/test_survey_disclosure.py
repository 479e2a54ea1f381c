"""The disclosure policy on the site: refusals, who runs which link, what each side sees."""
from __future__ import annotations

import pytest

from evalsite.models import Submission
from surveys import disclosure
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_survey_results import add
from tests.evalsite.confirm_support import confirmed_post


def client_for(app, account):
    """A fresh client per account: a page seen as one account must not be seen through another's cookie."""
    from tests.conftest import login

    client = app.test_client()
    login(client, account)
    return client


def user(world, name):
    return {"mgmt": world.ent_a_mgmt, "union": world.ent_a_union, "evaluator": world.evaluator,
            "district": world.district_a, "city": world.city}[name]


@pytest.mark.parametrize("who", ["mgmt", "union", "evaluator"])
@pytest.mark.parametrize("url", ["/surveys/export.csv?audience=worker&enterprise={id}",
                                 "/surveys/export.csv?audience=employer&enterprise={id}",
                                 "/surveys/export.xlsx?enterprise={id}", "/surveys/export.csv"])
def test_no_enterprise_account_or_evaluator_gets_answer_rows(app, login_as, session, world, who, url):
    """The issue's reproduction: the management side downloaded one row per worker."""
    make_links(app, session, world)
    add(session, world, world.ent_a, 37, W18=["工资太低"])
    resp = login_as(user(world, who)).get(url.format(id=world.ent_a.id))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 403 and resp.mimetype == "text/html"
    assert "逐份答卷数据只提供给市、区总工会管理员" in body
    assert "工资太低" not in body and "一线职工" not in body


def test_a_wrong_audience_is_a_chinese_400(app, login_as, session, world):
    resp = login_as(world.city).get("/surveys/export.csv?audience=everyone")
    assert resp.status_code == 400 and "问卷类别无效" in resp.get_data(as_text=True)


def links_of(app, session, world):
    made = make_links(app, session, world)
    return made[(world.ent_a.id, "worker")], made[(world.ent_a.id, "employer")]


def link_requests(link):
    return [("post", f"/surveys/links/{link.id}/settings", {"status": "closed"}),
            ("post", f"/surveys/links/{link.id}/rotate", {}),
            ("get", f"/surveys/links/{link.id}/qr.png", None),
            ("get", f"/surveys/links/{link.id}/qr.svg", None),
            ("get", f"/surveys/links/{link.id}/poster.pdf", None),
            ("post", f"/surveys/links/{link.id}/ballots", {"count": "2"})]


@pytest.mark.parametrize("side,runs,refused", [("mgmt", "employer", "worker"), ("union", "worker", "employer")])
def test_each_side_runs_only_the_link_of_its_own_people(app, login_as, session, world, side, runs, refused):
    worker, employer = links_of(app, session, world)
    link = {"worker": worker, "employer": employer}
    client = login_as(user(world, side))
    for method, url, data in link_requests(link[refused]):
        resp = getattr(client, method)(url, data=data)
        assert resp.status_code == 403, url
        assert ("职工问卷由本企业工会" if refused == "worker" else "企业方问卷由本企业企业方") in resp.get_data(as_text=True)
    for method, url, data in link_requests(link[runs])[2:5]:  # read-only ones first: rotate would change the id
        assert getattr(client, method)(url, data=data).status_code == 200, url
    assert confirmed_post(client, f"/surveys/links/{link[runs].id}/settings", {"status": "closed"}).status_code == 302
    assert confirmed_post(client, f"/surveys/links/{link[runs].id}/rotate").status_code == 302
    page = client.get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert f"/surveys/links/{link[refused].id}/" not in page


def test_management_creates_only_the_employer_link(app, login_as, session, world):
    from sqlalchemy import select

    from evalsite.models import SurveyLink
    client = login_as(world.ent_a_mgmt)
    assert client.post(f"/surveys/enterprises/{world.ent_a.id}/links?campaign={world.campaign.id}").status_code == 302
    assert set(session.scalars(select(SurveyLink.audience))) == {"employer"}
    assert login_as(world.evaluator).post(f"/surveys/enterprises/{world.ent_a.id}/links").status_code == 403


def test_free_text_for_the_union_side_never_for_the_management_side(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 12, W18=["食堂太贵了"])
    add(session, world, world.ent_a, 12, audience="employer", E11=["希望税费减免政策早点落地"])
    url = f"/surveys/enterprises/{world.ent_a.id}"
    for who in ("union", "district", "city"):
        page = client_for(app, user(world, who)).get(url).get_data(as_text=True)
        assert "食堂太贵了" in page and "希望税费减免政策早点落地" in page, who
    for who in ("mgmt", "evaluator"):
        page = client_for(app, user(world, who)).get(url).get_data(as_text=True)
        assert "食堂太贵了" not in page and "希望税费减免政策早点落地" not in page, who
        assert "意见原文不向您显示" in page and "满意率" in page


def test_small_cells_say_why_they_are_hidden(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 20)
    add(session, world, world.ent_a, 2, W01=["C"])  # two middle managers
    page = login_as(world.ent_a_mgmt).get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    section = page[page.index("W01"):page.index("W02")]
    assert "不足5人，不显示" in section and "为防反推，不显示" in section
    assert "中层" in section and ">2<" not in section and "9.1%" not in section


def test_the_notice_lists_every_stored_column():
    """The privacy notice says what a submission keeps: exactly the columns of the table."""
    assert set(disclosure.STORED) == set(Submission.__table__.columns.keys())


def test_privacy_notice_is_the_policy_table(client):
    page = client.get("/s/privacy").get_data(as_text=True)
    for g in disclosure.table():
        assert disclosure.describe(g) in page
    for item in disclosure.NOT_STORED:
        assert item in page
    assert "新增至少5份答卷后才更新" in page and "满10份" in page


def test_intro_poster_and_thanks_promise_what_the_policy_does(app, client, session, world):
    """The texts respondents read say exactly what the policy table keeps (they fail here when it changes)."""
    import re

    from evalsite.pdf.poster import ANONYMITY
    from surveys import default_definition

    for audience in ("worker", "employer"):
        intro = re.sub(r"\s+", "", default_definition(audience).intro)
        assert disclosure.promise(audience) in intro
        assert "任何人都看不到" not in intro  # administrators do get de-identified rows
    assert ANONYMITY == disclosure.promise(short=True)
    assert disclosure.promise() == disclosure.notice().promise
    links = make_links(app, session, world)
    page = client.get(f"/s/{links[(world.ent_a.id, 'worker')].token}").get_data(as_text=True)
    assert 'href="/s/privacy"' in page
    assert disclosure.promise() in client.get("/s/privacy").get_data(as_text=True)
