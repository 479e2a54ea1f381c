"""Results: the inputs of scoring.combine read from the database, and the cache.

The scoring itself is pure (``scoring/``); this module only gathers the
self and external levels, survey rates, procedure checks, veto events and the
contract status of one enterprise, then stores the result and its problems.
Problem rows keep their ids across recomputation (matched by code and
indicator) so rectification items can point at them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from scoring.combine import EnterpriseResult, RateInput, SurveyRates, combine
from scoring.indicator_system import IndicatorSystem, default_system, parse_system
from scoring.problems import detect_problems
from scoring.procedure import CheckResult, ContractRecord, region_rules, run_checks

from ..db import insert_or_reread
from ..models import (Assessment, Campaign, CollectiveContract, ContractCoverage, DetectedProblem, Enrolment,
                      Enterprise, EvaluationResult, IndicatorSystemRecord, RectificationItem, VetoEvent)
from ..models.base import utcnow

SEVERITY_FIELDS = {"重大": "problems_major", "一般": "problems_general", "提示": "problems_hint"}
_SYSTEMS: dict[str, IndicatorSystem] = {}


# ---------------------------------------------------------------- indicator system

def system_for(session: Session, campaign: Campaign, pin: bool = True) -> IndicatorSystem:
    """The campaign's pinned indicator system; pins the default on first use.

    Read-only pages pass ``pin=False`` so a GET never writes; the first save pins.
    """
    digest = campaign.indicator_system_hash
    if digest is None and not pin:
        return default_system()
    if digest is None:
        system = default_system()
        stored = select(IndicatorSystemRecord).where(IndicatorSystemRecord.hash == system.hash)
        if session.scalar(stored) is None:  # two first saves at once: one record, both pinned to it
            from scoring.indicator_system import DEFAULT_FILE

            insert_or_reread(session, IndicatorSystemRecord(hash=system.hash, code=system.code, version=system.version,
                                                            text=DEFAULT_FILE.read_text(encoding="utf-8")), stored)
        campaign.indicator_system_hash = system.hash
        session.flush()
        _SYSTEMS[system.hash] = system
        return system
    if digest not in _SYSTEMS:
        record = session.scalar(select(IndicatorSystemRecord).where(IndicatorSystemRecord.hash == digest))
        if record is None:
            if default_system().hash != digest:
                raise LookupError(f"行动 {campaign.code} 固定的指标体系 {digest[:12]} 不存在")
            _SYSTEMS[digest] = default_system()
        else:
            _SYSTEMS[digest] = parse_system(record.text, f"指标体系 {record.code} {record.version}")
    return _SYSTEMS[digest]


# ---------------------------------------------------------------- contracts and checks

def _contracts(session: Session, enterprise: Enterprise) -> list[CollectiveContract]:
    """Own contracts and industry/regional ones covering the enterprise, newest first."""
    covered = select(ContractCoverage.contract_id).where(ContractCoverage.enterprise_id == enterprise.id)
    rows = session.scalars(select(CollectiveContract).where(
        or_(CollectiveContract.enterprise_id == enterprise.id, CollectiveContract.id.in_(covered))))
    far = dt.date(1900, 1, 1)
    return sorted(rows, key=lambda c: (c.scope == "enterprise", c.signing_date or c.effective_date or far, c.id),
                  reverse=True)


def _window(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The evaluation year of the campaign: contracts signed in the spring action
    take effect weeks after its deadline, and the evaluation covers the year."""
    end = campaign.report_deadline or campaign.end_date
    return campaign.start_date, max(end, dt.date(campaign.end_date.year, 12, 31))


def _in_force_during(contract: CollectiveContract, campaign: Campaign) -> bool:
    return contract.in_force(*_window(campaign))


def has_valid_contract(session: Session, enterprise: Enterprise, campaign: Campaign) -> bool:
    """A contract of its own or an industry/regional one covering it is in force during the campaign."""
    return any(_in_force_during(c, campaign) for c in _contracts(session, enterprise))


def contract_record(c: CollectiveContract) -> ContractRecord:
    """The ORM contract as the pure ContractRecord of scoring.procedure."""
    num = lambda v: None if v is None else float(v)  # noqa: E731
    texts = [t for t in (c.piece_rate_terms, c.allowances) if t]
    return ContractRecord(
        kind=c.kind, scope=c.scope, offer_by=c.offer_by, offer_date=c.offer_date, reply_date=c.reply_date,
        reply_written=c.reply_written, worker_reps=c.worker_reps, employer_reps=c.employer_reps,
        worker_chief_is_chair=c.worker_chief_is_chair, meeting_dates=tuple(m.date for m in c.meetings),
        congress_members=c.congress_members, congress_present=c.congress_present,
        congress_in_favour=c.congress_in_favour, signing_date=c.signing_date, submitted_date=c.submitted_date,
        review_result=c.review_result, effective_date=c.effective_date, term_years=num(c.term_years),
        wage_increase_pct=num(c.wage_increase_pct), min_wage=num(c.min_wage), piece_rate=num(c.piece_rate),
        wage_terms_text="；".join(texts) if texts else None, published_date=c.published_date)


