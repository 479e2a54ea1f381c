"""``flask run-job ID``, ``flask run-jobs`` (cron, for JOB_RUNNER=cli), ``flask jobs-recover`` (cron) and
``flask batch-reports``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import jobs
from ..cli import campaign_option, resolve_campaign, resolve_user
from ..db import db, writing
from ..models import Job, Report, ReportVersion
from . import execute, recovery, registry


def _report(job: Job) -> None:
    click.echo(f"任务 {job.id}（{registry.label(job.kind)}）：{job.status_label}，{job.done}/{job.total} 项，"
               f"未处理 {len(job.refusals or [])} 项。")
    for line in registry.summary_lines(job.kind, job.summary):
        click.echo("  " + line)
    for r in job.refusals or []:
        click.echo(f"  未处理 {r['item']}：{r['reason']}", err=True)
    if job.error:
        click.echo("  " + job.error, err=True)


@click.command("run-job")
@click.argument("job_id", type=int)
@with_appcontext
def run_job(job_id):
    """Run one queued job here, as the person who asked for it."""
    job = execute.run_job(job_id, "cli")
    if job is None:
        existing = db.session.get(Job, job_id)
        raise click.ClickException(f"任务 {job_id} 不存在。" if existing is None
                                   else f"任务 {job_id} 不在排队中（{existing.status_label}），未重复执行。")
    _report(job)
    if job.status == "failed":
        raise SystemExit(1)


@click.command("run-jobs")
@with_appcontext
def run_jobs():
    """Run every queued job, oldest first (for cron when the web process runs none)."""
    ids = db.session.scalars(select(Job.id).where(Job.status == "queued").order_by(Job.id)).all()
    db.session.rollback()
    for job_id in ids:
        job = execute.run_job(job_id, "cli")
        if job is not None:
            _report(job)
    click.echo(f"已处理 {len(ids)} 个排队任务。")


@click.command("jobs-recover")
@with_appcontext
def jobs_recover():
    """Mark failed (已中断) every running job without a heartbeat for JOB_STALE_MINUTES (for cron)."""
    with writing():
        ids = recovery.recover(db.session)
        db.session.commit()
    for job_id in ids:
        click.echo(f"任务 {job_id} 已中断（超过 {current_app.config['JOB_STALE_MINUTES']:g} 分钟没有进展），已标记。")
    click.echo(f"已标记 {len(ids)} 个中断的任务。")


@click.command("batch-reports")
@click.argument("action", type=click.Choice(["approve", "issue"]))
@campaign_option
@click.option("--as", "as_user", required=True, help="以该管理员的身份处理（用户名）；逐份检查权限和四眼原则")
@with_appcontext
def batch_reports(action, campaign_code, as_user):
    """Approve every draft (or issue every approved version) of the campaign, as --as, each checked."""
    campaign = resolve_campaign(campaign_code)
    user = resolve_user(as_user)
    status = "draft" if action == "approve" else "approved"
    ids = db.session.scalars(select(ReportVersion.id).join(Report).where(
        Report.campaign_id == campaign.id, ReportVersion.status == status)
        .order_by(Report.number, ReportVersion.version)).all()
    with writing():
        job = jobs.create(db.session, f"reports.{action}", user, {"campaign_id": campaign.id,
                                                                  "version_ids": list(ids)}, total=len(ids))
        db.session.commit()
    _report(execute.run_job(job.id, "cli"))


COMMANDS = [run_job, run_jobs, jobs_recover, batch_reports]
