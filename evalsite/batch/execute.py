"""Who runs a job: an RQ worker (``REDIS_URL``), a thread of the web process, or the CLI.

``dispatch`` is called right after the job row is committed. Without Redis the
default runner is a daemon thread with its own app context (so its own
database session); ``JOB_RUNNER=cli`` leaves the job queued for
``flask run-job ID`` / ``flask run-jobs`` (cron), for hosts where the web
process must not do long work. Whatever runs it, ``run_job`` claims the row
once, loads the requesting user and calls the kind's ``run`` as that user.
It is a job's entry point, like a command: it owns its app context's ``db.session``
and hands it to the kind as ``ctx.session``.
"""
from __future__ import annotations

import logging
import threading
from typing import Optional

from flask import current_app

from .. import jobs
from ..db import db
from ..models import Job, User
from .registry import KINDS

log = logging.getLogger(__name__)
QUEUE = "jobs"
THREADS: dict[int, threading.Thread] = {}
GONE = "申请该任务的账号已停用或不存在，任务未执行。"


def run_job(job_id: int, runner: str) -> Optional[Job]:
    """Run a queued job in the current app context; None when it was not queued (already run)."""
    session = db.session
    job = jobs.claim(session, job_id, runner)
    if job is None:
        return None
    user = session.get(User, job.requested_by_id) if job.requested_by_id else None
    kind = KINDS.get(job.kind)
    if user is None or not user.active or kind is None:
        jobs.fail(session, job_id, GONE if kind else "未知的任务类型。")
        return session.get(Job, job_id)
    ctx = jobs.Context(session, job, user)
    try:
        kind.run(ctx)
        jobs.finish(session, job, ctx.summary)
    except Exception:  # noqa: BLE001 - the row must say it failed
        log.exception("job %s (%s) failed", job_id, job.kind)
        try:
            jobs.fail(session, job_id)
        except Exception:  # noqa: BLE001 - the database itself is failing; the log has it
            log.exception("job %s: could not record the failure", job_id)
            session.rollback()
    return session.get(Job, job_id)


def runner_name() -> str:
    if current_app.config.get("REDIS_URL"):
        return "rq"
    return "cli" if (current_app.config.get("JOB_RUNNER") or "thread") == "cli" else "thread"


def dispatch(job_id: int) -> str:
    """Start the committed job the configured way; returns the runner's name."""
    name = runner_name()
    if name == "rq":
        from redis import Redis
        from rq import Queue

        conn = Redis.from_url(current_app.config["REDIS_URL"])
        Queue(QUEUE, connection=conn).enqueue(rq_entry, jobs.config_for_worker(), job_id, job_timeout=6 * 3600)
    elif name == "thread":
        app = current_app._get_current_object()
        thread = threading.Thread(target=_thread_main, args=(app, job_id), name=f"job-{job_id}", daemon=True)
        THREADS[job_id] = thread
        thread.start()
    return name


def _thread_main(app, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id, "thread")
        finally:
            THREADS.pop(job_id, None)


def wait(job_id: int, timeout: float) -> bool:
    """Join the thread running the job (tests, the CLI); False when it is still running after ``timeout``."""
    thread = THREADS.get(job_id)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


def rq_entry(config: dict, job_id: int) -> Optional[int]:
    """The RQ job: rebuild the app from its settings and run the row as its requester."""
    from .. import create_app

    app = create_app(dict(config))
    with app.app_context():
        job = run_job(job_id, "rq")
        return job.id if job else None
