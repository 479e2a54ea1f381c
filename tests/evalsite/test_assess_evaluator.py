"""External evaluation: assignment scope, conflicts, side-by-side scoring, requests, locking, flags."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import Assessment, ConflictDeclaration, EvaluatorAssignment, EvidenceRequest
from tests.conftest import login

from .assess_data import PDF, levels, make_assessment
from tests.evalsite.confirm_support import confirmed_post


def _fresh(session):
    session.expire_all()
    session.rollback()


def test_evaluator_not_assigned_gets_403(client, world):
    login(client, world.evaluator)
    assert client.get(f"/assessments/evaluate/{world.ent_a.id}").status_code == 200
    for url in (f"/assessments/evaluate/{world.ent_b.id}", f"/assessments/evaluate/{world.ent_a2.id}"):
        assert client.get(url).status_code == 403
        resp = client.post(url, data={"level_A1": "full"})
        assert resp.status_code == 403 and "未分配给您" in resp.get_data(as_text=True)
    assert client.post(f"/assessments/evaluate/{world.ent_b.id}/submit").status_code == 403


def test_score_submit_and_lock(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels())
    session.commit()
    login(client, world.evaluator)
    url = f"/assessments/evaluate/{world.ent_a.id}"
    bad = client.post(url, data={"level_A1": "excellent", "note_A2": "名单未公示"})
    assert bad.status_code == 400 and "不在可选档位内" in bad.get_data(as_text=True)
    assert "名单未公示" in bad.get_data(as_text=True)
    data = {f"level_{c}": lv for c, lv in levels().items()} | {"level_A2": "none", "note_A2": "无代表产生记录"}
    assert client.post(url, data=data).status_code == 302
    assert confirmed_post(client, url + "/submit").status_code == 302
    _fresh(session)
    mine = session.scalar(select(Assessment).where(Assessment.kind == "external"))
    assert mine.submitted and mine.evaluator_id == world.evaluator.id and mine.item("A2").note == "无代表产生记录"
    resp = client.post(url, data={"level_A2": "full"})
    assert resp.status_code == 409 and "已提交并锁定" in resp.get_data(as_text=True)
    assert client.post(url + "/submit").status_code == 409


def test_discrepancy_flag_per_indicator(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels())
    # B5: 4 points; partial = 2 → gap 2 = 50 % → flagged. B3: 4 points, partial 2 → flagged too; A1: 2 vs 1 → 50 %.
    make_assessment(session, world.campaign, world.ent_a, levels(B5="partial"), kind="external",
                    evaluator=world.evaluator, submitted=False)
    session.commit()
    login(client, world.evaluator)
    page = client.get(f"/assessments/evaluate/{world.ent_a.id}").get_data(as_text=True)
    assert '<tr id="ind-B5" class="flagged' in page
    assert '<tr id="ind-B4" class="flagged' not in page and '<tr id="ind-B4" class="' in page


def test_evidence_request_shows_in_enterprise_workspace_and_is_answered(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels())
    session.commit()
    login(client, world.evaluator)
    resp = client.post(f"/assessments/evaluate/{world.ent_a.id}/request",
                       data={"indicator": "B6", "message": "请补充职代会表决记录"})
    assert resp.status_code == 302
    bad = client.post(f"/assessments/evaluate/{world.ent_a.id}/request", data={"indicator": "B6", "message": ""})
    assert bad.status_code == 400
    login(client, world.ent_a_union)
    page = client.get("/assessments/self").get_data(as_text=True)
    assert "请补充职代会表决记录" in page
    _fresh(session)
    req = session.scalar(select(EvidenceRequest))
    # answering is allowed although the self-assessment is submitted
    import io
    resp = client.post(f"/assessments/self/requests/{req.id}", data={"answer": "见附件",
                       "file": (io.BytesIO(PDF), "表决记录.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302
    _fresh(session)
    req = session.get(EvidenceRequest, req.id)
    assert req.status == "answered" and req.answer == "见附件"
    login(client, world.ent_b_union)
    assert client.post(f"/assessments/self/requests/{req.id}", data={"answer": "x"}).status_code == 404


def test_declared_conflict_blocks_assignment(client, world, session):
    login(client, world.evaluator)
    assert "威海乙食品" in client.get("/assessments/conflicts").get_data(as_text=True)
    resp = client.post("/assessments/conflicts", data={"enterprise_id": world.ent_a2.id, "reason": "配偶在该企业任职"})
    assert resp.status_code == 302
    assert client.post("/assessments/conflicts", data={"enterprise_id": world.ent_a2.id, "reason": ""}).status_code == 400
    login(client, world.district_a)
    resp = client.post("/assessments/assignments", data={"enterprise_id": world.ent_a2.id,
                                                          "evaluator_id": world.evaluator.id})
    assert resp.status_code == 400 and "利益冲突" in resp.get_data(as_text=True)
    _fresh(session)
    assert session.scalar(select(ConflictDeclaration.reason)) == "配偶在该企业任职"
    assert session.scalar(select(EvaluatorAssignment).where(EvaluatorAssignment.enterprise_id == world.ent_a2.id)) is None


def test_district_admin_assigns_two_evaluators_within_scope(client, world, session, factory):
    city_eval = factory.user("city_eval", "evaluator")
    session.commit()
    login(client, world.district_a)
    for ev in (world.evaluator, city_eval):
        assert client.post("/assessments/assignments", data={"enterprise_id": world.ent_a2.id,
                                                             "evaluator_id": ev.id}).status_code == 302
    # evaluator of another district, enterprise of another district
    assert client.post("/assessments/assignments", data={"enterprise_id": world.ent_a2.id,
                                                         "evaluator_id": world.evaluator_b.id}).status_code == 400
    assert client.post("/assessments/assignments", data={"enterprise_id": world.ent_b.id,
                                                         "evaluator_id": world.evaluator.id}).status_code == 403
    _fresh(session)
    rows = session.scalars(select(EvaluatorAssignment).where(EvaluatorAssignment.enterprise_id == world.ent_a2.id)).all()
    assert {r.evaluator_id for r in rows} == {world.evaluator.id, city_eval.id}
    page = client.get("/assessments/assignments").get_data(as_text=True)
    assert "威海乙食品" in page and "文登丙纺织" not in page
    row_id = rows[0].id
    assert client.post(f"/assessments/assignments/{row_id}/delete").status_code == 302
    _fresh(session)
    assert session.get(EvaluatorAssignment, row_id) is None


def test_unassign_after_submission_is_refused(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels(), kind="external", evaluator=world.evaluator)
    row = session.scalar(select(EvaluatorAssignment).where(EvaluatorAssignment.enterprise_id == world.ent_a.id))
    session.commit()
    login(client, world.district_a)
    assert client.post(f"/assessments/assignments/{row.id}/delete").status_code == 409
