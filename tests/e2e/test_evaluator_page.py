"""Chromium on the evaluator's page: 同意企业自评 and the running totals, with and without JavaScript."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from evalsite.models import Assessment
from tests.conftest import PASSWORD
from tests.evalsite.assess_data import levels, make_assessment

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_agree_with_a_dimension_and_see_the_total(app, session, world, server, browser, javascript):  # noqa: F811
    make_assessment(session, world.campaign, world.ent_a, levels(A2="partial"))
    session.commit()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    _login(page, server, "evaluator")
    page.goto(f"{server}/assessments/evaluate/{world.ent_a.id}")
    total = page.locator('output[data-total-for="A"]')
    assert total.inner_text() == "0"
    page.click('button[name="agree"][value="dim:A"]')
    expected = {c: lv for c, lv in levels(A2="partial").items() if c.startswith("A")}
    if javascript:  # copied in the browser, nothing saved yet, the total follows
        assert page.locator("#unsaved").is_visible()
        assert page.is_checked('input[name="level_A2"][value="partial"]')
        assert float(total.inner_text()) > 0
        page.check('input[name="level_A1"][value="none"]')
        after = float(total.inner_text())
        page.click('button.primary:has-text("保存草稿")')
        page.wait_for_selector("text=外部评估草稿已保存")
        expected["A1"] = "none"
    else:  # the button posts: the server copies, saves and shows its total
        page.wait_for_selector("text=已按企业自评填入")
        after = float(page.locator('output[data-total-for="A"]').inner_text())
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"evaluate-{'js' if javascript else 'nojs'}-1366.png"), full_page=False)
        page.set_viewport_size({"width": 360, "height": 740})
        page.screenshot(path=os.path.join(SHOTS, f"evaluate-{'js' if javascript else 'nojs'}-360.png"))
    session.expire_all(); session.rollback()
    mine = session.scalar(select(Assessment).where(Assessment.kind == "external"))
    assert {c: mine.item(c).level for c in expected} == expected
    assert after == sum(mine.item(c).points for c in expected)
    context.close()


def test_report_returned_once_then_approved_and_issued_by_two_people_without_javascript(
        app, session, world, server, browser):  # noqa: F811
    from evalsite.models import ReportVersion
    from tests.evalsite.test_reports_workflow import make_result

    make_result(session, world.campaign, world.ent_a)
    app.config["TODAY"] = None
    context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
    page = context.new_page()

    def shot(name):
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{name}-1366.png"), full_page=True)
            page.set_viewport_size({"width": 360, "height": 740})
            page.screenshot(path=os.path.join(SHOTS, f"{name}-360.png"), full_page=True)
            page.set_viewport_size({"width": 1366, "height": 900})

    _login(page, server, "evaluator")
    page.goto(f"{server}/reports/enterprise/{world.ent_a.id}")
    page.click("text=按当前评估结果生成报告草稿")
    page.wait_for_selector("text=已生成报告草稿")
    version_url = page.url
    context.clear_cookies()
    _login(page, server, "city")
    page.goto(version_url)
    page.click("text=退回修改…")
    page.wait_for_selector("text=请确认：退回修改")
    page.click("text=确认退回修改")  # no reason: refused, nothing done
    page.wait_for_selector("text=请填写退回原因")
    page.fill('textarea[name="reason"]', "B1 外部评估未附会议纪要，请补充说明。")
    shot("return-confirm")
    page.click("text=确认退回修改")
    page.wait_for_selector("text=已退回修改，起草人")
    context.clear_cookies()
    _login(page, server, "evaluator")
    page.goto(version_url)
    page.wait_for_selector("text=本版本已被退回修改")
    shot("version-returned")
    page.fill('textarea[name="remarks"]', "已补充会议纪要。")
    page.click("text=保存说明并重新提交审核")
    page.wait_for_selector("text=已重新提交审核")
    context.clear_cookies()
    _login(page, server, "city")
    page.goto(version_url)
    page.click("text=审核通过…")
    page.wait_for_selector("text=请确认：审核通过")
    page.click("text=确认审核通过")
    page.wait_for_selector("text=须由另一位管理员（例如起草人）出具")
    context.clear_cookies()
    _login(page, server, "district_a")
    page.goto(version_url)
    page.click("text=出具…")
    page.wait_for_selector("text=请确认：出具报告")
    shot("issue-confirm")
    page.click("text=确认出具")
    page.wait_for_selector("text=已出具，核验码")
    shot("version-issued")
    session.expire_all(); session.rollback()
    v = session.scalar(select(ReportVersion))
    assert v.status == "issued" and v.approved_by_id == world.city.id and v.issued_by_id == world.district_a.id
    context.close()