def _relevant(session: Session, enterprise: Enterprise, campaign: Campaign) -> tuple[Optional[CollectiveContract],
                                                                                      Optional[CollectiveContract]]:
    """(main contract, wage contract): the newest signed before the campaign window ends."""
    _, end = _window(campaign)
    rows = [c for c in _contracts(session, enterprise) if not c.signing_date or c.signing_date <= end]
    main = next((c for c in rows if c.kind == "comprehensive"), rows[0] if rows else None)
    wage = next((c for c in rows if c.kind == "wage"), None)
    return main, wage


def procedure_checks_for(session: Session, enterprise: Enterprise, campaign: Campaign) -> tuple[CheckResult, ...]:
    """Legal procedure checks on the enterprise's latest contract (wage terms on its wage contract)."""
    main, wage = _relevant(session, enterprise, campaign)
    if main is None:
        return ()
    rules = region_rules()
    results = list(run_checks(contract_record(main), rules))
    if wage is not None and wage is not main:
        wage_check = next(r for r in run_checks(contract_record(wage), rules) if r.code == "wage_terms")
        results = [wage_check if r.code == "wage_terms" else r for r in results]
    return tuple(results)


def veto_events_for(session: Session, enterprise: Enterprise, campaign: Campaign) -> tuple[str, ...]:
    """Veto events: an unresolved review objection on a contract, plus those recorded by administrators."""
    main, wage = _relevant(session, enterprise, campaign)
    kinds = set(session.scalars(select(VetoEvent.kind).where(VetoEvent.campaign_id == campaign.id,
                                                             VetoEvent.enterprise_id == enterprise.id)))
    if any(c is not None and c.review_result == "objection" for c in (main, wage)):
        kinds.add("review_unresolved")
    return tuple(sorted(kinds))


# ---------------------------------------------------------------- survey rates

def _rate_input(rate) -> RateInput:
    if rate is None:
        return RateInput()
    value = getattr(rate, "value", None)
    suppressed = bool(getattr(rate, "suppressed", value is None))
    sufficient = getattr(rate, "sufficient", None)
    ok = (not suppressed) if sufficient is None else (bool(sufficient) and not suppressed)
    return RateInput(value=None if suppressed else value, n=int(getattr(rate, "n", 0) or 0), sufficient=ok)


def survey_inputs(session: Session, campaign: Campaign, enterprise: Enterprise) -> SurveyRates:
    """Worker rates (participation, awareness, satisfaction) and the employer's recognition."""
    from ..survey_data.results import survey_rates

    rates = survey_rates(session, campaign.id, enterprise.id) or {}
    worker = rates.get("worker") or {}
    employer = rates.get("employer") or {}
    return SurveyRates(participation=_rate_input(worker.get("participation")),
                       awareness=_rate_input(worker.get("awareness")),
                       satisfaction=_rate_input(worker.get("satisfaction")),
                       recognition=_rate_input(employer.get("recognition")))


# ---------------------------------------------------------------- assessments

def _scores(system: IndicatorSystem, assessment: Assessment, fill_missing: bool) -> dict:
    """Level keys by indicator; a draft's blanks count as the 0-point level."""
    out = {}
    for ind in system.assessable:
        item = assessment.item(ind.code)
        if item is not None and item.level:
            out[ind.code] = item.level
        elif fill_missing:
            out[ind.code] = min(ind.rule.levels, key=lambda lv: lv.points).key
    return out


@dataclasses.dataclass(frozen=True)
class ResultInputs:
    self_scores: dict
    self_draft: bool
    external_scores: tuple
    rates: SurveyRates
    checks: tuple
    veto_events: tuple
    has_valid_contract: bool


