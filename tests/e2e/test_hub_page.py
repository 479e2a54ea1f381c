"""Chromium on the enterprise hub at 1366 and 360 px: every section there, no horizontal overflow on a phone."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.conftest import PASSWORD
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_load_state()


@pytest.mark.parametrize("who", ["district_a", "ent_a_union"])
def test_hub_at_desktop_and_phone_width(app, session, world, server, browser, login_as, who):
    app.config["TODAY"] = dt.date(2021, 5, 10)
    make_links(app, session, world)
    make_result(session, world.campaign, world.ent_a)
    draft_approve_issue(login_as, session, world)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    _login(page, server, who)
    page.goto(f"{server}/enterprises/{world.ent_a.id}/hub")
    for heading in ("登记信息", "集体合同", "问卷回收", "自评", "评估结果与等级", "报告", "整改项", "监督函件"):
        assert page.locator(f"h2:text-is('{heading}')").count() == 1, heading
    assert (page.locator("h2:text-is('操作记录')").count() == 1) == (who == "district_a")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"hub-{who}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.wait_for_timeout(100)
    width = page.evaluate("document.documentElement.scrollWidth")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"hub-{who}-360.png"), full_page=True)
    assert width <= 360, f"the hub is {width} px wide at 360"
    context.close()
