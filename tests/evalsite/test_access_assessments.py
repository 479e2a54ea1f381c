"""Route × role matrix of the assessments blueprint (every endpoint, GET and POST)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from evalsite.models import Evidence, EvaluatorAssignment, EvidenceRequest
from evalsite.storage import storage_from_settings

from .access_matrix import LOGIN, Case, assert_matrix

ENT = dict(anon=LOGIN, district_other=403, evaluator=403, city=403)  # enterprise-only pages
EVAL = dict(anon=LOGIN, ent_a=403, ent_b=403, district_other=403, city=403)  # evaluator-only pages
ADMIN = dict(anon=LOGIN, ent_a=403, ent_b=403, evaluator=403)  # admin-only pages
_STATE: dict = {}


def _evidence(world, session):
    ev = session.scalar(select(Evidence).where(Evidence.enterprise_id == world.ent_a.id))
    if ev is None:
        ev = Evidence(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, indicator="B6",
                      filename="决议.pdf", stored_name="matrix-test.pdf", size=8,
                      sha256=_STATE["storage"].put(b"%PDF-1.4"), content_type="application/pdf")
        session.add(ev)
        session.commit()
    world.evidence_id = ev.id


def _veto(world, session):
    from evalsite.models import VetoEvent
    import datetime as dt

    session.rollback()  # leave the old read snapshot: requests have written since
    event = session.scalar(select(VetoEvent).where(VetoEvent.enterprise_id == world.ent_a.id))
    if event is None:
        event = VetoEvent(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, kind="collective_incident",
                          occurred_on=dt.date(2021, 4, 2), description="群体性事件")
        session.add(event)
        session.commit()
    world.veto_id = event.id


def _open_request(world, session):
    req = session.scalar(select(EvidenceRequest).where(EvidenceRequest.enterprise_id == world.ent_a.id))
    if req is None:
        req = EvidenceRequest(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, indicator="B6",
                              message="请补充表决记录")
        session.add(req)
    req.status = "open"
    session.commit()
    world.request_id = req.id


def _submitted_self(world, session):
    """A submitted self-assessment of enterprise A2 (district A) for the return page."""
    from evalsite.models import Assessment

    session.rollback()
    a = session.scalar(select(Assessment).where(Assessment.enterprise_id == world.ent_a2.id))
    if a is None:
        a = Assessment(campaign_id=world.campaign.id, enterprise_id=world.ent_a2.id, kind="self",
                       system_hash="x" * 64, status="submitted")
        session.add(a)
    a.status, a.submitted_at = "submitted", a.submitted_at or dt.datetime(2021, 4, 1)  # the schema wants both
    session.commit()
    world.submitted_self_id = a.id


def _no_extra_assignment(world, session):
    for row in session.scalars(select(EvaluatorAssignment).where(
            EvaluatorAssignment.enterprise_id == world.ent_a.id,
            EvaluatorAssignment.evaluator_id == world.evaluator_b.id)):
        session.delete(row)
    session.commit()


def _extra_assignment(world, session):
    row = session.scalar(select(EvaluatorAssignment).where(EvaluatorAssignment.enterprise_id == world.ent_a.id,
                                                           EvaluatorAssignment.evaluator_id == world.evaluator_b.id))
    if row is None:
        row = EvaluatorAssignment(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id,
                                  evaluator_id=world.evaluator_b.id)
        session.add(row)
        session.commit()
    world.extra_assignment_id = row.id


ROUTES = [
    Case("assessments.self_workspace", lambda w: "/assessments/self", dict(ENT, ent_a=200, ent_b=200)),
    Case("assessments.self_section", lambda w: "/assessments/self/A", dict(ENT, ent_a=200, ent_b=200)),
    Case("assessments.self_save", lambda w: "/assessments/self/A", dict(ENT, ent_a=302, ent_b=302), method="POST",
         data=lambda w: {"level_A1": "full"}),
    Case("assessments.self_submit", lambda w: "/assessments/self/submit", dict(ENT, ent_a=400, ent_b=400),
         method="POST", note="incomplete draft: 400 with the missing indicators"),
    Case("assessments.self_confirm", lambda w: "/assessments/self/confirm", dict(ENT, ent_a=409, ent_b=409),
         method="POST", note="not submitted yet: 409"),
    Case("assessments.request_answer", lambda w: f"/assessments/self/requests/{w.request_id}",
         dict(ENT, ent_a=302, ent_b=404), method="POST", data=lambda w: {"answer": "已补充"}, setup=_open_request),
    Case("assessments.evidence_download", lambda w: f"/assessments/evidence/{w.evidence_id}",
         dict(anon=LOGIN, ent_a=200, ent_b=403, district_other=403, evaluator=200, city=200), setup=_evidence),
    Case("assessments.result", lambda w: f"/assessments/result/{w.ent_a.id}",
         dict(anon=LOGIN, ent_a=200, ent_b=403, district_other=403, evaluator=200, city=200)),
    Case("assessments.evaluator_home", lambda w: "/assessments/evaluator", dict(EVAL, evaluator=200)),
    Case("assessments.evaluate", lambda w: f"/assessments/evaluate/{w.ent_a.id}", dict(EVAL, evaluator=200)),
    Case("assessments.evaluate_save", lambda w: f"/assessments/evaluate/{w.ent_a.id}", dict(EVAL, evaluator=302),
         method="POST", data=lambda w: {"level_A1": "full", "note_A1": "核实"}),
    Case("assessments.evaluate_submit", lambda w: f"/assessments/evaluate/{w.ent_a.id}/submit",
         dict(EVAL, evaluator=400), method="POST", note="incomplete: 400"),
    Case("assessments.request_evidence", lambda w: f"/assessments/evaluate/{w.ent_a.id}/request",
         dict(EVAL, evaluator=302), method="POST", data=lambda w: {"indicator": "B1", "message": "请补充要约书"}),
    Case("assessments.conflicts", lambda w: "/assessments/conflicts", dict(EVAL, evaluator=200)),
    Case("assessments.conflicts", lambda w: "/assessments/conflicts", dict(EVAL, evaluator=302), method="POST",
         data=lambda w: {"enterprise_id": w.ent_a2.id, "reason": "曾在该企业任职"}),
    Case("assessments.assignments", lambda w: "/assessments/assignments", dict(ADMIN, district_other=200, city=200)),
    Case("assessments.assign", lambda w: "/assessments/assignments", dict(ADMIN, district_other=403, city=302),
         method="POST", data=lambda w: {"enterprise_id": w.ent_a.id, "evaluator_id": w.evaluator_b.id},
         setup=_no_extra_assignment),
    Case("assessments.unassign", lambda w: f"/assessments/assignments/{w.extra_assignment_id}/delete",
         dict(ADMIN, district_other=403, city=302), method="POST", setup=_extra_assignment),
    Case("assessments.analysis", lambda w: "/assessments/analysis", dict(ADMIN, district_other=200, city=200)),
    Case("assessments.veto_add", lambda w: f"/assessments/result/{w.ent_a.id}/veto",
         dict(ADMIN, district_other=403, city=302), method="POST",
         data=lambda w: {"kind": "wage_arrears", "occurred_on": "2021-04-01", "description": "劳动监察查实拖欠工资"}),
    Case("assessments.self_submit", lambda w: "/assessments/self/submit", dict(ENT, ent_a=400, ent_b=400),
         note="the confirmation page (GET) refuses an incomplete draft too"),
    Case("assessments.evaluate_submit", lambda w: f"/assessments/evaluate/{w.ent_a.id}/submit",
         dict(EVAL, evaluator=400)),
    Case("assessments.assessment_return", lambda w: f"/assessments/{w.submitted_self_id}/return",
         dict(ADMIN, district_other=403, city=200), setup=_submitted_self),
    Case("assessments.assessment_return", lambda w: f"/assessments/{w.submitted_self_id}/return",
         dict(ADMIN, district_other=403, city=400), method="POST", data=lambda w: {"reason": " "},
         setup=_submitted_self, note="a return without a reason"),
    Case("assessments.veto_delete", lambda w: f"/assessments/veto/{w.veto_id}/delete",
         dict(ADMIN, district_other=403, city=302), method="POST", setup=_veto),
]


def test_assessments_route_matrix(app, world, session):
    _STATE["storage"] = storage_from_settings(app.config)
    assert_matrix(app, world, session, ROUTES)
