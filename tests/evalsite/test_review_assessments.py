"""Submitted assessments sent back with a reason: the self-assessment reopened, an external evaluation returned."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import Assessment, ReviewEvent
from tests.conftest import login
from tests.evalsite.confirm_support import confirmation_token, confirmed_post

from .assess_data import good_contract, levels, make_assessment


def _get(session, a_id):
    session.expire_all(); session.rollback()
    return session.get(Assessment, a_id)


def _submitted_self(session, world):
    good_contract(session, world.ent_a)
    a = make_assessment(session, world.campaign, world.ent_a, levels(), submitted=True, confirmed=True)
    session.commit()
    return a.id


def test_reopen_self_assessment_with_a_reason_seen_by_both_sides(client, world, session):
    a_id = _submitted_self(session, world)
    login(client, world.district_a)
    url = f"/assessments/{a_id}/return"
    page = client.get(url)
    assert page.status_code == 200 and "退回原因" in page.get_data(as_text=True)
    assert "双方确认作废" in page.get_data(as_text=True)
    resp = client.post(url, data={"reason": "", "confirm": confirmation_token(page)})
    assert resp.status_code == 400 and "请填写退回原因" in resp.get_data(as_text=True)
    assert _get(session, a_id).submitted
    resp = confirmed_post(client, url, {"reason": "B6 职代会表决人数与会议记录不符，请核对后重新填写。"})
    assert resp.status_code == 302
    a = _get(session, a_id)
    assert a.status == "draft" and a.submitted_at is None and not a.confirmed
    event = session.scalar(select(ReviewEvent))
    assert (event.action, event.user_id, event.enterprise_id) == ("reopen", world.district_a.id, world.ent_a.id)
    for user in (world.ent_a_union, world.ent_a_mgmt):
        login(client, user)
        page = client.get("/assessments/self").get_data(as_text=True)
        assert "本企业的自评已被退回修改" in page and "B6 职代会表决人数与会议记录不符" in page
        assert "自评处理记录" in page
    # editing is open again; resubmission clears the notice and is recorded
    login(client, world.ent_a_union)
    section_b = {f"level_{c}": lv for c, lv in levels(B6="none").items() if c.startswith("B")}
    assert client.post("/assessments/self/B", data=section_b).status_code == 302
    assert confirmed_post(client, "/assessments/self/submit").status_code == 302
    assert _get(session, a_id).submitted
    assert "已被退回修改" not in client.get("/assessments/self").get_data(as_text=True)
    actions = [e.action for e in session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))]
    assert actions == ["reopen", "resubmit"]


def test_return_external_evaluation_to_its_evaluator(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels())
    ext = make_assessment(session, world.campaign, world.ent_a, levels(), kind="external", evaluator=world.evaluator)
    session.commit()
    login(client, world.city)
    page = client.get(f"/assessments/result/{world.ent_a.id}").get_data(as_text=True)
    assert f"/assessments/{ext.id}/return" in page
    resp = confirmed_post(client, f"/assessments/{ext.id}/return", {"reason": "A2 评分依据不足"})
    assert resp.status_code == 302 and _get(session, ext.id).status == "draft"
    login(client, world.evaluator)
    page = client.get(f"/assessments/evaluate/{world.ent_a.id}").get_data(as_text=True)
    assert "我的外部评估已被退回修改" in page and "A2 评分依据不足" in page
    assert "已退回：A2 评分依据不足" in client.get("/assessments/evaluator").get_data(as_text=True)


def test_return_refused_to_the_wrong_roles_and_when_not_submitted(client, world, session):
    a_id = _submitted_self(session, world)
    url = f"/assessments/{a_id}/return"
    for user, status in ((world.ent_a_union, 403), (world.ent_a_mgmt, 403), (world.ent_b_union, 403),
                         (world.evaluator, 403), (world.district_b, 403)):
        login(client, user)
        assert client.post(url, data={"reason": "x"}).status_code == status, user.username
    assert _get(session, a_id).submitted
    login(client, world.city)
    assert client.get("/assessments/99999/return").status_code == 404
    draft = make_assessment(session, world.campaign, world.ent_a2, levels(), submitted=False)
    session.commit()
    assert client.post(f"/assessments/{draft.id}/return", data={"reason": "x"}).status_code == 409


def test_stale_return_confirmation_is_refused(client, world, session):
    a_id = _submitted_self(session, world)
    login(client, world.city)
    token = confirmation_token(client.get(f"/assessments/{a_id}/return"))
    a = _get(session, a_id)
    a.item("A1").note = "企业另行补充的说明"
    session.commit()
    resp = client.post(f"/assessments/{a_id}/return", data={"reason": "请核对", "confirm": token})
    assert resp.status_code == 409 and _get(session, a_id).submitted


def test_submit_confirmation_page_and_stale_submit(client, world, session):
    good_contract(session, world.ent_a)
    a = make_assessment(session, world.campaign, world.ent_a, levels(), submitted=False)
    session.commit()
    login(client, world.ent_a_union)
    page = client.get("/assessments/self/submit")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "提交后锁定" in text and "职工方和企业方须分别登录确认" in text
    token = confirmation_token(page)
    login(client, world.ent_a_mgmt)  # the other side changes a level in between
    section_a = {f"level_{c}": lv for c, lv in levels(A1="none").items() if c.startswith("A")}
    assert client.post("/assessments/self/A", data=section_a).status_code == 302
    login(client, world.ent_a_union)
    resp = client.post("/assessments/self/submit", data={"confirm": token})
    assert resp.status_code == 409 and not _get(session, a.id).submitted
