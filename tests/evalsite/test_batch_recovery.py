"""Jobs a restart interrupted: heartbeat, stale detection on a fixed clock, the page, running again, the CLI."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from evalsite.models import Job
from evalsite.models.base import utcnow
from evalsite.models.jobs import INTERRUPTED
from tests.evalsite.confirm_support import confirmed_post

T = dt.datetime(2026, 11, 3, 9, 0, 0)


def _job(session, world, *, status="running", beat=None, who=None, done=2, total=5):
    who = who or world.district_a
    job = Job(kind="reports.approve", requested_by_id=who.id, status=status, runner="thread", done=done, total=total,
              params={"campaign_id": world.campaign.id, "version_ids": [101, 102]}, refusals=[], from_cache=False,
              started_at=beat, heartbeat_at=beat)
    session.add(job)
    session.commit()
    return job


def test_stale_after_job_stale_minutes_of_silence_on_a_fixed_clock(app, world, session):
    from evalsite.batch import recovery

    job = _job(session, world, beat=T)
    with app.app_context():
        assert app.config["JOB_STALE_MINUTES"] == 30
        assert not recovery.stale(job, now=T + dt.timedelta(minutes=29))
        assert recovery.stale(job, now=T + dt.timedelta(minutes=31))
        assert recovery.status_label(job, now=T + dt.timedelta(minutes=31)) == "已中断"
        assert recovery.status_label(job, now=T + dt.timedelta(minutes=1)) == "进行中"
        app.config["JOB_STALE_MINUTES"] = 10
        assert recovery.stale(job, now=T + dt.timedelta(minutes=11))
        job.status = "queued"  # waiting for a runner is not an interruption
        assert not recovery.stale(job, now=T + dt.timedelta(days=3))


def test_recover_marks_only_stale_running_jobs(app, world, session):
    from evalsite.batch import recovery
    from evalsite.db import db

    old = _job(session, world, beat=T)
    fresh = _job(session, world, beat=T + dt.timedelta(minutes=20))
    queued = _job(session, world, status="queued", beat=None)
    with app.app_context():
        ids = recovery.recover(db.session, now=T + dt.timedelta(minutes=40))
        db.session.commit()
    assert ids == [old.id]
    session.expire_all()
    session.rollback()
    assert session.get(Job, old.id).status == "failed" and session.get(Job, old.id).error == INTERRUPTED
    assert session.get(Job, old.id).status_label == "已中断" and session.get(Job, old.id).done == 2
    assert session.get(Job, fresh.id).status == "running" and session.get(Job, queued.id).status == "queued"


def test_a_run_beats_when_claimed_and_at_each_item(app, world, session):
    runner = app.test_cli_runner()
    job = _job(session, world, status="queued", beat=None, done=0, total=0)
    before = utcnow() - dt.timedelta(seconds=1)
    result = runner.invoke(args=["run-job", str(job.id)])
    assert result.exit_code == 0, result.output
    session.expire_all()
    session.rollback()
    row = session.get(Job, job.id)
    assert row.status == "finished" and row.heartbeat_at is not None and row.heartbeat_at >= before
    assert row.done == 2 and len(row.refusals) == 2  # both unknown versions refused, each a beat


def test_the_page_and_the_list_say_interrupted_and_offer_to_run_again(app, world, session, login_as):
    job = _job(session, world, beat=utcnow() - dt.timedelta(hours=2))
    client = login_as(world.district_a)
    page = client.get(f"/batch/jobs/{job.id}").data.decode()
    assert "已中断" in page and "已完成的项目保留" in page and "其余项目未做任何修改" in page
    assert "/restart" in page and 'http-equiv="refresh"' not in page
    data = client.get(f"/batch/jobs/{job.id}?format=json").get_json()
    assert data["finished"] and data["interrupted"] and data["status_label"] == "已中断"
    assert "已中断" in client.get("/batch/jobs").data.decode()
    live = _job(session, world, beat=utcnow())
    page = client.get(f"/batch/jobs/{live.id}").data.decode()
    assert "进行中" in page and "/restart" not in page


def test_run_again_is_a_new_job_as_the_requester_after_a_confirmation(app, world, session, login_as):
    app.config["JOB_RUNNER"] = "cli"  # the new job stays queued
    job = _job(session, world, beat=utcnow() - dt.timedelta(hours=2))
    client = login_as(world.district_a)
    first = client.post(f"/batch/jobs/{job.id}/restart", data={})
    assert first.status_code == 200 and "重新运行批量任务" in first.data.decode()
    session.expire_all()
    session.rollback()
    assert session.get(Job, job.id).status == "running"  # nothing yet
    resp = confirmed_post(client, f"/batch/jobs/{job.id}/restart")
    assert resp.status_code == 303, resp.data.decode()[:300]
    new_id = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    session.expire_all()
    session.rollback()
    new, old = session.get(Job, new_id), session.get(Job, job.id)
    assert new.id != old.id and new.status == "queued" and new.kind == old.kind and new.params == old.params
    assert new.requested_by_id == world.district_a.id and new.total == 5 and new.fingerprint is None
    assert old.status == "failed" and old.error == INTERRUPTED
    # marked now: it can still be run again from its page (another new job), but not the running new one
    assert client.post(f"/batch/jobs/{new_id}/restart", data={}).status_code == 409


def test_only_the_requester_may_run_it_again(app, world, session, login_as):
    job = _job(session, world, beat=utcnow() - dt.timedelta(hours=2))
    city = login_as(world.city)  # may see the job, not act as its requester
    page = city.get(f"/batch/jobs/{job.id}").data.decode()
    assert "已中断" in page and "/restart" not in page
    refused = city.post(f"/batch/jobs/{job.id}/restart", data={"confirm": "x"})
    assert refused.status_code == 403 and "只有提交该任务的用户本人" in refused.data.decode()
    assert login_as(world.district_b).post(f"/batch/jobs/{job.id}/restart", data={}).status_code == 403
    session.expire_all()
    session.rollback()
    assert session.scalars(select(Job)).all() == [session.get(Job, job.id)]
    assert session.get(Job, job.id).status == "running"


def test_cli_jobs_recover(app, world, session):
    old = _job(session, world, beat=utcnow() - dt.timedelta(hours=2))
    live = _job(session, world, beat=utcnow())
    result = app.test_cli_runner().invoke(args=["jobs-recover"])
    assert result.exit_code == 0, result.output
    assert f"任务 {old.id} 已中断" in result.output and "已标记 1 个中断的任务" in result.output
    session.expire_all()
    session.rollback()
    assert session.get(Job, old.id).status == "failed" and session.get(Job, live.id).status == "running"
    again = app.test_cli_runner().invoke(args=["jobs-recover"])
    assert "已标记 0 个" in again.output
