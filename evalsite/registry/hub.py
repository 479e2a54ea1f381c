"""The enterprise hub: everything about one enterprise in one campaign, gathered for one page.

Reads from several areas (registry, survey data, assessments, reports, the audit log) with one
query per section, never one per row; what a viewer may see is decided here with the rules those
areas already use:

- survey figures: the response counters (live, as on the survey page) and the latest *release*
  (never the live answers); link controls only for the side that runs the questionnaire
  (``survey_data.disclosure.runs_link``: union side → worker link, management side → employer link);
- report versions: enterprises see issued versions only (``reports.workflow.visible_versions``), and
  rectification items only once a version was issued to them;
- letters: enterprises and evaluators see issued letters only (drafts are the administrators' papers);
- external evaluations and assigned evaluators: staff only (as on the result page);
- the audit trail: administrators of the enterprise (the city, its district), never evaluators or
  enterprise accounts (it names officials' accounts and internal steps).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session, selectinload

from ..models import (Assessment, AuditEntry, Campaign, CollectiveContract, ContractCoverage, Enrolment, Enterprise,
                      EscalationLetter, EvaluationResult, EvaluatorAssignment, EvidenceRequest, RectificationItem,
                      Report, ReportVersion, SurveyLink, User)
from ..reports.workflow import can_approve, visible_versions
from ..survey_data import disclosure as policy
from ..survey_data import releases
from ..survey_data.results import monitor
from ..survey_data.store import AUDIENCE_CODES, response_counts
from surveys.disclosure import AUDIENCES

AUDIT_LIMIT = 50


@dataclass
class SurveyPart:
    audience: str
    label: str
    live: int  # the response counter (the only live figure)
    required: int
    light: str
    released: int  # answers of the latest release (0: nothing published yet, always ≥ 5 otherwise)
    released_on: object
    runs_link: bool
    link: Optional[SurveyLink]


@dataclass
class Hub:
    enterprise: Enterprise
    campaign: Campaign
    campaigns: list  # campaigns the enterprise is enrolled in (newest first), for switching
    enrolment: Optional[Enrolment]
    staff: bool
    admin: bool  # may act as the enterprise's administrator (the city, its district)
    own_contracts: list = field(default_factory=list)
    area_contracts: list = field(default_factory=list)
    surveys: list = field(default_factory=list)
    self_assessment: Optional[Assessment] = None
    requests: list = field(default_factory=list)
    external: list = field(default_factory=list)
    evaluators: list = field(default_factory=list)
    result: Optional[EvaluationResult] = None
    reports: list = field(default_factory=list)  # (report, visible versions)
    items: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    audit: Optional[list] = None  # None: this viewer may not see the trail

    @property
    def open_requests(self) -> list:
        return [r for r in self.requests if r.status == "open"]


def may_see_audit(user: User, enterprise: Enterprise) -> bool:
    return can_approve(user, enterprise)


def gather(session: Session, user: User, enterprise: Enterprise, campaign: Campaign) -> Hub:
    """The hub of ``enterprise`` in ``campaign`` as ``user`` may see it (access is checked by the caller)."""
    eid, cid = enterprise.id, campaign.id
    staff = user.role != "enterprise"
    hub = Hub(enterprise=enterprise, campaign=campaign, staff=staff, admin=can_approve(user, enterprise),
              campaigns=session.scalars(select(Campaign).join(Enrolment, Enrolment.campaign_id == Campaign.id)
                                        .where(Enrolment.enterprise_id == eid)
                                        .order_by(Campaign.start_date.desc(), Campaign.id.desc())).all(),
              enrolment=session.scalar(select(Enrolment).where(Enrolment.enterprise_id == eid,
                                                               Enrolment.campaign_id == cid)))
    hub.own_contracts = session.scalars(select(CollectiveContract).where(CollectiveContract.enterprise_id == eid)
                                        .order_by(CollectiveContract.signing_date.desc(),
                                                  CollectiveContract.id.desc())).all()
    hub.area_contracts = session.scalars(select(CollectiveContract).join(ContractCoverage).where(
        ContractCoverage.enterprise_id == eid).order_by(CollectiveContract.id)).all()
    hub.surveys = _surveys(session, user, enterprise, campaign, hub.enrolment)

    assessments = session.scalars(select(Assessment).options(selectinload(Assessment.evaluator)).where(
        Assessment.campaign_id == cid, Assessment.enterprise_id == eid).order_by(Assessment.id)).all()
    hub.self_assessment = next((a for a in assessments if a.kind == "self"), None)
    hub.requests = session.scalars(select(EvidenceRequest).where(
        EvidenceRequest.campaign_id == cid, EvidenceRequest.enterprise_id == eid)
        .order_by(EvidenceRequest.status.desc(), EvidenceRequest.due_date, EvidenceRequest.id)).all()
    if staff:
        hub.external = [a for a in assessments if a.kind == "external"]
        hub.evaluators = session.scalars(select(User).join(
            EvaluatorAssignment, EvaluatorAssignment.evaluator_id == User.id).where(
            EvaluatorAssignment.campaign_id == cid, EvaluatorAssignment.enterprise_id == eid)
            .order_by(User.display_name, User.id)).all()
    hub.result = session.scalar(select(EvaluationResult).where(EvaluationResult.campaign_id == cid,
                                                               EvaluationResult.enterprise_id == eid))

    reports = session.scalars(select(Report).options(selectinload(Report.versions)).where(
        Report.campaign_id == cid, Report.enterprise_id == eid).order_by(Report.kind.desc(), Report.id)).all()
    hub.reports = [(r, visible_versions(r, user)) for r in reports]
    hub.reports = [(r, vs) for r, vs in hub.reports if vs or staff]
    evaluation = next((r for r, vs in hub.reports if r.kind == "evaluation" and vs), None)
    if evaluation is not None:
        hub.items = session.scalars(select(RectificationItem).where(RectificationItem.report_id == evaluation.id)
                                    .order_by(RectificationItem.deadline, RectificationItem.id)).all()
    letters = select(EscalationLetter).where(EscalationLetter.campaign_id == cid,
                                             EscalationLetter.enterprise_id == eid)
    if user.role not in ("city_admin", "district_admin"):
        letters = letters.where(EscalationLetter.status == "issued")
    hub.letters = session.scalars(letters.order_by(EscalationLetter.id)).all()
    if may_see_audit(user, enterprise):
        hub.audit = audit_trail(session, enterprise, campaign)
    return hub


def _surveys(session: Session, user: User, enterprise: Enterprise, campaign: Campaign, enrolment) -> list:
    """Counters, the latest release and (for the side running it) the link, per questionnaire."""
    if enrolment is None:
        return []
    counts = response_counts(session, campaign.id, [enterprise.id])
    rows = monitor(session, campaign, select(Enterprise).where(Enterprise.id == enterprise.id), counts)
    published = releases.latest(session, campaign.id, [enterprise.id])
    runs = {a: policy.runs_link(user, enterprise, a) for a in AUDIENCE_CODES}
    links = {}
    if any(runs.values()):
        for link in session.scalars(select(SurveyLink).where(
                SurveyLink.campaign_id == campaign.id, SurveyLink.enterprise_id == enterprise.id,
                SurveyLink.status != "rotated").order_by(SurveyLink.id)):
            links[link.audience] = link  # the newest link of each questionnaire (as store.current_link)
    if not rows:
        return []
    row, parts = rows[0], []
    for audience in AUDIENCE_CODES:
        worker = audience == "worker"
        rel = published.get((enterprise.id, audience), releases.NOTHING)
        parts.append(SurveyPart(audience, AUDIENCES[audience], row.worker if worker else row.employer,
                                row.worker_required if worker else row.employer_required,
                                row.light if worker else row.employer_light, rel.answers, rel.released_on,
                                runs[audience], links.get(audience) if runs[audience] else None))
    return parts


def audit_trail(session: Session, enterprise: Enterprise, campaign: Campaign, limit: int = AUDIT_LIMIT) -> list:
    """The newest audit entries about the enterprise and its objects of the campaign (one query)."""
    eid, cid = enterprise.id, campaign.id

    def ids(stmt):
        return select(cast(stmt.subquery().c[0], String))

    versions = select(ReportVersion.id).join(Report, Report.id == ReportVersion.report_id).where(
        Report.enterprise_id == eid, Report.campaign_id == cid)
    objects = {
        "enterprise": None,
        "contract": ids(select(CollectiveContract.id).where(CollectiveContract.enterprise_id == eid)),
        "report_version": ids(versions),
        "assessment": ids(select(Assessment.id).where(Assessment.enterprise_id == eid, Assessment.campaign_id == cid)),
        "rectification_item": ids(select(RectificationItem.id).where(RectificationItem.enterprise_id == eid,
                                                                     RectificationItem.campaign_id == cid)),
        "escalation_letter": ids(select(EscalationLetter.id).where(EscalationLetter.enterprise_id == eid,
                                                                   EscalationLetter.campaign_id == cid)),
        "survey_link": ids(select(SurveyLink.id).where(SurveyLink.enterprise_id == eid,
                                                       SurveyLink.campaign_id == cid)),
    }
    conds = [(AuditEntry.object_type == "enterprise") & (AuditEntry.object_id == str(eid))]
    conds += [(AuditEntry.object_type == kind) & AuditEntry.object_id.in_(sub)
              for kind, sub in objects.items() if sub is not None]
    return session.scalars(select(AuditEntry).where(or_(*conds))
                           .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)).all()
