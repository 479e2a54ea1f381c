"""Workspace transactions: drafts per section, submission, confirmation,
evidence, evidence requests, assignments and conflicts of interest.

Bad input raises ``Invalid`` (400, ``fields`` maps an indicator code or a form field, '' for the
whole form, to a Chinese message), a state that forbids the step ``Conflict`` (409): the domain
errors of ``evalsite/domain_errors.py``. Nothing here commits (the request does, once). A
submitted assessment is never changed again.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.indicator_system import Indicator, IndicatorSystem

from .. import audit, recipients
from ..notifier import notify
from ..timefmt import format_date
from ..confirm import fingerprint
from ..domain_errors import Conflict, Invalid
from ..campaign_context import campaign_for
from ..db import insert_or_reread
from ..models import (Assessment, AssessmentItem, Campaign, ConflictDeclaration, Enrolment, Enterprise,
                      EvaluatorAssignment, Evidence, EvidenceRequest, User)
from ..models.base import utcnow
from . import results as evaluation
from .. import review_history as history
from .evidence import StoredFile

NOTE_MAX = 2000
REPLY_DAYS_FILE = Path(__file__).with_name("evidence_requests.yaml")
LOCKED_SELF = "自评已提交并锁定，不能再修改评分、说明或上传材料。如确需更正，请联系区级管理员。"
LOCKED_EXTERNAL = "外部评估已提交并锁定，不能再修改。"


@dataclass
class SectionInput:
    levels: dict = field(default_factory=dict)   # code -> level key or None
    notes: dict = field(default_factory=dict)    # code -> text


def current_campaign(session: Session, campaign_id: Optional[int] = None) -> Optional[Campaign]:
    return campaign_for(session, campaign_id)


def is_enrolled(session: Session, campaign: Campaign, enterprise: Enterprise) -> bool:
    return session.scalar(select(Enrolment.id).where(Enrolment.campaign_id == campaign.id,
                                                     Enrolment.enterprise_id == enterprise.id)) is not None


def find_assessment(session: Session, campaign: Campaign, enterprise: Enterprise, kind: str = "self",
                    evaluator: Optional[User] = None, create: bool = False) -> Optional[Assessment]:
    stmt = select(Assessment).where(Assessment.campaign_id == campaign.id, Assessment.enterprise_id == enterprise.id,
                                    Assessment.kind == kind)
    stmt = stmt.where(Assessment.evaluator_id == evaluator.id) if evaluator else \
        stmt.where(Assessment.evaluator_id.is_(None))
    stmt = stmt.order_by(Assessment.id)
    found = session.scalar(stmt)
    if found is None and create:
        found = insert_or_reread(session, Assessment(
            campaign_id=campaign.id, enterprise_id=enterprise.id, kind=kind,
            evaluator_id=evaluator.id if evaluator else None,
            system_hash=evaluation.system_for(session, campaign).hash, status="draft"), stmt)
    return found


def dimension_indicators(system: IndicatorSystem, dim: str) -> tuple[Indicator, ...]:
    for d in system.dimensions:
        if d.code == dim:
            return d.indicators
    raise KeyError(dim)


def parse_section(system: IndicatorSystem, dim: str, form) -> SectionInput:
    """Read level_<code> and note_<code>; a level outside the options is refused (Invalid)."""
    data, errors = SectionInput(), {}
    for ind in dimension_indicators(system, dim):
        raw = (form.get(f"level_{ind.code}") or "").strip()
        note = (form.get(f"note_{ind.code}") or "").strip()
        data.levels[ind.code] = raw or None
        data.notes[ind.code] = note
        if raw and raw not in ind.level_keys:
            labels = "、".join(f"{lv.label}（{lv.points:g}分）" for lv in ind.rule.levels)
            errors[ind.code] = f"指标 {ind.code} 的评分“{raw}”不在可选档位内，请从以下选项中选择：{labels}"
        if len(note) > NOTE_MAX:
            errors[ind.code] = f"指标 {ind.code} 的说明超过 {NOTE_MAX} 字"
    if errors:
        raise Invalid(fields=errors)
    return data


def _check_open(assessment: Assessment) -> None:
    if assessment.submitted:
        raise Conflict(LOCKED_SELF if assessment.kind == "self" else LOCKED_EXTERNAL)


def save_section(session: Session, assessment: Assessment, system: IndicatorSystem, dim: str,
                 data: SectionInput, user: User) -> None:
    """Store the section's levels and notes as the draft (only the changed items are touched)."""
    _check_open(assessment)
    for ind in dimension_indicators(system, dim):
        level, note = data.levels.get(ind.code), data.notes.get(ind.code) or None
        item = assessment.item(ind.code)
        if item is None:
            if level is None and note is None:
                continue
            item = AssessmentItem(indicator=ind.code)
            assessment.items.append(item)
        if (item.level, item.note) == (level, note):
            continue
        item.level, item.note = level, note
        item.points = ind.points_for(level) if level else None
        item.updated_by_id, item.updated_at = user.id, utcnow()
    assessment.last_section = dim
    assessment.updated_at = utcnow()
    session.flush()