def gather_inputs(session: Session, campaign: Campaign, enterprise: Enterprise) -> Optional[ResultInputs]:
    """Everything combine() needs, or None when the enterprise has no self-assessment yet."""
    system = system_for(session, campaign, pin=False)
    rows = session.scalars(select(Assessment).where(Assessment.campaign_id == campaign.id,
                                                    Assessment.enterprise_id == enterprise.id)).all()
    own = next((a for a in rows if a.kind == "self"), None)
    if own is None or not any(i.level for i in own.items):
        return None
    external = tuple(_scores(system, a, fill_missing=False) for a in sorted(rows, key=lambda a: a.id)
                     if a.kind == "external" and a.submitted)
    return ResultInputs(_scores(system, own, fill_missing=True), not own.submitted, external,
                        survey_inputs(session, campaign, enterprise), procedure_checks_for(session, enterprise, campaign),
                        veto_events_for(session, enterprise, campaign), has_valid_contract(session, enterprise, campaign))


def compute_result(session: Session, campaign: Campaign, enterprise: Enterprise) -> Optional[EnterpriseResult]:
    """The enterprise's full result (None without a self-assessment)."""
    inputs = gather_inputs(session, campaign, enterprise)
    if inputs is None:
        return None
    return _combine(system_for(session, campaign, pin=False), inputs)


def _combine(system: IndicatorSystem, inputs: ResultInputs) -> EnterpriseResult:
    return combine(system, inputs.self_scores, list(inputs.external_scores), inputs.rates, inputs.checks,
                   inputs.veto_events, inputs.has_valid_contract)


def jsonable(obj):
    """Dataclasses, tuples and dates as JSON-ready values (for the breakdown column)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj


# ---------------------------------------------------------------- cache

def _store_problems(session: Session, campaign_id: int, enterprise_id: int, problems) -> None:
    old = session.scalars(select(DetectedProblem).where(
        DetectedProblem.campaign_id == campaign_id, DetectedProblem.enterprise_id == enterprise_id,
        DetectedProblem.superseded.is_(False))).all()
    by_key = {(p.code, p.indicator): p for p in old}
    kept = set()
    for p in problems:
        row = by_key.get((p.code, p.indicator))
        if row is None:
            row = DetectedProblem(campaign_id=campaign_id, enterprise_id=enterprise_id)
            session.add(row)
        kept.add(id(row))
        for name in ("code", "category", "severity", "indicator", "title", "description", "requirement",
                     "deadline_days", "owner", "basis", "fact"):
            setattr(row, name, getattr(p, name))
    gone = [p for p in old if id(p) not in kept]
    if gone:
        referenced = set(session.scalars(select(RectificationItem.problem_id).where(
            RectificationItem.problem_id.in_([p.id for p in gone]))))
        for p in gone:
            if p.id in referenced:
                p.superseded = True
            else:
                session.delete(p)


def store_result(session: Session, campaign: Campaign, enterprise: Enterprise,
                 result: Optional[EnterpriseResult], self_draft: bool = False) -> Optional[EvaluationResult]:
    """Write (or clear) the cached result and its problems."""
    row = session.scalar(select(EvaluationResult).where(EvaluationResult.campaign_id == campaign.id,
                                                        EvaluationResult.enterprise_id == enterprise.id))
    if result is None:
        if row is not None:
            session.delete(row)
        _store_problems(session, campaign.id, enterprise.id, ())
        return None
    problems = detect_problems(result)
    if row is None:
        row = EvaluationResult(campaign_id=campaign.id, enterprise_id=enterprise.id)
        session.add(row)
    row.system_hash, row.final, row.grade = result.system_hash, result.final, result.grade
    row.self_total, row.external_total, row.survey_total = result.self_total, result.external_total, \
        result.survey_total
    row.self_draft, row.evaluator_count, row.discrepancy = self_draft, result.evaluator_count, result.discrepancy
    for field in SEVERITY_FIELDS.values():
        setattr(row, field, 0)
    for p in problems:
        field = SEVERITY_FIELDS.get(p.severity)
        if field:
            setattr(row, field, getattr(row, field) + 1)
    row.breakdown = jsonable(result) | {"explain": list(result.explain()), "self_draft": self_draft}
    row.computed_at = utcnow()
    _store_problems(session, campaign.id, enterprise.id, problems)
    session.flush()
    return row


def refresh_results(session: Session, campaign: Campaign, enterprise_ids: Optional[Iterable[int]] = None) -> int:
    """Recompute and store the results of the campaign's enrolled enterprises (or the given ones)."""
    system = system_for(session, campaign)
    stmt = select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id).where(
        Enrolment.campaign_id == campaign.id)
    if enterprise_ids is not None:
        stmt = stmt.where(Enterprise.id.in_(list(enterprise_ids)))
    count = 0
    for enterprise in session.scalars(stmt.order_by(Enterprise.id)):
        inputs = gather_inputs(session, campaign, enterprise)
        result = None if inputs is None else _combine(system, inputs)
        store_result(session, campaign, enterprise, result, bool(inputs and inputs.self_draft))
        count += result is not None
    session.flush()
    return count
