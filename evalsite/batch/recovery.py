"""Jobs a restart interrupted: told apart by their heartbeat, marked, and run again on request.

A runner sets ``job.heartbeat_at`` when it claims the job and at every commit of
its progress (``evalsite.jobs``). A job still "running" whose heartbeat is older
than ``JOB_STALE_MINUTES`` lost its process (a restart, a killed worker): its
page says 已中断 at once (``stale``), and ``flask jobs-recover`` marks the row
failed with ``INTERRUPTED`` (``recover``). Items already done stay done, each
in its own committed transaction; the others were never touched, so running the
job again (a new job, same kind and parameters, same person: ``views_jobs.restart``) is safe.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask import current_app
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from ..models import Job
from ..models.base import utcnow
from ..models.jobs import INTERRUPTED, INTERRUPTED_LABEL


def cutoff(now: Optional[dt.datetime] = None) -> dt.datetime:
    """A running job whose last heartbeat is before this instant was interrupted."""
    minutes = float(current_app.config.get("JOB_STALE_MINUTES") or 30)
    return (now or utcnow()) - dt.timedelta(minutes=minutes)


def _last_sign(job: Job) -> Optional[dt.datetime]:
    return job.heartbeat_at or job.started_at or job.created_at


def stale(job: Job, now: Optional[dt.datetime] = None) -> bool:
    """Still "running" although its runner has not been heard of for ``JOB_STALE_MINUTES``."""
    last = _last_sign(job)
    return job.status == "running" and last is not None and last < cutoff(now)


def interrupted(job: Job, now: Optional[dt.datetime] = None) -> bool:
    """Marked interrupted, or about to be (stale): either way it may be run again."""
    return job.interrupted or stale(job, now)


def status_label(job: Job, now: Optional[dt.datetime] = None) -> str:
    return INTERRUPTED_LABEL if stale(job, now) else job.status_label


def recover(session: Session, now: Optional[dt.datetime] = None) -> list[int]:
    """Mark every stale running job failed with ``INTERRUPTED``; the ids. The caller commits."""
    before = cutoff(now)
    last = func.coalesce(Job.heartbeat_at, Job.started_at, Job.created_at)
    rule = and_(Job.status == "running", last < before)
    ids = list(session.scalars(select(Job.id).where(rule).order_by(Job.id)))
    if ids:  # the same rule again in the UPDATE: a job that beat meanwhile is left running
        session.execute(update(Job).where(Job.id.in_(ids), rule)
                        .values(status="failed", error=INTERRUPTED, finished_at=now or utcnow()))
    return ids


def mark(job: Job, now: Optional[dt.datetime] = None) -> None:
    """Mark one stale job interrupted (before it is run again). The caller commits."""
    job.status, job.error, job.finished_at = "failed", INTERRUPTED, now or utcnow()


__all__ = ["INTERRUPTED", "cutoff", "stale", "interrupted", "status_label", "recover", "mark"]
