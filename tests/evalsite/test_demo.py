"""The demo city: counts, determinism, refusal to run twice, --force."""
from __future__ import annotations

from sqlalchemy import func, select

from evalsite.auth.passwords import password_problem
from evalsite.creditcode import validate
from evalsite.demo import seed
from evalsite.models import (Campaign, CollectiveContract, Enrolment, Enterprise, Industry, ReportingUnit, User)
from evalsite.registry.contract_rules import check

ORGS = ("orgs",)


def _count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_orgs_stage_counts_and_shape(app, session):
    logins = seed(session, enterprises=300, stages=ORGS)
    assert _count(session, ReportingUnit) == 12
    assert session.scalar(select(ReportingUnit).where(ReportingUnit.kind == "city")).name == "威海市"
    assert _count(session, Industry, Industry.is_new_form.is_(True)) == 6
    ents = session.scalars(select(Enterprise)).all()
    assert len(ents) == 300 and len({e.name for e in ents}) == 300
    assert all(validate(e.credit_code).ok and validate(e.credit_code).warning is None for e in ents)
    big_union = sum(1 for e in ents if e.unionised and e.headcount >= 100)
    assert big_union > 180 and any(e.headcount < 100 for e in ents) and any(not e.unionised for e in ents)
    new_form = sum(1 for e in ents if e.is_new_form)
    assert 15 <= new_form <= 50
    campaign = session.scalar(select(Campaign).where(Campaign.code == "2021-JZYY"))
    assert campaign.is_current and str(campaign.report_deadline) == "2021-04-23"
    enrolled = _count(session, Enrolment, Enrolment.campaign_id == campaign.id)
    assert enrolled == sum(1 for e in ents if e.unionised and e.normally_operating and e.headcount >= 100)
    area = session.scalars(select(CollectiveContract).where(CollectiveContract.scope != "enterprise")).all()
    assert len(area) == 6 and all(c.coverage or c.covered_enterprises for c in area)
    contracts = session.scalars(select(CollectiveContract).where(CollectiveContract.scope == "enterprise")).all()
    assert len(contracts) > 150
    results = [check({n: getattr(c, n) for n in ("kind", "offer_date", "reply_date", "worker_reps", "employer_reps",
                                                 "congress_date", "congress_members", "congress_present",
                                                 "congress_in_favour", "signing_date", "submitted_date",
                                                 "effective_date", "term_years", "wage_increase_pct", "min_wage",
                                                 "piece_rate")}, new_form=True) for c in contracts + area]
    assert all(r.ok for r in results)  # no impossible values
    flawed = sum(1 for r in results if r.warnings)
    assert 0.1 * len(results) < flawed < 0.45 * len(results)  # mostly lawful, some problems to find
    users = {u.username: u for u in session.scalars(select(User))}
    assert users["admin"].role == "city_admin" and users["huancui_admin"].role == "district_admin"
    assert [users[f"pinggu{i}"].role for i in range(1, 5)] == ["evaluator"] * 4
    assert users["qiye1_gh"].side == "union" and users["qiye1_qy"].side == "management"
    assert users["qiye1_gh"].enterprise_id == users["qiye1_qy"].enterprise_id
    assert len({u.password_hash for u in users.values()}) == 1  # hashed once
    assert ("市级管理员", "admin", "Demo-2021-weihai!", "全市") in logins
    # the demo stays usable: its password passes the rules and nobody is sent to change it first
    assert password_problem("Demo-2021-weihai!", username="huancui_admin") is None
    assert not any(u.must_change_password for u in users.values())


def test_demo_is_deterministic(app, session):
    seed(session, enterprises=60, stages=ORGS)
    first = [(e.name, e.credit_code, e.headcount) for e in session.scalars(select(Enterprise).order_by(Enterprise.id))]
    session.expunge_all()  # wipe() deletes rows in bulk: forget the old objects
    seed(session, enterprises=60, stages=ORGS, force=True)
    second = [(e.name, e.credit_code, e.headcount) for e in session.scalars(select(Enterprise).order_by(Enterprise.id))]
    assert first == second


def test_seed_demo_refuses_twice_and_force_reseeds(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--enterprises", "40"])
    assert first.exit_code == 0, first.output
    assert "admin" in first.output and "Demo-2021-weihai!" in first.output
    again = runner.invoke(args=["seed-demo", "--enterprises", "40"])
    assert again.exit_code == 1 and "拒绝重复生成" in again.output
    forced = runner.invoke(args=["seed-demo", "--enterprises", "50", "--force"])
    assert forced.exit_code == 0, forced.output
    session.rollback()
    assert _count(session, Enterprise) == 50 and _count(session, User, User.username == "admin") == 1
