"""Every page an enterprise user (both sides) or an evaluator opens fits a 360 px phone: no sideways scrolling.

The pages are those of a campaign in progress: a self-assessment submitted, an issued report with
rectification items, survey links. Long addresses, hashes and codes must wrap or shorten; wide
tables scroll inside their own box (``.table-wrap``), never the page.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from evalsite.models import RectificationItem, ReportVersion
from tests.conftest import PASSWORD
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _pages(world, version, item):
    ent = world.ent_a.id
    common = ["/", "/guide", "/inbox", "/account", "/reports/", f"/reports/enterprise/{ent}", f"/reports/versions/{version}",
              f"/reports/items/{item}", f"/enterprises/{ent}/hub"]
    return {
        "ent_a_union": common + ["/assessments/self", "/assessments/self/A", "/surveys/", f"/enterprises/{ent}"],
        "ent_a_mgmt": common + ["/assessments/self", "/surveys/", f"/enterprises/{ent}"],
        "evaluator": common + ["/assessments/evaluator", f"/assessments/evaluate/{ent}", "/enterprises",
                               "/assessments/conflicts"],
    }


def test_enterprise_and_evaluator_pages_fit_a_phone(app, session, world, login_as, server, browser):
    make_links(app, session, world)
    make_result(session, world.campaign, world.ent_a)
    draft_approve_issue(login_as, session, world)
    app.config["TODAY"] = None
    session.expire_all(); session.rollback()
    version = session.scalar(select(ReportVersion.id).where(ReportVersion.status == "issued"))
    item = session.scalar(select(RectificationItem.id))
    too_wide = []
    for username, paths in _pages(world, version, item).items():
        context = browser.new_context(viewport={"width": 360, "height": 740})
        page = context.new_page()
        page.goto(f"{server}/login")
        page.fill('input[name="username"]', username)
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_load_state()
        for path in paths:
            response = page.goto(f"{server}{path}")
            assert response.status < 400, (username, path, response.status)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide.append((username, path, width))
                if SHOTS:
                    name = path.strip("/").replace("/", "_") or "home"
                    page.screenshot(path=os.path.join(SHOTS, f"wide-{username}-{name}.png"), full_page=True)
        context.close()
    assert not too_wide, f"wider than a 360 px phone: {too_wide}"


def test_a_table_is_a_card_per_row_on_a_phone(app, session, world, login_as, server, browser):
    """The enterprise's report page at 360 px: each rectification row is a card whose cells carry their headings."""
    make_result(session, world.campaign, world.ent_a)
    draft_approve_issue(login_as, session, world)
    app.config["TODAY"] = None
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill('input[name="username"]', "ent_a_union")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_load_state()
    page.goto(f"{server}/reports/enterprise/{world.ent_a.id}")
    cell = page.locator("table.cards td[data-label]").first
    assert cell.get_attribute("data-label")  # labelled from its column heading
    assert page.locator("table.cards thead").first.is_hidden()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "cards-report-enterprise-360.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("table.cards thead").first.is_visible()  # a desktop keeps the table
    context.close()
