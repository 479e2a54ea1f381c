"""Campaigns and their enrolment: the default rule, manual additions and removals.

Every function takes the caller's ``session`` and never commits.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..audit import record
from ..models import Campaign, Enrolment, Enterprise
from .service import apply_changes


def save_campaign(session: Session, campaign: Campaign | None, values: dict) -> Campaign:
    """Create or update; setting ``is_current`` clears it on every other campaign (only one current)."""
    creating = campaign is None
    if creating:
        campaign = Campaign()
        session.add(campaign)
    changes = apply_changes(campaign, values)
    session.flush()
    if campaign.is_current:
        session.execute(update(Campaign).where(Campaign.id != campaign.id, Campaign.is_current.is_(True))
                           .values(is_current=False))
    if creating or changes:
        record("campaign_create" if creating else "campaign_update", "campaign", campaign.id,
               f"{'新建' if creating else '修改'}行动 {campaign.name}", {"changes": changes})
    return campaign


def default_candidates(campaign: Campaign, unit_id: int | None = None):
    """Unionised, normally operating enterprises with at least ``min_headcount`` staff, not yet enrolled."""
    enrolled = select(Enrolment.enterprise_id).where(Enrolment.campaign_id == campaign.id)
    stmt = select(Enterprise).where(Enterprise.unionised.is_(True), Enterprise.normally_operating.is_(True),
                                    Enterprise.headcount >= campaign.min_headcount, Enterprise.id.not_in(enrolled))
    if unit_id is not None:
        stmt = stmt.where(Enterprise.unit_id == unit_id)
    return stmt.order_by(Enterprise.id)


def enrol_default(session: Session, campaign: Campaign, unit_id: int | None = None, audit: bool = True) -> int:
    """Enrol every candidate, keeping each one's headcount at enrolment time."""
    added = 0
    for enterprise in session.scalars(default_candidates(campaign, unit_id)).all():
        session.add(Enrolment(campaign_id=campaign.id, enterprise_id=enterprise.id,
                                 headcount=enterprise.headcount, manual=False))
        added += 1
    session.flush()
    if audit:
        record("enrol_default", "campaign", campaign.id, f"按默认规则登记 {added} 家企业",
               {"unit_id": unit_id, "added": added})
    return added


def is_enrolled(session: Session, campaign: Campaign, enterprise: Enterprise) -> bool:
    return session.scalar(select(Enrolment.id).where(Enrolment.campaign_id == campaign.id,
                                                        Enrolment.enterprise_id == enterprise.id)) is not None


def enrol(session: Session, campaign: Campaign, enterprise: Enterprise) -> Enrolment:
    enrolment = Enrolment(campaign_id=campaign.id, enterprise_id=enterprise.id, headcount=enterprise.headcount,
                          manual=True)
    session.add(enrolment)
    session.flush()
    record("enrol_add", "campaign", campaign.id, f"登记企业 {enterprise.name}", {"enterprise_id": enterprise.id})
    return enrolment


def unenrol(session: Session, enrolment: Enrolment) -> None:
    record("enrol_remove", "campaign", enrolment.campaign_id, f"移出企业 {enrolment.enterprise.name}",
           {"enterprise_id": enrolment.enterprise_id, "headcount": enrolment.headcount})
    session.delete(enrolment)
