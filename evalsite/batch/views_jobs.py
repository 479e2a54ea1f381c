"""The progress page of a job (meta refresh and a small poll), its JSON, its file, and one's own jobs."""
from __future__ import annotations

from flask import abort, jsonify, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import jobs
from ..db import db
from ..downloads import send_stored_file
from ..errors import abort_zh
from ..models import Job
from . import registry
from .blueprint import bp


def job_or_404(job_id: int) -> Job:
    """404 unknown; 403 when the person is neither the requester nor an administrator above them."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not jobs.may_view(current_user, job):
        abort(403)
    return job


def state(job: Job) -> dict:
    return dict(id=job.id, status=job.status, status_label=job.status_label, done=job.done or 0,
                total=job.total or 0, refused=len(job.refusals or []), refusals=list(job.refusals or []),
                lines=registry.summary_lines(job.kind, job.summary), error=job.error or "",
                download=bool(job.result_key), expired=bool(job.result_name and not job.result_key), from_cache=bool(job.from_cache), finished=job.finished)


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    j = job_or_404(job_id)
    data = state(j)
    if request.args.get("format") == "json":
        resp = jsonify(data)
        resp.headers["Cache-Control"] = "no-store"
        return resp
    return render_template("batch/job.html", job=j, data=data, label=registry.label(j.kind))


@bp.get("/jobs/<int:job_id>/download")
@login_required
def download(job_id: int):
    j = job_or_404(job_id)
    if j.status == "finished" and not j.result_key and j.result_name:  # cleared by `flask storage-gc`
        abort_zh(410, "该任务的文件已过保留期并已删除，请重新提交任务生成。")
    if j.status != "finished" or not j.result_key:
        abort_zh(409, "该任务尚未完成，或没有生成文件。")
    return send_stored_file(j.result_key, j.result_name or f"job-{j.id}", j.result_type or "application/octet-stream",
                            missing=(410, "该文件已不在存储中，请重新提交任务生成。"))


@bp.get("/jobs")
@login_required
def my_jobs():
    rows = db.session.scalars(select(Job).where(Job.requested_by_id == current_user.id)
                              .order_by(Job.id.desc()).limit(50)).all()
    return render_template("batch/jobs.html", rows=rows, label=registry.label)
