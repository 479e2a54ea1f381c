"""A whole campaign cycle in Chromium, as each role, counting the clicks of every main task.

The cycle of issue 11: the city assigns an evaluator; the enterprise's union side fills and
submits the self-assessment and both sides confirm; the district returns it once with a
reason; the enterprise corrects and resubmits; the evaluator agrees with the self-assessment
and submits; the evaluator drafts the report; the city returns it once; the evaluator
resubmits; the city approves; the district batch-issues it from the report list; the enterprise answers a rectification
item; the district accepts it. Every step is clicked on the page the user sees (JavaScript
off, so the confirmation pages are exercised), and the clicks per task are printed for the
closing note (run with ``-s``). Each party is told in the inbox and by e-mail (a local SMTP
server), and the reviewer reaches the answer waiting for acceptance from the home page's to-do.
"""
from __future__ import annotations

import os
from collections import Counter

import pytest
from sqlalchemy import select

from evalsite.models import Assessment, EscalationLetter, Message, RectificationItem, ReportVersion, User
from tests.conftest import PASSWORD
from tests.evalsite.test_inbox import app_config, smtp  # noqa: F401  (mail settings and the local SMTP server)

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


class Walk:
    """One browser page that counts clicks (buttons, links, radios) per task."""

    def __init__(self, browser, base):
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=False)
        self.page = self.context.new_page()
        self.base = base
        self.task = "?"
        self.clicks: Counter = Counter()

    def as_user(self, username: str, task: str) -> None:
        self.task = task
        self.context.clear_cookies()
        self.page.goto(f"{self.base}/login")
        self.page.fill('input[name="username"]', username)
        self.page.fill('input[name="password"]', PASSWORD)
        self.page.click('button[type="submit"]')
        self.page.wait_for_load_state()

    def click(self, selector: str) -> None:
        self.clicks[self.task] += 1
        self.page.click(selector)
        self.page.wait_for_load_state()

    def check(self, selector: str) -> None:
        self.clicks[self.task] += 1
        self.page.check(selector)

    def see(self, text: str) -> None:
        self.page.wait_for_selector(f"text={text}", timeout=10_000)

    def shot(self, name: str) -> None:
        if SHOTS:
            self.page.screenshot(path=os.path.join(SHOTS, f"cycle-{name}-1366.png"), full_page=True)
            self.page.set_viewport_size({"width": 360, "height": 740})
            self.page.screenshot(path=os.path.join(SHOTS, f"cycle-{name}-360.png"), full_page=True)
            self.page.set_viewport_size({"width": 1366, "height": 900})


def _fill_self_assessment(walk: Walk, low: set[str]) -> None:
    """Choose a level for every indicator, section by section (the lowest for ``low``, else the highest)."""
    page = walk.page
    walk.click("text=开始填写")
    while True:
        groups = page.eval_on_selector_all(
            'input[type="radio"][name^="level_"]',
            "els => [...new Set(els.map(e => e.name))]")
        for name in groups:
            code = name.removeprefix("level_")
            radios = page.locator(f'input[type="radio"][name="{name}"]')
            target = radios.last if code in low else radios.first
            walk.clicks[walk.task] += 1
            target.check()
        if page.locator('button[name="go"]').count():
            walk.click('button[name="go"]')
        else:
            if groups:  # the last section with something to score (survey-fed ones have no form)
                walk.click('button:has-text("保存本部分")')
            break


