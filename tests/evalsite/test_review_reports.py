"""Report versions: 退回修改 with a reason, confirmation pages, stale confirmations, explicit withdrawal."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import ReportVersion, ReviewEvent
from tests.evalsite.confirm_support import confirmation_token, confirmed_post
from tests.evalsite.test_reports_workflow import make_result, today  # noqa: F401


def _draft(login_as, session, world):
    make_result(session, world.campaign, world.ent_a)
    assert login_as(world.evaluator).post(f"/reports/enterprise/{world.ent_a.id}/draft").status_code == 302
    session.expire_all(); session.rollback()
    return session.scalar(select(ReportVersion))


def _status(session, v):
    session.expire_all(); session.rollback()
    return session.get(ReportVersion, v.id).status


def test_return_needs_a_reason_and_the_drafter_sees_it(app, world, session, login_as, today):  # noqa: F811
    v = _draft(login_as, session, world)
    admin = login_as(world.district_a)
    page = admin.get(f"/reports/versions/{v.id}/return")
    assert page.status_code == 200 and "退回原因" in page.data.decode() and "确认退回修改" in page.data.decode()
    token = confirmation_token(page)
    resp = admin.post(f"/reports/versions/{v.id}/return", data={"reason": "   ", "confirm": token})
    assert resp.status_code == 400 and "请填写退回原因" in resp.data.decode()
    assert _status(session, v) == "draft"
    resp = admin.post(f"/reports/versions/{v.id}/return", data={"reason": "B1 外部评估缺少会议纪要依据，请补充说明。",
                                                              "confirm": token})
    assert resp.status_code == 302
    assert _status(session, v) == "returned"
    event = session.scalar(select(ReviewEvent).where(ReviewEvent.action == "return"))
    assert event.reason.startswith("B1 外部评估") and event.user_id == world.district_a.id
    page = login_as(world.evaluator).get(f"/reports/versions/{v.id}").data.decode()
    assert "本版本已被退回修改" in page and "B1 外部评估缺少会议纪要依据" in page and "审核记录" in page
    # a returned version can neither be approved nor issued until the drafter resubmits
    city = login_as(world.city)
    assert "须由起草人修改并重新提交" in city.post(f"/reports/versions/{v.id}/approve").data.decode()
    assert city.post(f"/reports/versions/{v.id}/issue").status_code == 409
    resp = login_as(world.evaluator).post(f"/reports/versions/{v.id}/edit", data={"remarks": "已补充会议纪要。"})
    assert resp.status_code == 302 and _status(session, v) == "draft"
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/approve").status_code == 302
    assert _status(session, v) == "approved"
    actions = [e.action for e in session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))]
    assert actions == ["return", "resubmit", "approve"]


def test_return_is_refused_to_evaluators_enterprises_and_other_districts(app, world, session, login_as,
                                                                          today):  # noqa: F811
    v = _draft(login_as, session, world)
    url = f"/reports/versions/{v.id}/return"
    for user in (world.evaluator, world.district_b, world.ent_a_union, world.ent_a_mgmt):
        assert login_as(user).post(url, data={"reason": "x"}).status_code in (403, 404), user.username
    assert _status(session, v) == "draft"


def test_unconfirmed_post_shows_what_will_happen_and_does_nothing(app, world, session, login_as,
                                                                   today):  # noqa: F811
    v = _draft(login_as, session, world)
    city = login_as(world.city)
    for url in (f"/reports/versions/{v.id}/approve", ):
        for resp in (city.get(url), city.post(url)):
            page = resp.data.decode()
            assert resp.status_code == 200 and "请确认：审核通过" in page and "四眼原则" in page
    assert _status(session, v) == "draft"
    assert confirmed_post(city, f"/reports/versions/{v.id}/approve").status_code == 302
    page = login_as(world.district_a).get(f"/reports/versions/{v.id}/issue").data.decode()
    assert "SHA-256" in page and "不能再修改或删除" in page and "整改项" in page
    assert _status(session, v) == "approved"


def test_stale_confirmation_is_refused_and_changes_nothing(app, world, session, login_as, today):  # noqa: F811
    v = _draft(login_as, session, world)
    token = confirmation_token(login_as(world.city).get(f"/reports/versions/{v.id}/approve"))
    # meanwhile the evaluator changes the remarks
    assert login_as(world.evaluator).post(f"/reports/versions/{v.id}/edit", data={"remarks": "新说明"}).status_code == 302
    resp = login_as(world.city).post(f"/reports/versions/{v.id}/approve", data={"confirm": token})
    assert resp.status_code == 409 and "已经发生变化" in resp.data.decode()
    assert _status(session, v) == "draft"
    # issue: approved, then returned in between
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/approve").status_code == 302
    district = login_as(world.district_a)
    token = confirmation_token(district.get(f"/reports/versions/{v.id}/issue"))
    assert confirmed_post(district, f"/reports/versions/{v.id}/return", {"reason": "再核对一次"}).status_code == 302
    assert district.post(f"/reports/versions/{v.id}/issue", data={"confirm": token}).status_code == 409
    assert _status(session, v) == "returned"


def test_editing_an_approved_version_withdraws_the_approval_explicitly(app, world, session, login_as,
                                                                       today):  # noqa: F811
    v = _draft(login_as, session, world)
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/approve").status_code == 302
    ev = login_as(world.evaluator)
    assert "保存修改将撤回审核" in ev.get(f"/reports/versions/{v.id}").data.decode()
    first = ev.post(f"/reports/versions/{v.id}/edit", data={"remarks": "补充说明"})
    assert first.status_code == 200 and "审核将被撤回" in first.data.decode() and "补充说明" in first.data.decode()
    assert _status(session, v) == "approved"  # nothing saved before the confirmation
    resp = ev.post(f"/reports/versions/{v.id}/edit", data={"remarks": "补充说明", "confirm": confirmation_token(first)},
                   follow_redirects=True)
    assert "审核已撤回，须重新审核后才能出具" in resp.data.decode()
    session.expire_all(); session.rollback()
    v = session.get(ReportVersion, v.id)
    assert v.status == "draft" and v.remarks == "补充说明" and v.approved_by_id is None
    assert session.scalar(select(ReviewEvent.action).order_by(ReviewEvent.id.desc())) == "withdraw"


def test_revoke_asks_for_a_reason_then_confirms(app, world, session, login_as, today):  # noqa: F811
    v = _draft(login_as, session, world)
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/approve").status_code == 302
    assert confirmed_post(login_as(world.district_a), f"/reports/versions/{v.id}/issue").status_code == 302
    admin = login_as(world.city)
    page = admin.get(f"/reports/versions/{v.id}/revoke")
    assert page.status_code == 200 and "撤销原因" in page.data.decode() and "不可恢复" in page.data.decode()
    token = confirmation_token(page)
    resp = admin.post(f"/reports/versions/{v.id}/revoke", data={"reason": "", "confirm": token})
    assert resp.status_code == 400 and "撤销原因" in resp.data.decode()
    first = admin.post(f"/reports/versions/{v.id}/revoke", data={"reason": "名称登记有误"})
    assert first.status_code == 200 and "名称登记有误" in first.data.decode()
    assert _status(session, v) == "issued"
    resp = admin.post(f"/reports/versions/{v.id}/revoke", data={"reason": "名称登记有误",
                                                              "confirm": confirmation_token(first)})
    assert resp.status_code == 302 and _status(session, v) == "revoked"
    # the enterprise sees the issued/revoked version but not the internal review history
    page = login_as(world.ent_a_union).get(f"/reports/versions/{v.id}").data.decode()
    assert "审核记录" not in page
