"""Demo stage: self-assessments, evaluator assignments, external evaluations,
evidence requests, then the results and problems of every enrolled enterprise.

Quality is drawn per enterprise; self-assessments lean optimistic and the
external scores scatter around the truth, so the analysis page shows a gap.
Runs after the orgs and surveys stages and reads what they stored.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ..campaign_context import current_campaign
from ..models import (Assessment, AssessmentItem, ConflictDeclaration, Enrolment, Enterprise,
                      EvaluatorAssignment, Evidence, EvidenceRequest, User, VetoEvent)
from ..assessments import results as evaluation

SAMPLE = 60
REQUESTS = ["请补充职代会表决记录（签到表和计票单）", "请上传要约书及对方书面答复的扫描件", "请补充合同公示的照片或截图",
            "请补充工资台账摘要，说明约定增幅的兑现情况", "请上传备案回执"]
DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pick(rng, ind, quality: float, suggested=None) -> str:
    levels = sorted(ind.rule.levels, key=lambda lv: -lv.points)
    if suggested and rng.random() < 0.8:
        return suggested
    roll = rng.random()
    if roll < quality or len(levels) == 1:
        return levels[0].key
    if len(levels) > 2 and roll < quality + (1 - quality) * 0.6:
        return levels[1].key
    return levels[-1].key


def _assessment(campaign, ent, system_hash, kind, evaluator=None, status="submitted", when=None):
    return Assessment(campaign_id=campaign.id, enterprise_id=ent.id, kind=kind,
                      evaluator_id=evaluator.id if evaluator else None, system_hash=system_hash, status=status,
                      submitted_at=when if status == "submitted" else None)


def _fill(rng, system, assessment, quality, suggestions=None, only=None, author=None):
    for ind in system.assessable:
        if only is not None and ind.dimension not in only:
            continue
        key = _pick(rng, ind, quality, (suggestions or {}).get(ind.code))
        assessment.items.append(AssessmentItem(indicator=ind.code, level=key, points=ind.points_for(key),
                                               updated_by_id=author))


def _evaluators(session, ent, evaluators):
    """Evaluators of the enterprise's district first, then city-level ones."""
    local = [u for u in evaluators if u.unit_id == ent.unit_id]
    city = [u for u in evaluators if u.unit_id is None]
    return local + city or evaluators


def _city_evaluators(session, users) -> list[User]:
    """Four city-level evaluators (no unit), so every district can get two evaluators."""
    template = next((u for u in users if u.role == "evaluator"), None)
    if template is None:
        return []
    out = [User(username=f"pinggu_shi{i}", password_hash=template.password_hash, display_name=f"市级评估员{i}",
                role="evaluator") for i in range(1, 5)]
    session.add_all(out)
    session.flush()
    return out


