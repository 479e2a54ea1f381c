"""Rectification items tracking an issued report's problems, and the deadlines a version prints.

Shared by the issuing workflow (``workflow.py``: deadlines fixed and items made at issue) and the
rectification loop (``rectification.py``: every status move leaves an event through
:func:`record_event`).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring.problems import instance_key

from ..models import RectificationEvent, RectificationItem, ReportVersion, User


def record_event(session: Session, item: RectificationItem, user: Optional[User], to: Optional[str],
                 comment: str = "", kind: str = "status", created: bool = False) -> None:
    session.add(RectificationEvent(item_id=item.id, user_id=getattr(user, "id", None),
                                   username=getattr(user, "username", None) or "system",
                                   from_status=item.status if kind == "status" and not created else None,
                                   to_status=to, kind=kind, comment=comment or None))


def _tracked(session: Session, report_id: int) -> dict[tuple[str, str], RectificationItem]:
    return {(i.code, i.subject): i for i in session.scalars(
        select(RectificationItem).where(RectificationItem.report_id == report_id))}


def _key(p: dict) -> tuple[str, str]:
    return instance_key(p["code"], p.get("indicator"))


def problems_with_deadlines(session: Session, report_id: Optional[int], problems: list[dict],
                            issue_date: dt.date) -> list[dict]:
    """The problems as a version prints them: each with the deadline of the item that tracks it.

    A problem already tracked (an earlier version was issued) keeps its item's
    deadline; a new one gets issue date + the rule's days, which its item will
    store when the version is issued.
    """
    tracked = _tracked(session, report_id) if report_id is not None else {}
    out = []
    for p in problems:
        item = tracked.get(_key(p))
        due = item.deadline if item is not None else issue_date + dt.timedelta(days=int(p.get("deadline_days") or 30))
        out.append({**p, "deadline": due.isoformat()})
    return out


def fix_deadlines(session: Session, version: ReportVersion) -> None:
    """Write into an about-to-be-issued version the deadline each of its problems prints."""
    if version.report.kind != "evaluation" or version.issue_date is None:
        return
    data = dict(version.data or {})
    data["problems"] = problems_with_deadlines(session, version.report_id, data.get("problems") or [],
                                               version.issue_date)
    version.data = data


def create_items(session: Session, version: ReportVersion) -> list[RectificationItem]:
    """One item per problem instance of the issued version; a later version adds only new instances."""
    tracked = set(_tracked(session, version.report_id))
    made = []
    for p in version.data.get("problems", []):
        key = _key(p)
        if key in tracked:
            continue
        deadline = (dt.date.fromisoformat(p["deadline"]) if p.get("deadline")
                    else version.issue_date + dt.timedelta(days=int(p.get("deadline_days") or 30)))
        item = RectificationItem(
            report_id=version.report_id, version_id=version.id, campaign_id=version.report.campaign_id,
            enterprise_id=version.report.enterprise_id, problem_id=p.get("id"), code=p["code"], subject=key[1],
            indicator=p.get("indicator"), severity=p.get("severity") or "medium", title=p["title"],
            description=p.get("description") or "", requirement=p.get("requirement") or "",
            owner=p.get("owner") or "both", deadline=deadline)
        session.add(item)
        session.flush()
        record_event(session, item, None, "open", f"报告 {version.report.number} 第{version.version}版出具，生成整改项",
               created=True)
        tracked.add(key)
        made.append(item)
    return made
