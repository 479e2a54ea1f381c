"""Drafting, approving, issuing and revoking report versions.

A version's ``data`` is a JSON snapshot of everything the PDF shows, taken
when it is drafted: rendering is then a pure function of the snapshot
(``render_snapshot``), which lets the batch renderer use worker processes
and guarantees an issued PDF never changes when the evaluation does. Every step
takes the caller's ``session`` and never commits.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from typing import Any, Optional

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import four_eyes, recipients
from ..notifier import notify
from .. import review_history as history
from ..domain_errors import Conflict, Invalid
from ..timefmt import local_today
from ..models import Campaign, Enterprise, EvaluatorAssignment, Report, ReportVersion, User
from ..models.base import utcnow
from .tracking import create_items, fix_deadlines, problems_with_deadlines

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 12
CODE_RE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
NUMBER_PREFIX = "WH"


OPEN_STATUSES = ("draft", "returned", "approved")  # not issued yet: a new draft refreshes the version
APPROVAL_WITHDRAWN_REDRAFT = "重新生成了草稿，原审核自动撤回"


# ---------------------------------------------------------------- permissions
def can_draft(user: User, ent: Enterprise, campaign_id: int, session: Session) -> bool:
    if user.role in ("city_admin", "district_admin"):
        return can_approve(user, ent)
    if user.role == "evaluator":
        return session.scalar(select(EvaluatorAssignment.id).where(
            EvaluatorAssignment.evaluator_id == user.id, EvaluatorAssignment.enterprise_id == ent.id,
            EvaluatorAssignment.campaign_id == campaign_id).limit(1)) is not None
    return False


def can_approve(user: User, ent: Enterprise) -> bool:
    """Approval, issuing and revoking belong to the district of the enterprise (or the city)."""
    return user.role == "city_admin" or (user.role == "district_admin" and user.unit_id == ent.unit_id)


def visible_versions(report: Report, user: User) -> list[ReportVersion]:
    """Enterprises see only what was issued to them, never drafts."""
    if user.role == "enterprise":
        return [v for v in report.versions if v.is_frozen]
    return list(report.versions)


# ---------------------------------------------------------------- codes and numbers
def new_verify_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def valid_code(code: str) -> bool:
    return bool(CODE_RE.match(code or ""))


def next_number(session: Session, campaign: Campaign, kind: str) -> str:
    year = campaign.start_date.year
    suffix = "-ZG" if kind == "closing" else ""
    count = session.scalar(select(func.count(Report.id)).where(Report.campaign_id == campaign.id,
                                                               Report.kind == kind)) or 0
    while True:
        count += 1
        number = f"{NUMBER_PREFIX}-{year}-{count:04d}{suffix}"
        if session.scalar(select(Report.id).where(Report.number == number)) is None:
            return number


def get_or_create_report(session: Session, campaign: Campaign, ent: Enterprise, kind: str = "evaluation") -> Report:
    report = session.scalar(select(Report).where(Report.campaign_id == campaign.id, Report.enterprise_id == ent.id,
                                                 Report.kind == kind))
    if report is None:
        report = Report(campaign_id=campaign.id, enterprise_id=ent.id, kind=kind,
                        number=next_number(session, campaign, kind))
        session.add(report)
        session.flush()
    return report


# ---------------------------------------------------------------- the result behind a report
def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return _jsonable(dataclasses.asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


def current_result(session: Session, campaign: Campaign, ent: Enterprise, recompute: bool = False) -> Optional[dict]:
    """The enterprise's result as a plain dict (the fields of scoring.combine.EnterpriseResult).

    The cached EvaluationResult is read first (it is refreshed after every
    submission); ``recompute`` refreshes it from the assessments beforehand.
    """
    from ..assessments import results as evaluation

    if recompute:
        evaluation.refresh_results(session, campaign, [ent.id])
    stored = _stored_result(session, campaign.id, ent.id)
    if stored is None:
        result = evaluation.compute_result(session, campaign, ent)
        return None if result is None else _jsonable(result)
    data = dict(stored.breakdown or {})
    for key in ("final", "grade", "self_total", "external_total", "survey_total"):
        data.setdefault(key, getattr(stored, key, None))
    if getattr(stored, "self_draft", False):  # the report must say its self part is not the enterprise's final word
        data["cap_reasons"] = [*(data.get("cap_reasons") or []),
                               "企业自评尚未提交，自评部分按草稿计算（未填写的指标记0分）"]
    return data


def _stored_result(session: Session, campaign_id: int, enterprise_id: int):
    from ..models import EvaluationResult

    return session.scalar(select(EvaluationResult).where(EvaluationResult.campaign_id == campaign_id,
                                                         EvaluationResult.enterprise_id == enterprise_id))


def current_problems(session: Session, campaign_id: int, enterprise_id: int) -> list[dict]:
    from ..models import DetectedProblem

    rows = session.scalars(select(DetectedProblem).where(
        DetectedProblem.campaign_id == campaign_id, DetectedProblem.enterprise_id == enterprise_id,
        DetectedProblem.superseded.is_(False)).order_by(DetectedProblem.id))
    return [dict(id=p.id, code=p.code, severity=p.severity or "medium", title=p.title,
                 description=p.description or "", requirement=p.requirement or "", owner=p.owner or "both",
                 deadline_days=int(p.deadline_days or 30), indicator=p.indicator) for p in rows]


RATE_LABELS = {"participation": "职工参与率", "awareness": "职工知晓率", "satisfaction": "职工满意率",
               "recognition": "企业认可度"}


def _rates(indicators: list[dict]) -> list[dict]:
    from surveys import load_settings

    from ..survey_data.results import withheld_to_protect
    from surveys.stats import wilson_interval

    min_group = load_settings().min_group_size
    out = []
    for row in indicators:
        key = row.get("rate_key")
        if not key:
            continue
        n, value = int(row.get("survey_n") or 0), row.get("survey_rate")
        low = high = None
        if value is not None and n:
            low, high = wilson_interval(round(value * n), n)
        out.append(dict(label=RATE_LABELS.get(key, key), value=value, n=n, low=low, high=high,
                        suppressed=value is None or n < min_group,
                        insufficient=bool(row.get("survey_insufficient")),
                        protected=withheld_to_protect(value, n)))
    return out


def snapshot(ent: Enterprise, campaign: Campaign, result: dict, problems: list[dict], issuing_body: str) -> dict:
    """Everything the PDF prints, as JSON (dates filled in at issue)."""
    indicators = result.get("indicators") or []
    return dict(
        campaign_name=campaign.name, enterprise_name=ent.name, credit_code=ent.credit_code,
        region_name=ent.unit.name if ent.unit else "", issuing_body=issuing_body,
        final_score=result.get("final"), grade=result.get("grade") or "",
        self_total=result.get("self_total"), external_total=result.get("external_total"),
        survey_total=result.get("survey_total"), cap_reasons=list(result.get("cap_reasons") or []),
        rates=_rates(indicators),
        dimensions=[dict(code=d["code"], name=d.get("name", d["code"]), max_points=d.get("points_max", 0),
                         self_points=d.get("self_points"), external_points=d.get("external_points"),
                         final_points=d.get("combined_points")) for d in result.get("dimensions") or []],
        indicators=[dict(code=i["code"], name=i.get("name", i["code"]), max_points=i.get("points_max", 0),
                         self_points=i.get("self_points"), external_points=i.get("external_points"),
                         final_points=i.get("combined_points"), discrepancy=bool(i.get("discrepancy")),
                         note=i.get("rule_text") or "") for i in indicators],
        checks=[dict(name=c.get("name", ""), status=c.get("status", "unknown"), reason=c.get("reason", ""))
                for c in result.get("checks") or []],
        problems=problems,
    )


# ---------------------------------------------------------------- pure rendering
def report_data(snap: dict, meta: dict):
    """ReportData from a snapshot and the issue metadata (number, version, date, code)."""
    from ..pdf.data import CheckLine, DimensionLine, IndicatorLine, ProblemLine, RateLine, ReportData

    issue_date = dt.date.fromisoformat(meta["issue_date"])
    problems = [ProblemLine(code=p["code"], severity=p["severity"], title=p["title"], description=p["description"],
                            requirement=p["requirement"], owner=p["owner"],
                            deadline=(dt.date.fromisoformat(p["deadline"]) if p.get("deadline")
                                      else issue_date + dt.timedelta(days=int(p.get("deadline_days") or 30))))
                for p in snap.get("problems", [])]
    keep = {f.name for f in dataclasses.fields(ReportData)}
    base = {k: v for k, v in snap.items() if k in keep and k not in
            ("rates", "dimensions", "indicators", "checks", "problems")}
    return ReportData(
        **base, report_number=meta["number"], version=meta["version"], issue_date=issue_date,
        rates=[RateLine(**r) for r in snap.get("rates", [])],
        dimensions=[DimensionLine(**d) for d in snap.get("dimensions", [])],
        indicators=[IndicatorLine(**i) for i in snap.get("indicators", [])],
        checks=[CheckLine(**c) for c in snap.get("checks", [])], problems=problems,
        verify_url=meta.get("verify_url", ""), verify_code=meta.get("verify_code", ""),
        sha_note="本报告 PDF 文件的 SHA-256 摘要可在核验页面查询，与文件不符即非本平台出具的原件。",
        draft=bool(meta.get("draft")), remarks=meta.get("remarks") or "")


def closing_data(snap: dict, meta: dict):
    from ..pdf.data import ClosingData, ClosingItem

    items = [ClosingItem(problem_code=i["code"], problem_title=i["title"], measures=i.get("measures") or "",
                         outcome=i.get("outcome") or "已整改并通过验收",
                         accepted_date=dt.date.fromisoformat(i["accepted"]) if i.get("accepted") else None,
                         evidence=i.get("evidence") or "") for i in snap.get("items", [])]
    return ClosingData(enterprise_name=snap["enterprise_name"], report_number=snap["source_number"], items=items,
                       final_statement=snap.get("final_statement", ""), verify_url=meta.get("verify_url", ""),
                       verify_code=meta.get("verify_code", ""), campaign_name=snap.get("campaign_name", ""),
                       issuing_body=snap.get("issuing_body", ""), date=dt.date.fromisoformat(meta["issue_date"]),
                       draft=bool(meta.get("draft")))


def render_snapshot(kind: str, snap: dict, meta: dict) -> bytes:
    """Pure: no database, no app; safe to run in a worker process."""
    from ..pdf import render_closing, render_report

    if kind == "closing":
        return render_closing(closing_data(snap, meta))
    return render_report(report_data(snap, meta))


def render_meta(version: ReportVersion, base_url: str, draft: bool = False, today: dt.date | None = None) -> dict:
    code = version.verify_code or ""
    return dict(number=version.report.number, version=version.version,
                issue_date=(version.issue_date or today or local_today()).isoformat(),
                verify_code=code, verify_url=f"{base_url}/verify/{code}" if code else "", draft=draft,
                remarks=version.remarks or "")


def render_version(session: Session, version: ReportVersion, draft: bool = True) -> bytes:
    """A preview (watermarked) or the final bytes of a version."""
    if version.is_frozen and version.sha256 is not None:
        return version.pdf
    meta = render_meta(version, current_app.config["PUBLIC_BASE_URL"], draft=draft)
    return render_snapshot(version.report.kind,
                           preview_data(session, version, dt.date.fromisoformat(meta["issue_date"])), meta)


def preview_data(session: Session, version: ReportVersion, issue_date: dt.date) -> dict:
    """A draft's snapshot with the deadlines it would print if issued on ``issue_date``."""
    data = version.data or {}
    if version.report.kind != "evaluation" or version.is_frozen:
        return data
    return {**data, "problems": problems_with_deadlines(session, version.report_id,
                                                        data.get("problems") or [], issue_date)}