def missing_indicators(system: IndicatorSystem, assessment: Assessment) -> list[str]:
    return [ind.code for ind in system.assessable if not (assessment.item(ind.code) and assessment.item(ind.code).level)]


def submit(session: Session, assessment: Assessment, system: IndicatorSystem, user: User) -> None:
    """Lock the assessment once every indicator has a level, then recompute the result."""
    _check_open(assessment)
    missing = missing_indicators(system, assessment)
    if missing:
        raise Invalid(fields={"": f"以下指标尚未评分，不能提交：{'、'.join(missing)}"})
    resubmitted = history.last_return(session, "assessment", assessment.id) is not None
    assessment.status, assessment.submitted_at, assessment.submitted_by_id = "submitted", utcnow(), user.id
    history.record(session, "assessment", assessment.id, "resubmit" if resubmitted else "submit", user, None,
                   assessment.enterprise_id)
    audit.record("assessment.submit", "assessment", assessment.id,
                 f"{assessment.enterprise.name} {'自评' if assessment.kind == 'self' else '外部评估'}已提交", user=user)
    session.flush()
    campaign = session.get(Campaign, assessment.campaign_id)
    evaluation.refresh_results(session, campaign, [assessment.enterprise_id])


def reopen(session: Session, assessment: Assessment, user: User, reason: str) -> None:
    """Send a submitted assessment back with a reason: the self-assessment is reopened for the
    enterprise (both sides confirm again after resubmission), an external one goes back to its evaluator."""
    reason = history.clean_reason(reason)
    if not assessment.submitted:
        raise Conflict("该评估尚未提交，无需退回。")
    assessment.status, assessment.submitted_at, assessment.submitted_by_id = "draft", None, None
    assessment.union_confirmed_at = assessment.union_confirmed_by_id = None
    assessment.management_confirmed_at = assessment.management_confirmed_by_id = None
    assessment.updated_at = utcnow()
    action = "reopen" if assessment.kind == "self" else "return"
    history.record(session, "assessment", assessment.id, action, user, reason, assessment.enterprise_id)
    what = "自评" if assessment.kind == "self" else "外部评估"
    if assessment.kind == "self":
        to, link = (recipients.enterprise_users(session, assessment.enterprise_id),
                    recipients.path("assessments.self_workspace"))
    else:
        to = [assessment.evaluator_id] if assessment.evaluator_id else []
        link = recipients.path("assessments.evaluate", enterprise_id=assessment.enterprise_id)
    notify(session, to, "returned", f"{what}已被退回，请修改后重新提交",
           f"{assessment.enterprise.name}\n退回原因：{reason}", link)
    audit.record(f"assessment.{action}", "assessment", assessment.id, f"{assessment.enterprise.name} {what}已退回",
                 {"reason": reason}, user=user)
    session.flush()
    evaluation.refresh_results(session, session.get(Campaign, assessment.campaign_id), [assessment.enterprise_id])


def state_token(assessment: Assessment) -> str:
    """The state a confirmation page showed (status and every level and note)."""
    return fingerprint("assessment", assessment.id, assessment.status,
                       sorted((i.indicator, i.level or "", i.note or "") for i in assessment.items))


