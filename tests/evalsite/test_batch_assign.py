"""Bulk evaluator assignment: balanced, declared conflicts respected, previewed and confirmed, each pair checked
as the requesting administrator when the job runs."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from evalsite.batch.assign_plan import balance
from evalsite.models import ConflictDeclaration, EvaluatorAssignment, Job

WAIT = 60


@pytest.fixture(autouse=True)
def thread_runner(app):
    """These tests run their jobs in a thread of the app (the suite's default leaves jobs queued)."""
    app.config["JOB_RUNNER"] = "thread"
TOKEN = re.compile(r'name="confirm" value="([0-9a-f]+)"')


def test_balance_is_even_and_respects_conflicts_and_existing_load():
    plan = balance([1, 2, 3, 4, 5, 6], [10, 20, 30], {10: 2}, {(20, 3), (30, 3), (10, 6), (20, 6), (30, 6)})
    assert plan.unassignable == [6]
    assert dict(plan.pairs)[3] == 10  # the only one without a conflict, though the busiest
    assert sorted(plan.load.values()) == [2, 2, 3] and plan.load[10] == 3
    assert balance([], [1], {}, set()).pairs == []


@pytest.fixture
def more(world, factory, session):
    """Four more enterprises in district A, a second evaluator of A and a city-level one; one declared conflict."""
    ents = [factory.enterprise(world.unit_a, name=f"威海丁{i}有限公司", industry=world.industry) for i in range(4)]
    for ent in ents:
        factory.enrol(world.campaign, ent)
    ev2 = factory.user("evaluator2", "evaluator", unit=world.unit_a)
    ev_city = factory.user("evaluator_city", "evaluator")
    session.add(ConflictDeclaration(evaluator_id=ev2.id, enterprise_id=ents[0].id, reason="曾在该企业任职"))
    session.commit()
    return ents, ev2, ev_city


def _load(session, campaign_id):
    session.expire_all()
    session.rollback()
    return dict(session.execute(select(EvaluatorAssignment.evaluator_id, func.count()).where(
        EvaluatorAssignment.campaign_id == campaign_id).group_by(EvaluatorAssignment.evaluator_id)).all())


def test_preview_then_confirm_assigns_balanced_without_conflicts(app, world, session, login_as, more):
    from evalsite.batch import execute

    ents, ev2, ev_city = more
    client = login_as(world.district_a)
    assert "批量分配评估员" in client.get(f"/batch/assign?campaign={world.campaign.id}").data.decode()
    data = {"evaluator": [str(world.evaluator.id), str(ev2.id), str(ev_city.id)], "only_unassigned": "1"}
    preview = client.post(f"/batch/assign?campaign={world.campaign.id}", data=data)
    page = preview.data.decode()
    assert preview.status_code == 200 and "分配方案预览" in page and "确认分配 5 家" in page
    assert session.scalar(select(func.count(EvaluatorAssignment.id))) == 2  # nothing done by the preview
    token = TOKEN.search(page).group(1)
    resp = client.post(f"/batch/assign?campaign={world.campaign.id}", data={**data, "confirm": token})
    assert resp.status_code == 303
    job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert execute.wait(job_id, WAIT)
    load = _load(session, world.campaign.id)
    # 5 new: the evaluator already had ent_a, so the other two get two each and the evaluator one more
    assert load == {world.evaluator.id: 2, ev2.id: 2, ev_city.id: 2, world.evaluator_b.id: 1}
    assert session.scalar(select(EvaluatorAssignment.id).where(EvaluatorAssignment.evaluator_id == ev2.id,
                                                               EvaluatorAssignment.enterprise_id == ents[0].id)) is None
    job = session.get(Job, job_id)
    assert job.status == "finished" and job.summary["assigned"] == 5 and not job.refusals
    assert session.scalar(select(EvaluatorAssignment.assigned_by_id).where(
        EvaluatorAssignment.evaluator_id == ev2.id).limit(1)) == world.district_a.id


def test_stale_preview_is_409(app, world, session, login_as, more, factory):
    ents, ev2, _ = more
    client = login_as(world.district_a)
    data = {"evaluator": [str(ev2.id)], "only_unassigned": "1"}
    token = TOKEN.search(client.post(f"/batch/assign?campaign={world.campaign.id}", data=data).data.decode()).group(1)
    factory.assign(world.campaign, ents[1], world.evaluator)  # someone assigned one meanwhile
    session.commit()
    resp = client.post(f"/batch/assign?campaign={world.campaign.id}", data={**data, "confirm": token})
    assert resp.status_code == 409 and session.scalar(select(Job.id)) is None


def test_only_conflicts_left_is_listed(world, session, login_as, more):
    ents, ev2, _ = more
    client = login_as(world.district_a)
    resp = client.post(f"/batch/assign?campaign={world.campaign.id}&x=1",
                       data={"evaluator": [str(ev2.id)], "industry": "", "only_unassigned": "1"})
    assert resp.status_code == 200 and "都已申报与该企业存在利益冲突" in resp.data.decode()


def test_each_pair_is_checked_as_the_requester_when_the_job_runs(app, world, session, more):
    """A plan carrying another district's enterprise (say, moved meanwhile): that pair is refused, the rest done."""
    from evalsite import jobs
    from evalsite.db import db
    from evalsite.models import User

    ents, ev2, _ = more
    with app.app_context():
        job = jobs.create(db.session, "assess.assign", db.session.get(User, world.district_a.id),
                          {"campaign_id": world.campaign.id,
                           "pairs": [[world.ent_b.id, ev2.id], [ents[1].id, ev2.id], [ents[0].id, ev2.id],
                                     [ents[2].id, world.evaluator_b.id]]})
        db.session.commit()
        job_id = job.id
    result = app.test_cli_runner().invoke(args=["run-job", str(job_id)])
    assert result.exit_code == 0, result.output
    session.expire_all(); session.rollback()
    job = session.get(Job, job_id)
    reasons = [r["reason"] for r in job.refusals]
    assert job.summary["assigned"] == 1 and len(reasons) == 3
    assert "不在您的管辖范围内" in reasons[0] and "利益冲突" in reasons[1] and "只能分配本区或市级的评估员" in reasons[2]


@pytest.mark.parametrize("data, status, words", [
    ({}, 400, "请至少选择一位评估员"),
    ({"evaluator": ["abc"]}, 400, "所选评估员无效"),
    ({"evaluator": ["EVB"]}, 400, "只能选择本区或市级的评估员"),
    ({"evaluator": ["EV"], "industry": "999999"}, 400, "所选行业不存在"),
    ({"evaluator": ["EV"], "unit": "B"}, 403, ""),
])
def test_bad_input(world, session, login_as, data, status, words):
    subst = {"EV": str(world.evaluator.id), "EVB": str(world.evaluator_b.id), "B": str(world.unit_b.id)}
    data = {k: ([subst.get(x, x) for x in v] if isinstance(v, list) else subst.get(v, v)) for k, v in data.items()}
    resp = login_as(world.district_a).post(f"/batch/assign?campaign={world.campaign.id}", data=data)
    assert resp.status_code == status and words in resp.data.decode()
    assert session.scalar(select(Job.id)) is None


@pytest.mark.parametrize("who", ["evaluator", "ent_a_union", "ent_a_mgmt"])
def test_only_administrators_assign(world, login_as, who):
    client = login_as(getattr(world, who))
    assert client.get(f"/batch/assign?campaign={world.campaign.id}").status_code == 403
    assert client.post(f"/batch/assign?campaign={world.campaign.id}", data={"evaluator": ["1"]}).status_code == 403
