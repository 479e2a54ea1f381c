"""A real headless Chromium on a 360×640 phone screen answers the worker questionnaire."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission
from surveys import default_definition
from tests.evalsite.survey_support import WORKER_ANSWERS, make_links

pytestmark = pytest.mark.browser


def answer_everything(page, base, token):
    page.goto(f"{base}/s/{token}")
    assert "不记录IP地址" in page.content()
    sections = default_definition("worker").sections
    for index, section in enumerate(sections):
        page.wait_for_selector(f'input[name="_sec"][value="{index}"]', state="attached")
        for q in section.questions:
            values = WORKER_ANSWERS[q.code]
            if q.type == "textarea":
                page.fill(f'textarea[name="{q.code}"]', values[0])
                continue
            for value in values:
                page.check(f'input[name="{q.code}"][value="{value}"]')
        button = page.locator('button[name="_nav"][value="next"]')
        if index < len(sections) - 1:
            button.click()
        else:
            box = button.bounding_box()
            assert box["height"] >= 44
            button.dblclick()
    page.wait_for_selector("text=提交成功")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_phone_answers_whole_questionnaire_once(app, session, world, server, browser, javascript):
    links = make_links(app, session, world)
    token = links[(world.ent_a.id, "worker")].token
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=javascript)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    answer_everything(page, server, token)
    option = page.context.new_page()
    option.goto(f"{server}/s/{token}?again=1")
    height = option.locator("label.opt").first.bounding_box()["height"]
    assert height >= 44
    context.close()
    assert all(u.startswith(server) for u in requests), "a third-party request was made"
    session.expire_all()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Submission)) == 1
    stored = session.scalar(select(Submission))
    assert stored.answers["W17"] == ["A", "C"] and stored.answers["W18"] == WORKER_ANSWERS["W18"][0]
