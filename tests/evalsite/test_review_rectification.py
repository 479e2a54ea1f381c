"""Rectification answers are returned like every other review step: same reason form, same history."""
from __future__ import annotations

from tests.evalsite.test_rectification import _issue, _items
from tests.evalsite.test_reports_workflow import today  # noqa: F401


def test_return_of_an_answer_needs_a_reason_and_shows_it(app, world, session, login_as, today):  # noqa: F811
    both = _issue(app, world, session, login_as)["P-SURV-03"]
    assert login_as(world.ent_a_union).post(f"/reports/items/{both.id}/submit",
                                            data={"measures": "开展满意度回访"}).status_code == 302
    ev = login_as(world.evaluator)
    resp = ev.post(f"/reports/items/{both.id}/review", data={"action": "return", "comment": "  "})
    page = resp.data.decode()
    assert resp.status_code == 400 and "请填写退回原因" in page and "selected value=\"return\"" in page
    assert _items(session)["P-SURV-03"].status == "submitted"
    resp = ev.post(f"/reports/items/{both.id}/review", data={"action": "return", "comment": "缺少回访名单"},
                   follow_redirects=True)
    page = resp.data.decode()
    assert "已退回整改" in page and "已已" not in page
    for side in (world.ent_a_union, world.ent_a_mgmt):  # 双方 own this item
        page = login_as(side).get(f"/reports/items/{both.id}").data.decode()
        assert "本整改项的整改情况已被退回修改" in page and "缺少回访名单" in page
        # the history uses words, never status keys
        assert "退回整改" in page and "提交整改情况" in page and "→ returned" not in page and "submitted" not in page
    login_as(world.ent_a_union).post(f"/reports/items/{both.id}/submit", data={"measures": "补充回访名单"})
    resp = login_as(world.evaluator).post(f"/reports/items/{both.id}/review", data={"action": "accept"},
                                          follow_redirects=True)
    page = resp.data.decode()
    assert "已验收通过。" in page and "已已" not in page
    assert "已被退回修改" not in login_as(world.ent_a_union).get(f"/reports/items/{both.id}").data.decode()


def test_review_refused_to_enterprises_and_other_districts(app, world, session, login_as, today):  # noqa: F811
    both = _issue(app, world, session, login_as)["P-SURV-03"]
    login_as(world.ent_a_union).post(f"/reports/items/{both.id}/submit", data={"measures": "开展满意度回访"})
    for user in (world.ent_a_union, world.ent_a_mgmt, world.district_b, world.evaluator_b):
        resp = login_as(user).post(f"/reports/items/{both.id}/review", data={"action": "return", "comment": "x"})
        assert resp.status_code == 403, user.username
    assert _items(session)["P-SURV-03"].status == "submitted"
