"""The phone survey as a worker meets it at 360×640: back buttons, the first error, resuming after WeChat closed."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission
from surveys import default_definition
from tests.e2e.test_phone_survey import answer_everything
from tests.evalsite.survey_support import WORKER_ANSWERS, make_links

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 640}
SECTIONS = default_definition("worker").sections
SHOTS = os.environ.get("SURVEY_SCREENSHOTS")  # a folder: save what the tests see, to look at


@pytest.fixture
def token(app, session, world):
    return make_links(app, session, world)[(world.ent_a.id, "worker")].token


def rows(session) -> int:
    session.expire_all()
    session.rollback()
    return session.scalar(select(func.count()).select_from(Submission))


def watch(page) -> list:
    """Every document response: none may be an error (a 'confirm resubmission' page is a failed navigation)."""
    seen = []
    page.on("response", lambda r: seen.append((r.request.method, r.status, r.url))
            if r.request.resource_type == "document" else None)
    return seen


def fill(page, index, skip=()):
    for q in SECTIONS[index].questions:
        if q.code in skip:
            continue
        values = WORKER_ANSWERS[q.code]
        if q.type == "textarea":
            page.fill(f'textarea[name="{q.code}"]', values[0])
        else:
            for value in values:
                page.check(f'input[name="{q.code}"][value="{value}"]')


def next_page(page, index):
    page.click('button[name="_nav"][value="next"]')
    page.wait_for_selector(f'input[name="_sec"][value="{index}"]', state="attached")


def on_our_page(page):
    """A page of ours (with its footer), not a browser error page."""
    assert page.locator("footer >> text=隐私说明").count() == 1, page.content()[:500]


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_button_mid_survey_keeps_every_answer_and_never_asks_to_resubmit(server, browser, token, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{server}/s/{token}")
    fill(page, 0)
    next_page(page, 1)
    fill(page, 1)
    next_page(page, 2)
    page.go_back()  # the phone's back button (or WeChat's "<") on page 3
    page.wait_for_selector('input[name="_sec"][value="1"]', state="attached")
    on_our_page(page)
    assert page.is_checked('input[name="W06"][value="C"]') and page.is_checked('input[name="W07"][value="A"]')
    page.go_back()
    page.wait_for_selector('input[name="_sec"][value="0"]', state="attached")
    assert page.is_checked('input[name="W02"][value="C"]')
    page.go_forward()
    page.go_forward()
    page.wait_for_selector('input[name="_sec"][value="2"]', state="attached")
    on_our_page(page)
    assert [m for m, _, _ in seen].count("POST") == 2 and all(s in (200, 303) for _, s, _ in seen), seen
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_back_button_after_submit_shows_no_error_and_stores_one_row(server, browser, session, token, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    seen = watch(page)
    answer_everything(page, server, token)
    for _ in range(2):
        page.go_back()
        page.wait_for_load_state()
        on_our_page(page)
        assert "出错" not in page.content()
    page.go_forward()
    page.wait_for_load_state()
    on_our_page(page)
    assert all(status < 400 for _, status, _ in seen), seen
    assert rows(session) == 1
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_first_bad_question_is_named_scrolled_to_and_focused(server, browser, session, token, javascript):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{server}/s/{token}")
    fill(page, 0)
    next_page(page, 1)
    fill(page, 1, skip={"W06"})  # a checkbox question: only the server can say it is missing
    page.click('button[name="_nav"][value="next"]')
    page.wait_for_selector(".msg[role=alert]")
    banner = page.locator(".msg[role=alert] a[href='#q-W06']")
    assert banner.count() == 1 and banner.inner_text().startswith("第6题")
    assert page.url.endswith("#q-W06")  # without JavaScript the browser scrolls to the anchor
    box = page.locator("#q-W06").bounding_box()
    assert -2 <= box["y"] < PHONE["height"] / 2, box  # at the top of the screen
    assert page.get_attribute('input[name="W06"][value="A"]', "aria-invalid") == "true"
    if javascript:  # focused once the page has loaded (polled: the page's CSP forbids wait_for_function)
        page.wait_for_load_state("load")
        for _ in range(20):
            if page.evaluate("document.activeElement.name") == "W06":
                break
            page.wait_for_timeout(100)
        assert page.evaluate("document.activeElement.name") == "W06"
    assert page.is_checked('input[name="W07"][value="A"]')  # the other answers stay
    shot(page, f"error-{'js' if javascript else 'nojs'}")
    assert rows(session) == 0
    context.close()


def test_conditional_questions_hide_with_javascript_and_are_required_when_shown(server, browser, token):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/s/{token}")
    fill(page, 0)
    next_page(page, 1)
    assert page.is_hidden("#q-W08") and page.is_visible("#q-W11")  # W11 unless W06 = "没有参与"
    assert page.is_hidden("#q-W08 .hint") or page.is_hidden("#q-W08")
    page.check('input[name="W06"][value="H"]')
    assert page.is_hidden("#q-W11")
    page.uncheck('input[name="W06"][value="H"]')
    page.check('input[name="W07"][value="A"]')
    assert page.is_visible("#q-W09") and page.is_visible("#q-W09 .req")
    assert page.get_attribute('input[name="W09"][value="A"]', "required") is not None
    page.check('input[name="W06"][value="A"]')
    assert page.is_visible("#q-W11")
    page.check('input[name="W07"][value="B"]')
    assert page.is_hidden("#q-W09") and page.is_disabled('input[name="W09"][value="A"]')
    shot(page, "page2-js")
    context.close()


def test_half_filled_questionnaire_survives_closing_wechat(server, browser, session, token, tmp_path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/s/{token}")
    fill(page, 0)
    next_page(page, 1)
    page.check('input[name="W06"][value="A"]')  # half of page 2, never submitted
    page.check('input[name="W07"][value="B"]')
    state = context.storage_state()
    context.close()
    # WeChat closed: its cookies of the session are gone, what the page kept on the phone stays
    kept = {"cookies": [c for c in state["cookies"] if c.get("expires", -1) > 0], "origins": state["origins"]}
    assert not any(c["name"].startswith("sdraft") for c in kept["cookies"])
    context = browser.new_context(viewport=PHONE, storage_state=kept)
    page = context.new_page()
    page.goto(f"{server}/s/{token}")
    page.wait_for_selector("#resume:not([hidden])")
    shot(page, "resume")
    page.click("#cont")
    page.wait_for_selector('input[name="_sec"][value="1"]', state="attached")
    assert page.is_checked('input[name="W06"][value="A"]') and page.is_checked('input[name="W07"][value="B"]')
    page.check('input[name="W06"][value="C"]')
    page.check('input[name="W11"][value="A"]')
    for index in range(1, len(SECTIONS)):
        if index > 1:
            fill(page, index)
        if index < len(SECTIONS) - 1:
            next_page(page, index + 1)
    page.click('button[name="_nav"][value="next"]')
    page.wait_for_selector("text=提交成功")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('sv:')).length") == 0
    assert page.url == f"{server}/s/{token}"  # forwarding this page shares the survey, not a thank-you
    assert rows(session) == 1
    stored = session.scalar(select(Submission)).answers
    assert stored["W06"] == ["A", "C"] and stored["W07"] == "B" and stored["W01"] == "A"
    context.close()


def test_screenshots_at_phone_and_desktop_width(server, browser, token):
    for width, height in ((360, 640), (1366, 768)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{server}/s/{token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
        name = page.locator("header.top").inner_text()
        assert name == "威海甲机械有限公司"
        shot(page, f"first-{width}")
        context.close()


def test_a_slip_link_fills_its_code_in_and_keeps_it_out_of_a_forwarded_link(server, browser, app, session, world):
    from evalsite.models import SurveyLink
    from evalsite.survey_data import store as svc

    links = make_links(app, session, world)
    link = session.get(SurveyLink, links[(world.ent_a.id, "worker")].id)
    code = svc.issue_ballots(session, link, 1)[0]
    session.commit()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/s/{link.token}?b={code}")
    assert page.input_value("#ballot") == code
    assert page.url == f"{server}/s/{link.token}"
    assert page.evaluate("document.querySelector('#ballot').labels[0].textContent").startswith("作答码")
    shot(page, "ballot")
    context.close()
