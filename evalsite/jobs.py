"""Background jobs: the row, the context a job's steps run in, who may see it, the file cache.

Used by every batch (``evalsite/batch/``). A job acts **as the person who asked
for it**: each item is checked with that person's rights (district, four eyes)
and either done, in its own committed transaction together with the progress,
or refused with the reason, so a batch over 200 reports of which 3 may not be
issued by this person issues 197 and lists 3. Which process runs the job (an RQ
worker, a thread of the web process, ``flask run-job``) is decided in
``evalsite/batch/execute.py``; this module only keeps the row.

A finished file goes into the storage (``evalsite.storage.current_storage``);
its job row keeps the key and the *fingerprint* of the inputs it was built from
(for example the release numbers of the answers it reads). A later request with
the same fingerprint gets the stored file at once (``reuse``); changed data
gives another fingerprint and so a new file. A file is kept ``JOB_FILE_DAYS``
after its job finished; then ``flask storage-gc`` clears the row's key and
deletes the file once no row refers to it (``evalsite/storage_gc.py``).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from typing import Optional

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .db import writing
from .domain_errors import DomainError
from .models import Job, User
from .models.base import utcnow

log = logging.getLogger(__name__)
FAILED = "任务执行出错，已中止；已完成的项目保留，未完成的项目未做任何修改。请稍后重试或联系系统管理员。"
ITEM_FAILED = "处理该项时出错，该项未做任何修改。"
MAX_REFUSALS_KEPT = 2000


class Refused(DomainError):
    """This item may not be done by this person (or is in the wrong state); the message is Chinese."""

    status = 403


def fingerprint(*parts) -> str:
    """A SHA-256 over the inputs a file is built from (JSON, keys sorted)."""
    raw = json.dumps(parts, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create(session: Session, kind: str, user: User, params: dict, *, total: int = 0,
           fingerprint: Optional[str] = None) -> Job:
    job = Job(kind=kind, requested_by_id=user.id, params=params, status="queued", total=total, done=0,
              refusals=[], fingerprint=fingerprint, from_cache=False)
    session.add(job)
    session.flush()
    return job


def reuse(session: Session, kind: str, user: User, params: dict, fp: str) -> Optional[Job]:
    """A finished job for this person whose file was built from the same inputs (same fingerprint).

    The fingerprint covers the requester's scope (the kinds put it in), so a
    file is never handed to someone who could not have built it. Returns a new
    row, already finished, pointing at the stored file; None when there is none.
    """
    from .storage import StorageError, current_storage, verify

    # a source with an hour left before its file expires (``flask storage-gc``), so the reuse never races the expiry
    fresh = utcnow() - dt.timedelta(days=float(current_app.config.get("JOB_FILE_DAYS") or 7), hours=-1)
    source = session.scalar(select(Job).where(Job.kind == kind, Job.fingerprint == fp, Job.status == "finished",
                                              Job.result_key.is_not(None), Job.finished_at >= fresh)
                            .order_by(Job.id.desc()).limit(1))
    if source is None:
        return None
    try:
        verify(current_storage(), source.result_key)  # gone or damaged: build it again
    except StorageError:
        return None
    now = utcnow()
    job = Job(kind=kind, requested_by_id=user.id, params=params, status="finished", runner="cache",
              done=source.done, total=source.total, summary=source.summary, refusals=list(source.refusals or []),
              fingerprint=fp, result_key=source.result_key, result_name=source.result_name,
              result_type=source.result_type, from_cache=True, started_at=now, finished_at=now)
    session.add(job)
    session.flush()
    return job


def may_view(user, job: Job) -> bool:
    """The requester, the city, and the district administrator of a requester who is not an administrator."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if job.requested_by_id == user.id or user.role == "city_admin":
        return True
    owner = job.requested_by
    return (user.role == "district_admin" and owner is not None and owner.role not in ("city_admin", "district_admin")
            and owner.unit_id is not None and owner.unit_id == user.unit_id)