def confirm(session: Session, assessment: Assessment, user: User) -> None:
    """Record the confirmation of the user's side (union or management), once each."""
    if not assessment.submitted:
        raise Conflict("自评尚未提交，提交后双方才能确认。")
    if user.side not in ("union", "management"):
        raise Invalid(fields={"": "账号未设置所属方（职工方/企业方），无法确认。"})
    at_field, by_field = f"{user.side}_confirmed_at", f"{user.side}_confirmed_by_id"
    if getattr(assessment, at_field) is not None:
        raise Conflict("本方已确认过该自评。")
    setattr(assessment, at_field, utcnow())
    setattr(assessment, by_field, user.id)
    audit.record("assessment.confirm", "assessment", assessment.id, f"{user.side_label}确认自评", user=user)
    session.flush()


def add_evidence(session: Session, campaign: Campaign, enterprise: Enterprise, indicator: str, stored: StoredFile,
                 user: User, assessment: Optional[Assessment] = None,
                 request: Optional[EvidenceRequest] = None) -> Evidence:
    if assessment is not None and request is None:
        _check_open(assessment)
    ev = Evidence(campaign_id=campaign.id, enterprise_id=enterprise.id, indicator=indicator,
                  assessment_id=assessment.id if assessment else None, request_id=request.id if request else None,
                  filename=stored.filename, stored_name=stored.stored_name, size=stored.size, sha256=stored.sha256,
                  content_type=stored.content_type, uploaded_by_id=user.id)
    session.add(ev)
    session.flush()
    return ev


def evidence_for(session: Session, campaign: Campaign, enterprise: Enterprise) -> dict[str, list[Evidence]]:
    rows = session.scalars(select(Evidence).where(Evidence.campaign_id == campaign.id,
                                                  Evidence.enterprise_id == enterprise.id).order_by(Evidence.id))
    out: dict[str, list[Evidence]] = {}
    for ev in rows:
        out.setdefault(ev.indicator, []).append(ev)
    return out


def requests_for(session: Session, campaign: Campaign, enterprise: Enterprise) -> list[EvidenceRequest]:
    return list(session.scalars(select(EvidenceRequest).where(
        EvidenceRequest.campaign_id == campaign.id, EvidenceRequest.enterprise_id == enterprise.id
    ).order_by(EvidenceRequest.status.desc(), EvidenceRequest.id)))


@lru_cache(maxsize=1)
def reply_days() -> dict:
    """The reply windows (working days) an evaluator may give, validated at load."""
    data = yaml.safe_load(REPLY_DAYS_FILE.read_text(encoding="utf-8")) or {}
    spec = data.get("reply_working_days") or {}
    choices, default = spec.get("choices"), spec.get("default")
    if not (isinstance(choices, list) and choices and all(isinstance(c, int) and 0 < c <= 60 for c in choices)
            and default in choices):
        raise ValueError(f"{REPLY_DAYS_FILE.name}: reply_working_days needs integer choices (1-60) and a default "
                         "among them")
    return {"default": default, "choices": list(choices)}


def request_evidence(session: Session, campaign: Campaign, enterprise: Enterprise, system: IndicatorSystem,
                     indicator: str, message: str, user: User, days=None,
                     today: Optional[dt.date] = None) -> EvidenceRequest:
    """A request for more evidence on one indicator, with a reply deadline in working days."""
    from ..reports.rectification import add_working_days
    from ..timefmt import local_today

    codes = {i.code for i in system.assessable}
    message = (message or "").strip()
    if indicator not in codes:
        raise Invalid(fields={"indicator": "请选择需要补充材料的指标。"})
    if not message or len(message) > 1000:
        raise Invalid(fields={"message": "请填写需要补充的材料说明（1000字以内）。"})
    window = reply_days()
    try:
        n = window["default"] if days in (None, "") else int(days)
    except (TypeError, ValueError):
        n = None
    if n not in window["choices"]:
        raise Invalid(fields={"message": f"答复期限请从 {'、'.join(str(c) for c in window['choices'])} 个工作日中选择。"})
    req = EvidenceRequest(campaign_id=campaign.id, enterprise_id=enterprise.id, indicator=indicator,
                          message=message, requested_by_id=user.id,
                          due_date=add_working_days(today or local_today(), n))
    session.add(req)
    session.flush()
    notify(session, recipients.enterprise_users(session, enterprise.id), "evidence_request",
           f"评估员要求补充材料（指标 {indicator}），请在{format_date(req.due_date)}前答复", message,
           recipients.path("assessments.self_workspace", _anchor=f"req-{req.id}"))
    return req


