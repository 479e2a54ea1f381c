"""Start a job from a web form: the cached file when the inputs are unchanged, else a new job, dispatched.

A view helper (flash, redirect) on the request's ``db.session``, which it commits before dispatching.
"""
from __future__ import annotations

from typing import Optional

from flask import flash, redirect, url_for
from flask_login import current_user

from .. import audit, jobs
from ..db import db
from . import execute


def start(kind: str, params: dict, summary: str, campaign_id: Optional[int], total: int = 0,
          fingerprint: Optional[str] = None):
    """Create the job as the current user (or reuse the file of an unchanged one), audit, commit, go to its page."""
    if fingerprint:
        cached = jobs.reuse(db.session, kind, current_user, params, fingerprint)
        if cached is not None:
            audit.record("batch.cached", "job", cached.id, summary + "（数据未变化，使用已生成的文件）",
                         {"kind": kind, "campaign": campaign_id})
            db.session.commit()  # as any successful POST (the audit entry of the cached answer)
            flash("数据自上次生成后没有变化，直接提供已生成的文件。", "success")
            return redirect(url_for("batch.job", job_id=cached.id), 303)
    job = jobs.create(db.session, kind, current_user, params, total=total, fingerprint=fingerprint)
    job.runner = execute.runner_name()  # the page tells a queued CLI job how to run it
    audit.record("batch.start", "job", job.id, summary, {"kind": kind, "campaign": campaign_id})
    db.session.commit()  # the runner (a thread, an RQ worker) reads the row in a session of its own
    execute.dispatch(job.id)
    return redirect(url_for("batch.job", job_id=job.id), 303)