class Item:
    """One item of a batch while it runs: its label can be refined once the object is loaded."""

    def __init__(self, label: str):
        self.label = label


class Context:
    """What a job's run function gets: the session, the acting user, the parameters, progress and refusals."""

    def __init__(self, session: Session, job: Job, user: User):
        self.session, self.job, self.user = session, job, user
        self.params = dict(job.params or {})
        self.summary: dict = dict(job.summary or {})

    def set_total(self, total: int) -> None:
        with writing():
            self.job.total, self.job.heartbeat_at = total, utcnow()
            self.session.commit()

    def count(self, key: str, n: int = 1) -> None:
        """Add to a figure of the result summary (saved with the item's transaction)."""
        self.summary[key] = int(self.summary.get(key, 0)) + n

    @contextlib.contextmanager
    def item(self, label: str):
        """Do one item: committed with the progress, or rolled back and listed as refused with the reason."""
        it = Item(label)
        try:
            with writing():
                yield it
                self.job.done = (self.job.done or 0) + 1
                self.job.summary = dict(self.summary)
                self.job.heartbeat_at = utcnow()
                self.session.commit()
        except DomainError as exc:  # Refused, four eyes, a state conflict, bad input: listed with the reason
            self._refused(it.label, exc.message)
        except Exception:  # noqa: BLE001 - one broken item never stops the others
            log.exception("job %s: item %s failed", self.job.id, it.label)
            self._refused(it.label, ITEM_FAILED)

    def _refused(self, label: str, reason: str) -> None:
        self.session.rollback()
        summary = {k: v for k, v in self.summary.items()}
        with writing():
            job = self.job
            refusals = list(job.refusals or [])
            if len(refusals) < MAX_REFUSALS_KEPT:
                refusals.append({"item": label[:200], "reason": reason[:500]})
            job.refusals = refusals
            job.done = (job.done or 0) + 1
            job.summary, job.heartbeat_at = summary, utcnow()
            self.session.commit()

    def attach(self, data: bytes, filename: str, mimetype: str) -> None:
        """Keep the finished file in the storage; the job row keeps its key and name."""
        from .storage import current_storage

        key = current_storage().put(data)
        with writing():
            self.job.result_key, self.job.result_name, self.job.result_type = key, filename[:200], mimetype[:100]
            self.job.heartbeat_at = utcnow()
            self.session.commit()


def claim(session: Session, job_id: int, runner: str) -> Optional[Job]:
    """Mark a queued job running (once: a second runner gets None); its heartbeat starts here."""
    from sqlalchemy import update

    now = utcnow()
    with writing():
        moved = session.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(
            status="running", runner=runner, started_at=now, heartbeat_at=now)).rowcount
        session.commit()
    return session.get(Job, job_id) if moved == 1 else None


def finish(session: Session, job: Job, summary: dict) -> None:
    with writing():
        job.summary, job.status, job.finished_at = dict(summary), "finished", utcnow()
        job.done = max(job.done or 0, job.total or 0) if job.total else job.done
        session.commit()


def fail(session: Session, job_id: int, message: str = FAILED) -> None:
    session.rollback()
    with writing():
        job = session.get(Job, job_id)
        job.status, job.error, job.finished_at = "failed", message[:1000], utcnow()
        session.commit()


def config_for_worker() -> dict:
    """What a worker process needs to rebuild the app (database, storage, rules) elsewhere."""
    keys = ("DATABASE_URL", "PUBLIC_BASE_URL", "ISSUING_BODY", "UPLOAD_DIR", "SECRET_KEY", "REDIS_URL", "TODAY",
            "STORAGE_URL", "STORAGE_DIR", "STORAGE_ENDPOINT_URL", "STORAGE_REGION", "STORAGE_ACCESS_KEY",
            "STORAGE_SECRET_KEY", "FOUR_EYES", "FOUR_EYES_APPROVER_MAY_ISSUE", "INSTANCE_PATH", "TESTING")
    return {k: current_app.config.get(k) for k in keys if current_app.config.get(k) is not None}