def test_a_whole_campaign_cycle_as_every_role(app, session, factory, world, server, browser, smtp):  # noqa: F811
    app.config["TODAY"] = None
    app.config["JOB_RUNNER"] = "thread"  # the batch issue runs in the web process, as without Redis
    ent = world.ent_a2
    factory.user("ent_a2_union", "enterprise", enterprise=ent, side="union")
    factory.user("ent_a2_mgmt", "enterprise", enterprise=ent, side="management")
    for user in session.scalars(select(User)):
        user.email = f"{user.username}@example.cn"
    session.commit()
    walk = Walk(browser, server)

    # the city assigns the district's evaluator to the enterprise
    walk.as_user("city", "分配评估员")
    walk.page.goto(f"{server}/assessments/assignments")
    row = f'tr:has-text("{ent.name}")'
    walk.page.select_option(f'{row} select[name="evaluator_id"]', str(world.evaluator.id))
    walk.click(f'{row} button:has-text("分配")')
    walk.see(f"已将 {ent.name} 分配给评估员")

    # the union side fills and submits the self-assessment; both sides confirm
    walk.as_user("ent_a2_union", "填写并提交自评")
    walk.page.goto(f"{server}/assessments/self")
    _fill_self_assessment(walk, low={"B1"})
    walk.page.goto(f"{server}/assessments/self")
    walk.click("text=提交自评（提交后锁定）…")
    walk.see("请确认：提交自评")
    walk.click("text=确认提交并锁定")
    walk.see("自评已提交并锁定")
    walk.click("text=职工方确认自评")
    walk.as_user("ent_a2_mgmt", "填写并提交自评")
    walk.page.goto(f"{server}/assessments/self")
    walk.click("text=企业方确认自评")
    walk.see("企业方已确认自评")

    # the district returns it once, with a reason
    walk.as_user("district_a", "退回自评")
    walk.page.goto(f"{server}/assessments/result/{ent.id}")
    walk.click("text=退回修改…")
    walk.page.fill('textarea[name="reason"]', "B1 书面要约的说明与附件不符，请核实后重新提交。")
    walk.click('button:has-text("确认退回自评")')
    walk.see("已退回")

    # the enterprise sees the reason, corrects, resubmits; both sides confirm again
    walk.as_user("ent_a2_union", "按退回原因修改并重新提交")
    walk.page.goto(f"{server}/assessments/self")
    walk.see("B1 书面要约的说明与附件不符")
    walk.shot("self-returned")
    walk.click("text=提交自评（提交后锁定）…")
    walk.click("text=确认提交并锁定")
    walk.click("text=职工方确认自评")
    walk.as_user("ent_a2_mgmt", "按退回原因修改并重新提交")
    walk.page.goto(f"{server}/assessments/self")
    walk.click("text=企业方确认自评")

    # the evaluator agrees with the self-assessment dimension by dimension and submits
    walk.as_user("evaluator", "外部评估")
    walk.page.goto(f"{server}/assessments/evaluate/{ent.id}")
    for dim in walk.page.eval_on_selector_all('button[name="agree"][value^="dim:"]', "els => els.map(e => e.value)"):
        walk.click(f'button[name="agree"][value="{dim}"]')
    walk.click("text=提交外部评估")
    walk.click('button:has-text("确认提交")')
    walk.see("外部评估已提交")

    # the evaluator drafts the report; the city returns it once; the evaluator resubmits
    walk.as_user("evaluator", "起草报告")
    walk.page.goto(f"{server}/reports/enterprise/{ent.id}")
    walk.click("text=按当前评估结果生成报告草稿")
    walk.see("已生成报告草稿")
    version_url = walk.page.url
    walk.as_user("city", "审核报告（退回一次）")
    walk.page.goto(version_url)
    walk.click("text=退回修改…")
    walk.page.fill('textarea[name="reason"]', "请在说明中写明整改期限的计算方法。")
    walk.click("text=确认退回修改")
    walk.see("已退回修改")
    walk.as_user("evaluator", "起草报告")
    walk.page.goto(version_url)
    walk.see("本版本已被退回修改")
    walk.page.fill('textarea[name="remarks"]', "整改期限按工作日计算，已写明。")
    walk.click("text=保存说明并重新提交审核")
    walk.see("已重新提交审核")

    # a second person approves; the district issues
    walk.as_user("city", "审核通过")
    walk.page.goto(version_url)
    walk.click("text=审核通过…")
    walk.click("text=确认审核通过")
    walk.as_user("district_a", "出具报告（批量）")  # tick on the report list, confirm, watch the job finish
    walk.page.goto(f"{server}/reports/?campaign={world.campaign.id}")
    version_id = int(version_url.rstrip("/").rsplit("/", 1)[1])
    walk.check(f'input[name="version"][value="{version_id}"]')
    walk.click('button[name="action"][value="issue"]')
    walk.see("请确认")
    walk.click("form.actions button[type=submit]")
    walk.page.wait_for_selector("text=已完成", timeout=60_000)
    walk.see("已出具 1 份")
    walk.shot("issued")

    # the enterprise answers a rectification item; the district accepts it
    session.expire_all(); session.rollback()
    item = session.scalars(select(RectificationItem).where(RectificationItem.enterprise_id == ent.id)).first()
    assert item is not None, "the issued report has no rectification item"
    # the district drafts a supervision letter on the item; the city approves it; the district numbers and issues it
    walk.as_user("district_a", "起草并出具监督文书")
    walk.page.goto(f"{server}/reports/items/{item.id}")
    walk.click('form[action$="/letters"] button:has-text("起草")')
    walk.see("请预览、修改措辞后送审")
    letter_url = walk.page.url
    walk.as_user("city", "审核监督文书")
    walk.page.goto(letter_url)
    walk.click("text=审核通过…")
    walk.see("请确认：审核")
    walk.click('button:has-text("确认审核通过")')
    walk.see("已审核通过")
    walk.as_user("district_a", "起草并出具监督文书")
    walk.page.goto(letter_url)
    walk.click("text=编号并出具…")
    walk.check('input[type="checkbox"]')
    walk.click('button:has-text("编号并出具")')
    walk.see("已编号出具")
    walk.shot("letter-issued")

    walk.as_user("ent_a2_union", "答复整改")
    walk.page.goto(f"{server}/reports/items/{item.id}")
    walk.page.fill('textarea[name="measures"]', "已于本月召开职工代表大会补正书面要约，附会议纪要。")
    walk.click('button:has-text("提交验收")')
    walk.see("已提交，等待验收")
    walk.as_user("district_a", "验收整改")  # from the home page's to-do, not a typed address
    walk.click("text=待验收的整改答复")
    walk.click(f'a[href*="/reports/items/{item.id}"]')
    walk.page.select_option('select[name="action"]', "accept")
    walk.click('form[action$="/review"] button:has-text("提交")')
    walk.see("已验收通过")
    walk.shot("item-accepted")

    session.expire_all(); session.rollback()
    self_row = session.scalar(select(Assessment).where(Assessment.enterprise_id == ent.id, Assessment.kind == "self"))
    version = session.scalar(select(ReportVersion).where(ReportVersion.status == "issued"))
    item = session.get(RectificationItem, item.id)
    assert self_row.submitted and self_row.confirmed
    assert version.approved_by_id == world.city.id and version.issued_by_id == world.district_a.id
    assert item.status == "accepted"
    letter = session.scalar(select(EscalationLetter))
    assert letter.is_issued and letter.approved_by_id == world.city.id and letter.number
    # every party was told, in the inbox and by e-mail
    told = {(m.recipient_id, m.kind) for m in session.scalars(select(Message))}
    users = {u.username: u for u in session.scalars(select(User))}
    expected = [("evaluator", "assignment"), ("ent_a2_union", "returned"), ("evaluator", "returned"),
                ("evaluator", "approved"), ("ent_a2_union", "issued"), ("ent_a2_mgmt", "issued"),
                ("district_a", "rectification_answer"), ("ent_a2_union", "accepted")]
    missing = [(name, kind) for name, kind in expected if (users[name].id, kind) not in told]
    assert not missing, f"not told: {missing}"
    mailed = {address for rcpt, _ in smtp.mails for address in rcpt}
    assert {f"{name}@example.cn" for name, _ in expected} <= mailed
    walk.as_user("ent_a2_union", "收件箱")
    walk.click("a.inbox-link")
    walk.see("报告")
    print("\nclicks per task:", dict(walk.clicks))
    walk.context.close()
