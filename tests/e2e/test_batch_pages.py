"""Batch issue in Chromium, with and without JavaScript: tick reports, confirm, watch the progress page finish
(meta refresh without JS, the poll with it), see the refused one with its reason; no overflow at 360 px."""
from __future__ import annotations

import os

import pytest

from tests.conftest import PASSWORD
from tests.evalsite.test_batch_reports import _approve, _drafts
from tests.evalsite.test_reports_workflow import today  # noqa: F401

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_batch_issue_from_the_report_list(app, world, session, server, browser, today, javascript):  # noqa: F811
    app.config["JOB_RUNNER"] = "thread"
    ids = _drafts(app, world, session, {world.ent_a: "evaluator", world.ent_a2: "evaluator"})
    _approve(app, [ids[world.ent_a.id]], world.city)
    _approve(app, [ids[world.ent_a2.id]], world.district_a)  # four eyes: district_a may not issue this one
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{server}/login")
    page.fill('input[name="username"]', "district_a")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_load_state()
    page.goto(f"{server}/reports/?campaign={world.campaign.id}")
    for vid in ids.values():
        page.check(f'input[name="version"][value="{vid}"]')
    page.click('button[name="action"][value="issue"]')
    page.wait_for_load_state()
    assert "请确认" in page.content() and "以下 1 份按目前状态将不会处理" in page.content()
    page.click("form.actions button[type=submit]")
    page.wait_for_load_state()
    assert "/batch/jobs/" in page.url
    page.wait_for_selector("text=已完成", timeout=60_000)  # the page reloads itself (meta refresh or poll)
    text = page.content()
    assert "已出具 1 份" in text and "四眼原则" in text and "未处理的项目及原因" in text
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"batch-job-{'js' if javascript else 'nojs'}-1366.png"),
                        full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"batch-job-{'js' if javascript else 'nojs'}-360.png"),
                        full_page=True)
    context.close()