def seed(ctx) -> None:
    session, rng = ctx.session, ctx.rng
    campaign = ctx.data.get("campaign") or current_campaign(session)
    if campaign is None:
        return
    system = evaluation.system_for(session, campaign)
    ents = list(session.scalars(select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id)
                                .where(Enrolment.campaign_id == campaign.id).order_by(Enterprise.id)))
    users = list(session.scalars(select(User).where(User.role.in_(["enterprise", "evaluator"]))))
    by_ent: dict[int, dict] = {}
    for u in users:
        if u.role == "enterprise" and u.enterprise_id:
            by_ent.setdefault(u.enterprise_id, {})[u.side] = u
    evaluators = [u for u in users if u.role == "evaluator"] + _city_evaluators(session, users)
    start = dt.datetime.combine(campaign.start_date, dt.time(9))
    quality, submitted = {}, []
    demo = [pair["enterprise"].id for pair in ctx.data.get("enterprise_users", [])[:2]]
    for ent in ents:
        roll = rng.random()
        if ent.id in demo:  # first demo login: a draft to continue; second: submitted, awaiting confirmation
            roll = 0.1 if ent.id == demo[0] else 0.5
        elif roll < 0.08:
            continue  # not started
        # enterprises without a contract in force have little bargaining to show for
        q = min(1.0, max(0.05, rng.gauss(0.72, 0.18) if evaluation.has_valid_contract(session, ent, campaign)
                         else rng.gauss(0.3, 0.12)))
        quality[ent.id] = q
        sides = by_ent.get(ent.id, {})
        author = (sides.get("union") or sides.get("management"))
        own = _assessment(campaign, ent, system.hash, "self", status="submitted" if roll > 0.2 else "draft",
                          when=start + dt.timedelta(days=rng.randint(10, 35)))
        dims = None if own.status == "submitted" else set("ABCD"[: rng.randint(1, 3)])
        _fill(rng, system, own, min(1.0, q + 0.12), only=dims, author=author.id if author else None)
        own.last_section = "D" if dims is None else max(dims)
        if own.status == "submitted":
            own.submitted_by_id = author.id if author else None
            if rng.random() < 0.9:
                own.union_confirmed_at = own.submitted_at + dt.timedelta(days=1)
                own.union_confirmed_by_id = sides["union"].id if "union" in sides else None
            if rng.random() < 0.85 and ent.id not in demo:
                own.management_confirmed_at = own.submitted_at + dt.timedelta(days=2)
                own.management_confirmed_by_id = sides["management"].id if "management" in sides else None
            submitted.append(ent)
        session.add(own)
    session.flush()

    sample = rng.sample(submitted, min(SAMPLE, len(submitted))) if len(evaluators) >= 2 else []
    admin = session.scalar(select(User).where(User.role == "city_admin").order_by(User.id))
    existing: dict[int, list[User]] = {}
    for row in session.scalars(select(EvaluatorAssignment).where(EvaluatorAssignment.campaign_id == campaign.id)):
        existing.setdefault(row.enterprise_id, []).append(row.evaluator)
    first = [e for e in submitted if e.id in existing or e.id in demo]
    if first:  # pre-assigned and demo-login enterprises first, so the demo evaluators have work
        sample = (first + [e for e in sample if e not in first])[:SAMPLE]
    for k, ent in enumerate(sample):
        pair = list(existing.get(ent.id, []))[:2]
        if not pair and ent.id in demo:
            pair = list(ctx.data.get("evaluators", []))[:2]  # the evaluators with demo logins
        pool = [u for u in _evaluators(session, ent, evaluators) if u not in pair] or \
            [u for u in evaluators if u not in pair]
        pair += rng.sample(pool, min(2 - len(pair), len(pool)))
        checks = evaluation.procedure_checks_for(session, ent, campaign)
        statuses = {c.code: c.status for c in checks}
        suggestions = {i.code: i.rule.suggest(statuses) for i in system.assessable if i.rule.kind == "procedure"}
        for ev in pair:
            if ev not in existing.get(ent.id, []):
                session.add(EvaluatorAssignment(campaign_id=campaign.id, enterprise_id=ent.id, evaluator_id=ev.id,
                                                assigned_by_id=admin.id if admin else None,
                                                assigned_at=start + dt.timedelta(days=30)))
            done = rng.random() < 0.85
            ext = _assessment(campaign, ent, system.hash, "external", ev, "submitted" if done else "draft",
                              start + dt.timedelta(days=rng.randint(36, 44)))
            ext.submitted_by_id = ev.id if done else None
            q = min(1.0, max(0.0, quality[ent.id] + rng.gauss(0, 0.08)))
            _fill(rng, system, ext, q, {c: s for c, s in suggestions.items() if s}, author=ev.id,
                  only=None if done else {"A", "B"})
            session.add(ext)
        if k < 15:
            req = EvidenceRequest(campaign_id=campaign.id, enterprise_id=ent.id, indicator=rng.choice(["B1", "B6", "B8",
                                  "B9", "D2"]), message=rng.choice(REQUESTS), requested_by_id=pair[0].id,
                                  created_at=start + dt.timedelta(days=38))
            if k % 3:
                req.status, req.answer = "answered", "已补充上传，请查阅。"
                req.answered_at = req.created_at + dt.timedelta(days=3)
            session.add(req)
    _fresh_work(session, campaign, ctx.data.get("evaluators", []), [e for e in submitted if e not in sample],
                admin, start)
    if len(evaluators) >= 1 and len(ents) > 2:
        others = [e for e in ents if e not in sample]
        for ent in rng.sample(others, min(2, len(others))):
            session.add(ConflictDeclaration(evaluator_id=evaluators[0].id, enterprise_id=ent.id,
                                            reason="近亲属在该企业担任管理职务"))
    session.flush()
    _demo_files(session, campaign, submitted[:3])
    if len(submitted) > 10:  # one substantiated wage arrears case, which caps that enterprise's grade
        session.add(VetoEvent(campaign_id=campaign.id, enterprise_id=submitted[10].id, kind="wage_arrears",
                              occurred_on=start + dt.timedelta(days=20), recorded_by_id=admin.id if admin else None,
                              description="区劳动保障监察大队查实：2021年1-2月拖欠一线职工工资，已责令限期支付。"))
    evaluation.refresh_results(session, campaign)
    ctx.data["evaluation_sample"] = [e.id for e in sample]


def _fresh_work(session, campaign, demo_evaluators, unassessed, admin, start) -> None:
    """Each evaluator with a demo login gets one enterprise still waiting for their evaluation."""
    for ev in demo_evaluators:
        ent = next((e for e in unassessed if e.unit_id == ev.unit_id), unassessed[0] if unassessed else None)
        if ent is None:
            return
        unassessed.remove(ent)
        session.add(EvaluatorAssignment(campaign_id=campaign.id, enterprise_id=ent.id, evaluator_id=ev.id,
                                        assigned_by_id=admin.id if admin else None,
                                        assigned_at=start + dt.timedelta(days=40)))


def _demo_files(session, campaign, ents) -> None:
    """A few small PDFs so the evidence links work in the demo (only with an app: they go to its file store)."""
    import secrets

    from flask import has_app_context

    from ..storage import current_storage

    if not has_app_context():
        return
    key = current_storage().put(DEMO_PDF)
    for ent in ents:
        for code, name in (("B1", "要约书.pdf"), ("B6", "职代会决议.pdf"), ("B8", "备案回执.pdf")):
            session.add(Evidence(campaign_id=campaign.id, enterprise_id=ent.id, indicator=code, filename=name,
                                 stored_name=f"{secrets.token_hex(16)}.pdf", size=len(DEMO_PDF), sha256=key,
                                 content_type="application/pdf"))
    session.flush()