def answer_request(session: Session, req: EvidenceRequest, answer: str, user: User) -> None:
    if req.status != "open":
        raise Conflict("该补充材料请求已答复。")
    req.status, req.answer, req.answered_by_id, req.answered_at = "answered", (answer or "").strip()[:1000] or None, \
        user.id, utcnow()
    session.flush()
    if req.requested_by_id:
        ent = session.get(Enterprise, req.enterprise_id)
        notify(session, [req.requested_by_id], "evidence_request",
               f"{ent.name if ent else '企业'}已补充材料（指标 {req.indicator}）", req.answer or "",
               recipients.path("assessments.evaluate", enterprise_id=req.enterprise_id))


# ---------------------------------------------------------------- assignments

def assignable_evaluators(session: Session, admin: User) -> list[User]:
    """District admins may use evaluators of their unit or city-level ones (no unit)."""
    stmt = select(User).where(User.role == "evaluator", User.active.is_(True))
    if admin.role == "district_admin":
        stmt = stmt.where((User.unit_id == admin.unit_id) | User.unit_id.is_(None))
    return list(session.scalars(stmt.order_by(User.display_name, User.id)))


def assign(session: Session, campaign: Campaign, enterprise: Enterprise, evaluator: User, admin: User) -> EvaluatorAssignment:
    if evaluator.role != "evaluator" or evaluator not in assignable_evaluators(session, admin):
        raise Invalid(fields={"evaluator": "只能分配本区或市级的评估员。"})
    if not is_enrolled(session, campaign, enterprise):
        raise Invalid(fields={"enterprise": "该企业未参加本次行动。"})
    conflict = session.scalar(select(ConflictDeclaration).where(ConflictDeclaration.evaluator_id == evaluator.id,
                                                                ConflictDeclaration.enterprise_id == enterprise.id))
    if conflict is not None:
        raise Invalid(fields={"evaluator": f"评估员 {evaluator.display_name} 已申报与该企业存在利益冲突"
                                    f"（{conflict.reason}），不能分配。"})
    existing = session.scalar(select(EvaluatorAssignment).where(
        EvaluatorAssignment.campaign_id == campaign.id, EvaluatorAssignment.enterprise_id == enterprise.id,
        EvaluatorAssignment.evaluator_id == evaluator.id))
    if existing is not None:
        raise Invalid(fields={"evaluator": "该评估员已分配给此企业。"})
    row = EvaluatorAssignment(campaign_id=campaign.id, enterprise_id=enterprise.id, evaluator_id=evaluator.id,
                              assigned_by_id=admin.id)
    session.add(row)
    audit.record("assessment.assign", "enterprise", enterprise.id, f"分配评估员 {evaluator.display_name}", user=admin)
    session.flush()
    notify(session, [evaluator], "assignment", f"新分配给您的外部评估：{enterprise.name}", campaign.name,
           recipients.path("assessments.evaluate", enterprise_id=enterprise.id))
    return row


def unassign(session: Session, row: EvaluatorAssignment, admin: User) -> None:
    """Remove an assignment; a submitted external evaluation keeps it (409)."""
    campaign = session.get(Campaign, row.campaign_id)
    done = find_assessment(session, campaign, row.enterprise, "external", row.evaluator)
    if done is not None and done.submitted:
        raise Conflict("该评估员已提交外部评估，不能取消分配。")
    if done is not None:
        session.delete(done)
    audit.record("assessment.unassign", "enterprise", row.enterprise_id,
                 f"取消分配评估员 {row.evaluator.display_name}", user=admin)
    session.delete(row)
    session.flush()


def declare_conflict(session: Session, evaluator: User, enterprise: Enterprise, reason: str) -> ConflictDeclaration:
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise Invalid(fields={"reason": "请说明利益冲突的原因（500字以内）。"})
    if session.scalar(select(ConflictDeclaration.id).where(ConflictDeclaration.evaluator_id == evaluator.id,
                                                           ConflictDeclaration.enterprise_id == enterprise.id)):
        raise Invalid(fields={"reason": "已申报过与该企业的利益冲突。"})
    row = ConflictDeclaration(evaluator_id=evaluator.id, enterprise_id=enterprise.id, reason=reason)
    session.add(row)
    audit.record("assessment.conflict", "enterprise", enterprise.id, f"评估员申报利益冲突：{reason}", user=evaluator)
    session.flush()
    return row