# ---------------------------------------------------------------- workflow
def latest_version(report: Report) -> Optional[ReportVersion]:
    return report.versions[-1] if report.versions else None


def open_version(session: Session, report: Report, user: Optional[User], data: dict) -> ReportVersion:
    """Refresh the open draft, or start version n+1 after an issued one (a correction)."""
    last = latest_version(report)
    if last is not None and last.status in OPEN_STATUSES:
        if last.status == "approved":
            history.record(session, "report_version", last.id, "withdraw", user, APPROVAL_WITHDRAWN_REDRAFT,
                           report.enterprise_id)
        elif last.status == "returned":
            history.record(session, "report_version", last.id, "resubmit", user, "按当前评估结果重新生成草稿",
                           report.enterprise_id)
        last.data, last.status, last.approved_by_id, last.approved_at = data, "draft", None, None
        last.version_refreshed = True
        last.drafted_by_id, last.drafted_at = getattr(user, "id", None), utcnow()
        version = last
    else:
        version = ReportVersion(report_id=report.id, version=(last.version + 1) if last else 1, status="draft",
                                data=data, drafted_by_id=getattr(user, "id", None))
        session.add(version)
        report.versions.append(version)
    version.final_score, version.grade = data.get("final_score"), data.get("grade")
    session.flush()
    return version


