"""Which stored files no row refers to any more, and deleting them (``flask storage-gc``, in ``storage_cli.py``).

A replaced evidence file, a revoked and re-issued PDF, an expired job file stay in the store until this
runs. An object is deleted only when **no value of a column in** ``models.FILE_KEY_COLUMNS`` names it
**and** it was last written before the grace period (default 24 h): an upload puts its object before its
row commits, and a put of bytes already stored makes the object young again (``storage.py``), so a file
about to be referred to anew is never taken. The age is asked again right before each delete.

Job files expire: a job's file is kept ``JOB_FILE_DAYS`` (default 7) after the job finished. The command
first clears ``result_key`` of older jobs (the row, its summary and refusals stay; its page says the
file has expired and a new request builds it again); a reuse of a cached file is a row of its own finished
when it was reused, so a file still being handed out stays referenced, and ``jobs.reuse`` only takes a
source with at least an hour left, so a reuse never refers to a file being expired.

The scratch area (parked imports, referred to only by a browser session) is swept by age alone.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import and_, func, select, update

from .models import FILE_KEY_COLUMNS, Job
from .models.base import utcnow
from .storage import Storage, StorageError

SCRATCH_HOURS = 24.0  # a parked import can be confirmed for a day (registry/import_flow.MAX_AGE)
KEYS_LISTED = 1000


class NothingReferenced(StorageError):
    """No row refers to any file while the store has old objects: most likely the wrong database."""


@dataclass
class Collected:
    """What one pass over a store found and deleted (or, in a dry run, would delete)."""

    objects: int = 0
    referenced: int = 0
    young: int = 0  # unreferenced, but within the grace period
    deleted: int = 0
    freed: int = 0  # bytes
    keys: list = field(default_factory=list)  # (key, size) of the deleted objects, the first KEYS_LISTED


def _now() -> float:
    """The clock the ages are measured with (a test moves it)."""
    return time.time()


def job_files_before(days: float) -> dt.datetime:
    """Jobs finished before this have an expired file."""
    return utcnow() - dt.timedelta(days=days)


def _expired(before: dt.datetime):
    return and_(Job.result_key.is_not(None), Job.finished_at.is_not(None), Job.finished_at < before)


def expire_job_files(session, before: dt.datetime, dry_run: bool = False) -> int:
    """Forget the file of every job finished before ``before``; how many (the caller commits)."""
    if dry_run:
        return session.scalar(select(func.count()).select_from(Job).where(_expired(before))) or 0
    return session.execute(update(Job).where(_expired(before)).values(result_key=None)).rowcount or 0


def referenced_keys(session, jobs_expiring_before: Optional[dt.datetime] = None) -> set[str]:
    """Every key a row refers to; with ``jobs_expiring_before`` (a dry run) without the jobs that would expire."""
    keys: set[str] = set()
    for column in FILE_KEY_COLUMNS:
        query = select(column).where(column.is_not(None)).distinct()
        if jobs_expiring_before is not None and column.table is Job.__table__:
            query = query.where(~_expired(jobs_expiring_before))
        keys.update(session.scalars(query))
    return keys


def collect(storage: Storage, referenced: set[str], older_than_hours: float, *, dry_run: bool = False,
            force: bool = False) -> Collected:
    """Delete the objects of ``storage`` not in ``referenced`` and last written more than that long ago.

    With nothing referenced at all (an empty or wrong database) nothing is deleted unless ``force``."""
    found = Collected()
    before = _now() - older_than_hours * 3600
    for obj in storage.objects():
        found.objects += 1
        if obj.key in referenced:
            found.referenced += 1
            continue
        if obj.modified >= before:
            found.young += 1
            continue
        if not referenced and not force:
            raise NothingReferenced("没有任何记录引用文件，而存储中有旧文件：数据库是否正确？确认后加 --force。")
        size = obj.size if dry_run else storage.delete_if_older(obj.key, before)
        if size is None:  # written again meanwhile
            found.young += 1
            continue
        found.deleted += 1
        found.freed += size
        if len(found.keys) < KEYS_LISTED:
            found.keys.append((obj.key, size))
    return found
