"""Linked figures on the pages: a rate's n and a question's n never give a hidden cell of 1–4 back.

Before ``surveys.publication``, the enterprise page showed W14's n (33) and
满意率's n (30): 33 − 30 = the 3 who answered "不了解，无法评价", a cell the W14
table hid; and W11's n gave W06 "没有参与" back the same way.
"""
from __future__ import annotations

import re

from evalsite.survey_data import releases
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_survey_disclosure import client_for
from tests.evalsite.test_survey_results import add


def page(app, session, world):
    with app.app_context():
        releases.refresh_all(session, world.campaign.id)
        session.rollback()
    client = client_for(app, world.ent_a_mgmt)
    resp = client.get(f"/surveys/enterprises/{world.ent_a.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def rate_row(html, label):
    row = re.search(rf"<tr><td>{label}</td>(.*?)</tr>", html, re.S)
    assert row, label
    return row.group(1)


def test_three_who_cannot_judge_are_not_the_difference_of_two_published_ns(app, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 30, W14=["5"])
    add(session, world, world.ent_a, 3, W14=["X"])
    html = page(app, session, world)
    row = rate_row(html, "满意率")
    assert "为防止推算出不足5人的答案，不显示" in row
    assert ">30<" not in row  # the rate's n is not shown either
    assert "不足5人，不显示" in html  # the W14 cell of 3 itself


def test_two_who_took_no_part_are_not_w06_minus_w11(app, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 30)
    add(session, world, world.ent_a, 2, W06=["H"], W11=[])
    html = page(app, session, world)
    w11 = html.split("W11", 1)[1].split("<h3>", 1)[0]
    assert "n = 30" not in w11 and "本题不显示" in w11
    assert "为防止推算出不足5人的答案，不显示" in rate_row(html, "参与率")
