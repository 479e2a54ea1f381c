"""Who is told about a piece of work: the people on the other end of each workflow step.

Used by the workflow modules of several areas (assessments, reports, rectification,
letters) and by the deadline reminders, with ``evalsite.notifier.notify``.
"""
from __future__ import annotations

from typing import Iterable, Optional

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Enterprise, EvaluatorAssignment, User

SIDES = ("union", "management")
# who answers a rectification item, by the owner the problem rule names
# (scoring/rules/problems.yaml names owners by code or in Chinese)
OWNER_SIDES = {"worker": {"union"}, "union": {"union"}, "employer": {"management"},
               "management": {"management"}, "both": {"union", "management"},
               "职工方": {"union"}, "企业方": {"management"}, "双方": {"union", "management"}}


def enterprise_users(session: Session, enterprise_id: int, sides: Optional[Iterable[str]] = None) -> list[User]:
    stmt = select(User).where(User.role == "enterprise", User.enterprise_id == enterprise_id,
                              User.active.is_(True), User.side.in_(list(sides or SIDES)))
    return list(session.scalars(stmt.order_by(User.id)))


def owner_users(session: Session, enterprise_id: int, owner: str) -> list[User]:
    return enterprise_users(session, enterprise_id, OWNER_SIDES.get(owner, set(SIDES)))


def assigned_evaluators(session: Session, enterprise_id: int, campaign_id: int) -> list[User]:
    stmt = (select(User).join(EvaluatorAssignment, EvaluatorAssignment.evaluator_id == User.id)
            .where(EvaluatorAssignment.enterprise_id == enterprise_id, EvaluatorAssignment.campaign_id == campaign_id,
                   User.active.is_(True)))
    return list(session.scalars(stmt.order_by(User.id)))


def administrators(session: Session, enterprise: Enterprise) -> list[User]:
    """The district administrators of the enterprise's region; the city's when the district has none."""
    district = list(session.scalars(select(User).where(User.role == "district_admin", User.active.is_(True),
                                                       User.unit_id == enterprise.unit_id).order_by(User.id)))
    if district:
        return district
    return list(session.scalars(select(User).where(User.role == "city_admin", User.active.is_(True))
                                .order_by(User.id)))


def reviewers(session: Session, enterprise: Enterprise, campaign_id: int) -> list[User]:
    """Who may accept or return a rectification answer: the region's administrators and the assigned evaluators."""
    return administrators(session, enterprise) + assigned_evaluators(session, enterprise.id, campaign_id)


def path(endpoint: str, _anchor: Optional[str] = None, **values) -> Optional[str]:
    """A site path for a message link, inside or outside a request (the CLI); None if the page does not exist."""
    try:
        built = current_app.url_map.bind("localhost").build(endpoint, values)
    except Exception:
        return None
    return built + (f"#{_anchor}" if _anchor else "")
