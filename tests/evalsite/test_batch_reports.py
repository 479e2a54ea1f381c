"""Batch approve / issue of ticked report versions as a job: thread, CLI and RQ runners; refusals per item;
four eyes per item; who may see the progress page; bad input."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from evalsite.models import Job, ReportVersion
from evalsite.reports import workflow as S
from tests.evalsite.confirm_support import confirmed_post
from tests.evalsite.test_reports_workflow import make_result, today  # noqa: F401

WAIT = 60  # seconds: every wait for a job is bounded


@pytest.fixture(autouse=True)
def thread_runner(app):
    """These tests run their jobs in a thread of the app (the suite's default leaves jobs queued)."""
    app.config["JOB_RUNNER"] = "thread"


def _drafts(app, world, session, drafters):
    """One draft per enterprise, drafted by the given user (by world attribute name)."""
    from evalsite.db import db
    from evalsite.models import Campaign, Enterprise, User

    for ent in drafters:
        make_result(session, world.campaign, ent, problems=[])
    ids = {}
    with app.app_context():
        s = db.session
        for ent, who in drafters.items():
            v = S.draft_report(s, s.get(Campaign, world.campaign.id), s.get(Enterprise, ent.id),
                               s.get(User, getattr(world, who).id))
            ids[ent.id] = v.id
        s.commit()
    return ids


def _approve(app, version_ids, approver):
    from evalsite.db import db
    from evalsite.models import User

    with app.app_context():
        s = db.session
        for vid in version_ids:
            S.approve(s, s.get(ReportVersion, vid), s.get(User, approver.id))
        s.commit()


def _wait_and_load(session, location):
    from evalsite.batch import execute

    job_id = int(location.rstrip("/").split("/")[-1])
    assert execute.wait(job_id, WAIT), "job thread did not finish in time"
    session.expire_all()
    session.rollback()
    return session.get(Job, job_id)


def _statuses(session, ids):
    session.expire_all()
    session.rollback()
    return {vid: session.get(ReportVersion, vid).status for vid in ids}


def test_batch_approve_refuses_each_item_it_may_not_do_and_does_the_others(app, world, session, login_as):
    ids = _drafts(app, world, session, {world.ent_a: "district_a", world.ent_a2: "city", world.ent_b: "city"})
    client = login_as(world.district_a)
    data = {"action": "approve", "version": [str(v) for v in ids.values()]}
    first = client.post(f"/batch/reports?campaign={world.campaign.id}", data=data)
    page = first.data.decode()
    assert first.status_code == 200 and "请确认" in page and "以下 2 份按目前状态将不会处理" in page
    assert _statuses(session, ids.values()) == {v: "draft" for v in ids.values()}  # nothing yet
    resp = confirmed_post(client, f"/batch/reports?campaign={world.campaign.id}", data)
    assert resp.status_code == 303 and "/batch/jobs/" in resp.headers["Location"]
    job = _wait_and_load(session, resp.headers["Location"])
    assert job.status == "finished" and job.done == job.total == 3 and job.runner == "thread"
    assert job.summary["approved"] == 1
    reasons = {r["reason"] for r in job.refusals}
    assert any("四眼原则" in r for r in reasons) and any("无权查看" in r for r in reasons)
    assert not any(world.ent_b.name in r["item"] for r in job.refusals)  # another district's name is not shown
    assert _statuses(session, ids.values()) == {ids[world.ent_a.id]: "draft", ids[world.ent_a2.id]: "approved",
                                                 ids[world.ent_b.id]: "draft"}
    assert session.get(ReportVersion, ids[world.ent_a2.id]).approved_by_id == world.district_a.id
    shown = client.get(resp.headers["Location"]).data.decode()
    assert "已审核通过 1 份" in shown and "四眼原则" in shown and "http-equiv=\"refresh\"" not in shown


def test_batch_issue_four_eyes_per_item(app, world, session, login_as, today):  # noqa: F811
    ids = _drafts(app, world, session, {world.ent_a: "evaluator", world.ent_a2: "city"})
    _approve(app, [ids[world.ent_a.id]], world.city)
    _approve(app, [ids[world.ent_a2.id]], world.district_a)
    client = login_as(world.district_a)
    resp = confirmed_post(client, f"/batch/reports?campaign={world.campaign.id}",
                          {"action": "issue", "version": [str(v) for v in ids.values()]})
    job = _wait_and_load(session, resp.headers["Location"])
    assert job.status == "finished" and job.summary["issued"] == 1
    assert [r["reason"] for r in job.refusals] == [S.four_eyes.ISSUE_RULE]
    issued = session.get(ReportVersion, ids[world.ent_a.id])
    assert issued.status == "issued" and issued.issued_by_id == world.district_a.id and issued.pdf[:4] == b"%PDF"
    assert session.get(ReportVersion, ids[world.ent_a2.id]).status == "approved"


def test_all_refused_is_409_and_nothing_is_queued(app, world, session, login_as):
    ids = _drafts(app, world, session, {world.ent_a: "district_a"})
    client = login_as(world.district_a)
    resp = client.post(f"/batch/reports?campaign={world.campaign.id}",
                       data={"action": "approve", "version": [str(ids[world.ent_a.id])]})
    assert resp.status_code == 409 and "四眼原则" in resp.data.decode()
    assert session.scalar(select(Job.id)) is None


@pytest.mark.parametrize("data, status, words", [
    ({"action": "approve"}, 400, "请先在报告列表中勾选"),
    ({"action": "approve", "version": ["x1"]}, 400, "编号无效"),
    ({"action": "approve", "version": ["-3"]}, 400, "编号无效"),
    ({"action": "delete", "version": ["1"]}, 400, "请选择"),
])
def test_bad_batch_input_is_a_chinese_4xx(world, login_as, data, status, words):
    resp = login_as(world.city).post(f"/batch/reports?campaign={world.campaign.id}", data=data)
    assert resp.status_code == status and words in resp.data.decode()


def test_stale_confirmation_is_409(app, world, session, login_as):
    ids = _drafts(app, world, session, {world.ent_a2: "city"})
    client = login_as(world.district_a)
    data = {"action": "approve", "version": [str(ids[world.ent_a2.id])]}
    first = client.post(f"/batch/reports?campaign={world.campaign.id}", data=data)
    from tests.evalsite.confirm_support import confirmation_token

    token = confirmation_token(first)
    _approve(app, [ids[world.ent_a2.id]], world.district_b)  # someone else acts meanwhile (the rule allows it here)
    stale = client.post(f"/batch/reports?campaign={world.campaign.id}", data={**data, "confirm": token})
    assert stale.status_code == 409
    assert session.scalar(select(Job.id)) is None


@pytest.mark.parametrize("who", ["evaluator", "ent_a_union", "ent_a_mgmt"])
def test_non_admins_cannot_start_a_batch(world, login_as, who):
    resp = login_as(getattr(world, who)).post(f"/batch/reports?campaign={world.campaign.id}",
                                              data={"action": "approve", "version": ["1"]})
    assert resp.status_code == 403


def test_progress_page_access(app, world, session, factory, login_as):
    from evalsite import jobs
    from evalsite.db import db
    from evalsite.models import User

    other_a = factory.user("district_a2", "district_admin", unit=world.unit_a)
    session.commit()
    with app.app_context():
        job = jobs.create(db.session, "reports.approve", db.session.get(User, world.district_a.id),
                          {"version_ids": []})
        ev_job = jobs.create(db.session, "reports.approve", db.session.get(User, world.evaluator.id),
                             {"version_ids": []})
        db.session.commit()
        job_id, ev_job_id = job.id, ev_job.id
    for user, code in [(world.district_a, 200), (world.city, 200), (other_a, 403), (world.district_b, 403),
                       (world.evaluator, 403), (world.ent_a_union, 403), (world.ent_a_mgmt, 403)]:
        client = login_as(user)
        assert client.get(f"/batch/jobs/{job_id}").status_code == code, user.username
        assert client.get(f"/batch/jobs/{job_id}?format=json").status_code == code, user.username
    # an evaluator's job: they, the city and their district's administrators; not the other district
    for user, code in [(world.evaluator, 200), (world.district_a, 200), (world.district_b, 403)]:
        assert login_as(user).get(f"/batch/jobs/{ev_job_id}").status_code == code, user.username
    client = login_as(world.district_a)
    assert client.get("/batch/jobs/999999").status_code == 404
    page = client.get(f"/batch/jobs/{job_id}").data.decode()
    assert 'http-equiv="refresh"' in page and "js/job.js" in page  # queued: refreshes itself, and polls
    assert client.get(f"/batch/jobs/{job_id}/download").status_code == 409
    assert client.get("/batch/jobs").status_code == 200


def test_cli_runner_leaves_the_job_for_flask_run_job(app, world, session, login_as):
    app.config["JOB_RUNNER"] = "cli"
    ids = _drafts(app, world, session, {world.ent_a2: "city"})
    client = login_as(world.district_a)
    resp = confirmed_post(client, f"/batch/reports?campaign={world.campaign.id}",
                          {"action": "approve", "version": [str(ids[world.ent_a2.id])]})
    job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = client.get(resp.headers["Location"]).data.decode()
    assert "flask run-job" in page and "排队中" in page
    runner = app.test_cli_runner()
    result = runner.invoke(args=["run-job", str(job_id)])
    assert result.exit_code == 0 and "已审核通过 1 份" in result.output, result.output
    again = runner.invoke(args=["run-job", str(job_id)])
    assert again.exit_code != 0 and "未重复执行" in again.output
    assert runner.invoke(args=["run-job", "424242"]).exit_code != 0
    assert _statuses(session, [ids[world.ent_a2.id]]) == {ids[world.ent_a2.id]: "approved"}
    session.expire_all(); session.rollback()
    assert session.get(Job, job_id).runner == "cli"


def test_batch_reports_cli_acts_as_the_named_user(app, world, session, today):  # noqa: F811
    ids = _drafts(app, world, session, {world.ent_a: "district_a", world.ent_a2: "city"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["batch-reports", "approve", "--as", "district_a"])
    assert result.exit_code == 0 and "已审核通过 1 份" in result.output and "四眼原则" in result.output
    assert _statuses(session, ids.values()) == {ids[world.ent_a.id]: "draft", ids[world.ent_a2.id]: "approved"}
    assert runner.invoke(args=["batch-reports", "approve", "--as", "nobody"]).exit_code != 0


def test_render_reports_needs_a_person_while_four_eyes_is_on(app, world, session, today):  # noqa: F811
    ids = _drafts(app, world, session, {world.ent_a: "evaluator", world.ent_a2: "evaluator"})
    _approve(app, [ids[world.ent_a.id]], world.city)
    _approve(app, [ids[world.ent_a2.id]], world.district_a)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["render-reports"])
    assert refused.exit_code != 0 and "--as" in refused.output
    result = runner.invoke(args=["render-reports", "--as", "district_a", "--workers", "1"])
    assert result.exit_code == 0 and "已出具 1 份" in result.output and "未获准出具 1 份" in result.output
    assert _statuses(session, ids.values()) == {ids[world.ent_a.id]: "issued", ids[world.ent_a2.id]: "approved"}


def test_issue_all_approved_from_the_tables_page(app, world, session, login_as, today):  # noqa: F811
    ids = _drafts(app, world, session, {world.ent_a: "evaluator", world.ent_b: "evaluator_b"})
    _approve(app, ids.values(), world.city)
    client = login_as(world.district_a)
    assert "批量出具已审核报告" in client.get(f"/reports/tables?campaign={world.campaign.id}").data.decode()
    resp = confirmed_post(client, f"/batch/reports/issue-approved?campaign={world.campaign.id}")
    job = _wait_and_load(session, resp.headers["Location"])
    assert job.summary["issued"] == 1 and not job.refusals  # district B's report is outside the scope
    assert _statuses(session, ids.values()) == {ids[world.ent_a.id]: "issued", ids[world.ent_b.id]: "approved"}


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL not set")
def test_rq_runner_runs_the_job_as_the_requester(app, world, session, login_as, today):  # noqa: F811
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = os.environ["TEST_REDIS_URL"]
    conn = Redis.from_url(url)
    Queue("jobs", connection=conn).empty()
    ids = _drafts(app, world, session, {world.ent_a: "evaluator", world.ent_a2: "city"})
    _approve(app, [ids[world.ent_a.id]], world.city)
    _approve(app, [ids[world.ent_a2.id]], world.district_a)
    app.config["REDIS_URL"] = url
    client = login_as(world.district_a)
    resp = confirmed_post(client, f"/batch/reports?campaign={world.campaign.id}",
                          {"action": "issue", "version": [str(v) for v in ids.values()]})
    job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/batch/jobs/{job_id}?format=json").get_json()["status"] == "queued"
    SimpleWorker([Queue("jobs", connection=conn)], connection=conn).work(burst=True, max_jobs=5)
    state = client.get(f"/batch/jobs/{job_id}?format=json").get_json()
    assert state["status"] == "finished" and state["done"] == 2 and state["refused"] == 1, state
    session.expire_all(); session.rollback()
    assert session.get(Job, job_id).runner == "rq"
    assert _statuses(session, ids.values()) == {ids[world.ent_a.id]: "issued", ids[world.ent_a2.id]: "approved"}
