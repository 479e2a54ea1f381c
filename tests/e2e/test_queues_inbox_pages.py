"""The home to-dos, a work queue and the inbox in Chromium at 360 px and 1366 px: no sideways scrolling,
every to-do opens its list, the header's unread count leads to the message."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from evalsite.models import Message
from tests.evalsite.test_queues import _busy_campaign

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QUEUE_SCREENSHOTS")  # a folder: save what the test sees, to look at
WIDTHS = (360, 1366)
PASSWORD = "Passw0rd!demo"


def _login(page, base, username):
    page.goto(f"{base}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"{base}/")


def _no_overflow(page, what):
    wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 1, f"{what}: {wide}px of sideways scrolling"


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_enterprise_home_queue_and_inbox(server, browser, world, session, width):
    _busy_campaign(session, world)
    session.add(Message(recipient_id=world.ent_a_mgmt.id, kind="returned",
                        title="整改答复被退回，请按意见修改后重新提交：整改事项4",
                        body="退回理由：缺少回访名单，请补充 https://example.cn/a/very/long/address/that/must/wrap/"
                             "0123456789abcdef0123456789abcdef", link="/reports/"))
    session.commit()
    page = browser.new_page(viewport={"width": width, "height": 800})
    _login(page, server, "ent_a_mgmt")
    assert page.locator("header .inbox-link .badge").inner_text() == "1"
    assert page.locator("text=本企业的期限").count() == 1
    _no_overflow(page, "home")
    _shot(page, f"home-enterprise-{width}")
    page.click('tr[data-todo="my-items"] a')
    assert page.locator("h1").inner_text() == "待本方答复的整改事项"
    assert page.locator("tr.queue-row").count() == 3
    _no_overflow(page, "queue")
    _shot(page, f"queue-{width}")
    page.click("header .inbox-link")
    _no_overflow(page, "inbox")
    _shot(page, f"inbox-{width}")
    page.click("tr.message-row a")
    assert "缺少回访名单" in page.locator(".message-body").inner_text()
    assert page.locator("header .inbox-link .badge").count() == 0  # opened: read
    _no_overflow(page, "message")
    _shot(page, f"message-{width}")
    page.close()


def test_city_home_every_todo_opens_its_list(server, browser, world, session):
    _busy_campaign(session, world)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    _login(page, server, "city")
    _shot(page, "home-city-360")
    keys = page.eval_on_selector_all("tr[data-todo]", "rows => rows.map(r => r.dataset.todo)")
    assert "answers" in keys and "letters-draft" in keys
    page.goto(f"{server}/todo/answers")
    assert page.locator("tr.queue-row").count() == 4
    _no_overflow(page, "answers queue")
    _shot(page, "queue-answers-360")
    page.close()
    page = browser.new_page(viewport={"width": 360, "height": 800})
    _login(page, server, "ent_b_union")
    page.click('tr[data-todo="my-requests"] a')
    assert page.locator("tr.queue-row").count() == 20 and page.locator("text=下一页").count() == 1
    page.click("text=下一页")
    assert page.locator("tr.queue-row").count() == 3
    _no_overflow(page, "second page")
    page.close()
