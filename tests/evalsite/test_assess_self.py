"""Enterprise self-assessment: drafts per section, refusals, submission, both-side confirmation."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import Assessment
from tests.conftest import PASSWORD, login

from .assess_data import good_contract, levels, make_assessment
from tests.evalsite.confirm_support import confirmed_post


def _self(session, world):
    session.expire_all()
    session.rollback()
    return session.scalar(select(Assessment).where(Assessment.enterprise_id == world.ent_a.id,
                                                   Assessment.kind == "self"))


def test_section_draft_is_saved_server_side(client, world, session):
    login(client, world.ent_a_union)
    resp = client.post("/assessments/self/A", data={"level_A1": "full", "note_A1": "工会已成立，主席在岗",
                                                    "level_A2": "partial"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/assessments/self/A")
    a = _self(session, world)
    assert a.status == "draft" and a.last_section == "A"
    assert (a.item("A1").level, a.item("A1").points, a.item("A1").note) == ("full", 2.0, "工会已成立，主席在岗")
    assert a.item("A2").points == 2.0 and a.item("A3") is None
    page = client.get("/assessments/self/A").get_data(as_text=True)
    assert "工会已成立，主席在岗" in page and 'value="partial" checked' in page


def test_score_outside_options_is_refused_and_nothing_saved_is_lost(client, world, session):
    login(client, world.ent_a_union)
    client.post("/assessments/self/B", data={"level_B1": "full", "note_B1": "要约书已存档"})
    resp = client.post("/assessments/self/B", data={"level_B1": "none", "level_B2": "7分", "note_B2": "答复及时"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "不在可选档位内" in page and "答复及时" in page  # message and the typed text kept
    a = _self(session, world)
    assert a.item("B1").level == "full" and a.item("B2") is None  # the earlier draft is untouched


def test_survey_dimension_is_read_only(client, world):
    login(client, world.ent_a_union)
    assert client.get("/assessments/self/E").status_code == 200
    assert client.post("/assessments/self/E", data={"level_E1": "full"}).status_code == 404
    assert client.get("/assessments/self/Z").status_code == 404


def test_draft_survives_logout_and_login_on_the_same_dimension(client, world, session):
    login(client, world.ent_a_union)
    client.post("/assessments/self/C", data={"level_C1": "partial", "note_C1": "覆盖5项"})
    client.post("/logout")
    resp = client.get("/assessments/self/C")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    login_url = resp.headers["Location"]
    assert "next=" in login_url and "self%2FC" in login_url
    # a real login through the form brings the user back to the same dimension of the draft
    back = client.post(login_url, data={"username": "ent_a_union", "password": PASSWORD})
    assert back.status_code == 302 and back.headers["Location"] == "/assessments/self/C"
    assert "覆盖5项" in client.get(back.headers["Location"]).get_data(as_text=True)
    login(client, world.ent_a_mgmt)  # the other side of the same enterprise sees the same draft
    overview = client.get("/assessments/self").get_data(as_text=True)
    assert "继续填写（第 A 部分尚未填完）" in overview  # the first part still incomplete, not the last one saved
    page = client.get("/assessments/self/C").get_data(as_text=True)
    assert "覆盖5项" in page and 'value="partial" checked' in page


def test_submit_requires_every_indicator(client, world, session):
    login(client, world.ent_a_union)
    client.post("/assessments/self/A", data={"level_A1": "full"})
    resp = client.post("/assessments/self/submit")
    assert resp.status_code == 400 and "尚未评分" in resp.get_data(as_text=True)
    assert _self(session, world).status == "draft"


def test_submit_locks_and_both_sides_confirm(client, world, session):
    good_contract(session, world.ent_a)
    make_assessment(session, world.campaign, world.ent_a, levels(), submitted=False)
    session.commit()
    login(client, world.ent_a_union)
    assert confirmed_post(client, "/assessments/self/submit").status_code == 302
    a = _self(session, world)
    assert a.submitted and a.submitted_by_id == world.ent_a_union.id
    # every later change is refused with a Chinese explanation
    for url, data in (("/assessments/self/A", {"level_A1": "none"}), ("/assessments/self/submit", {})):
        resp = client.post(url, data=data)
        assert resp.status_code == 409 and "已提交并锁定" in resp.get_data(as_text=True)
    assert _self(session, world).item("A1").level == "full"
    # confirmation: union, then management; neither side twice
    assert client.post("/assessments/self/confirm").status_code == 302
    a = _self(session, world)
    assert a.union_confirmed_by_id == world.ent_a_union.id and a.management_confirmed_at is None
    assert not a.confirmed
    assert client.post("/assessments/self/confirm").status_code == 409
    login(client, world.ent_a_mgmt)
    assert client.post("/assessments/self/confirm").status_code == 302
    a = _self(session, world)
    assert a.management_confirmed_by_id == world.ent_a_mgmt.id and a.confirmed


def test_confirm_before_submission_is_refused(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels(), submitted=False)
    session.commit()
    login(client, world.ent_a_union)
    resp = client.post("/assessments/self/confirm")
    assert resp.status_code == 409 and "尚未提交" in resp.get_data(as_text=True)


def test_enterprise_b_cannot_open_a_result(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels())
    session.commit()
    login(client, world.ent_b_union)
    assert client.get(f"/assessments/result/{world.ent_a.id}").status_code == 403
    assert client.get("/assessments/result/999999").status_code == 404
