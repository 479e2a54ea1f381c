"""The progress page of a job (meta refresh and a small poll), its JSON, its file, one's own jobs, and running
again a job a restart interrupted (``recovery.py``)."""
from __future__ import annotations

from flask import abort, jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import confirm, jobs
from ..db import db
from ..downloads import send_stored_file
from ..errors import abort_zh
from ..models import Job
from . import recovery, registry
from .blueprint import bp
from .starting import start

NOT_YOURS = "只有提交该任务的用户本人可以重新运行它。"
NOT_INTERRUPTED = "该任务没有中断（仍在进行、排队或已结束），无需重新运行。"


def job_or_404(job_id: int) -> Job:
    """404 unknown; 403 when the person is neither the requester nor an administrator above them."""
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if not jobs.may_view(current_user, job):
        abort(403)
    return job


def state(job: Job) -> dict:
    stale = recovery.stale(job)  # its runner is gone: the page stops waiting for it
    return dict(id=job.id, status=job.status, status_label=recovery.status_label(job), done=job.done or 0,
                total=job.total or 0, refused=len(job.refusals or []), refusals=list(job.refusals or []),
                lines=registry.summary_lines(job.kind, job.summary),
                download=bool(job.result_key), expired=bool(job.result_name and not job.result_key), from_cache=bool(job.from_cache),
                finished=job.finished or stale, interrupted=recovery.interrupted(job),
                error=recovery.INTERRUPTED if stale else (job.error or ""))


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
    return render_template("batch/jobs.html", rows=rows, label=registry.label, status_label=recovery.status_label)


@bp.route("/jobs/<int:job_id>/restart", methods=["GET", "POST"])
@login_required
def restart(job_id: int):
    """Run an interrupted job again: a new job, same kind and parameters, as its requester, after a confirmation."""
    j = job_or_404(job_id)
    if j.requested_by_id != current_user.id:
        abort_zh(403, NOT_YOURS)
    if not recovery.interrupted(j):
        abort_zh(409, NOT_INTERRUPTED)
    label = registry.label(j.kind)
    page = confirm.gate(confirm.fingerprint("restart", j.id, j.status, j.done, j.heartbeat_at),
                        title="重新运行批量任务", subject=f"{label}（任务 {j.id}，已完成 {j.done or 0} / {j.total or 0} 项）",
                        consequences=["以相同的参数新建一个任务，以您的身份重新运行；每一项仍按您当前的权限逐项检查。",
                                      "原任务已完成的项目保留；已经处理过的项目在新任务中可能列为未处理（状态已变化）。",
                                      "原任务标记为已中断，不会再继续。"],
                        action_url=url_for("batch.restart", job_id=j.id), button="重新运行",
                        back_url=url_for("batch.job", job_id=j.id))
    if page is not None:
        return page
    if recovery.stale(j):
        recovery.mark(j)
    params = dict(j.params or {})
    return start(j.kind, params, f"重新运行已中断的任务 {j.id}（{label}）", params.get("campaign_id"),
                 total=j.total or 0)