def draft_report(session: Session, campaign: Campaign, ent: Enterprise, user: Optional[User],
                 recompute: bool = False, result: Optional[dict] = None) -> ReportVersion:
    if result is None:
        result = current_result(session, campaign, ent, recompute=recompute)
    if not result or result.get("final") is None:
        raise Conflict("该企业尚无评估结果（自评、外部评估或问卷未完成），无法生成报告。")
    report = get_or_create_report(session, campaign, ent)
    body = current_app.config.get("ISSUING_BODY", "威海市总工会")
    data = snapshot(ent, campaign, result, current_problems(session, campaign.id, ent.id), body)
    return open_version(session, report, user, data)


def approve(session: Session, version: ReportVersion, user: User) -> None:
    if version.status != "draft":
        raise Conflict(f"只有草稿可以审核，当前状态：{version.status_label}。" if version.status != "returned" else
                       "该版本已退回修改，须由起草人修改并重新提交后才能审核。")
    four_eyes.check_can_approve(version.drafted_by_id, user.id)
    version.status, version.approved_by_id, version.approved_at = "approved", user.id, utcnow()
    _record(session, version, "approve", user)
    if version.drafted_by_id and version.drafted_by_id != user.id:
        notify(session, [version.drafted_by_id], "approved",
               f"报告 {version.report.number} 第{version.version}版已审核通过，待出具",
               version.report.enterprise.name, recipients.path("reports.version", version_id=version.id))


def _record(session: Session, version: ReportVersion, action: str, user: Optional[User],
            reason: Optional[str] = None) -> None:
    history.record(session, "report_version", version.id, action, user, reason, version.report.enterprise_id)


def reserve_code(session: Session, version: ReportVersion) -> str:
    """Give an approved version its code before rendering (the code is printed in the PDF)."""
    while version.verify_code is None:
        code = new_verify_code()
        if session.scalar(select(ReportVersion.id).where(ReportVersion.verify_code == code)) is None:
            version.verify_code = code
    return version.verify_code


def issue(session: Session, version: ReportVersion, user: Optional[User], today: Optional[dt.date] = None,
          pdf: Optional[bytes] = None) -> ReportVersion:
    """Freeze an approved version: PDF bytes, SHA-256, code; supersede the previous issue."""
    if version.status != "approved":
        raise Conflict("报告须先经区级（或市级）管理员审核通过后才能出具。" if version.status == "draft"
                       else f"该版本当前状态为“{version.status_label}”，不能出具。")
    four_eyes.check_can_issue(version.approved_by_id, getattr(user, "id", None))
    reserve_code(session, version)
    version.issue_date = version.issue_date or today or local_today()
    fix_deadlines(session, version)
    if pdf is None:
        meta = render_meta(version, current_app.config["PUBLIC_BASE_URL"])
        pdf = render_snapshot(version.report.kind, version.data, meta)
    version.pdf = pdf  # into the file store; the row keeps its SHA-256
    version.status, version.issued_by_id, version.issued_at = "issued", getattr(user, "id", None), utcnow()
    history.record(session, "report_version", version.id, "issue", user, None, version.report.enterprise_id)
    for old in version.report.versions:
        if old.id != version.id and old.status == "issued":
            old.status, old.superseded_by_id = "superseded", version.id
    session.flush()
    items = []
    if version.report.kind == "evaluation":
        items = create_items(session, version)
    body = f"{version.report.enterprise.name}，第{version.version}版。"
    if items:
        body += f"报告列出 {len(items)} 项整改事项，请在期限内答复。"
    notify(session, recipients.enterprise_users(session, version.report.enterprise_id), "issued",
           f"{version.report.kind_label}已出具：{version.report.number}", body,
           recipients.path("reports.enterprise", ent_id=version.report.enterprise_id))
    return version


def revoke(session: Session, version: ReportVersion, user: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请填写撤销原因。")
    if version.status != "issued":
        raise Conflict(f"只有现行有效的已出具版本可以撤销，当前状态：{version.status_label}。")
    version.status, version.revoked_reason = "revoked", reason[:500]
    version.revoked_by_id, version.revoked_at = user.id, utcnow()
    _record(session, version, "revoke", user, reason[:500])


def verification_status(version: ReportVersion) -> str:
    return {"issued": "有效", "superseded": "已被新版本取代", "revoked": "已撤销"}.get(version.status, "")


def find_by_code(session: Session, code: str) -> Optional[ReportVersion]:
    if not valid_code(code):
        return None
    version = session.scalar(select(ReportVersion).where(ReportVersion.verify_code == code))
    if version is None or not version.is_frozen:
        return None
    return version
