"""Results service: procedure checks, contract status, a hand-built breakdown, problem rows, CLI, analysis."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from evalsite.models import DetectedProblem, EvaluationResult, RectificationItem, Report
from evalsite.assessments import results as evaluation
from evalsite.survey_data.aggregates import SurveyRate
from evalsite.svg import bar_chart, histogram, scatter

from .assess_data import good_contract, levels, make_assessment


def _rate(key, value, n, sufficient=True):
    if value is None:
        return SurveyRate(key, key, None, n, None, None, None, True, False)
    return SurveyRate(key, key, round(value * n), n, value, None, None, False, sufficient)


@pytest.fixture
def rates(monkeypatch):
    """Worker 65 % / 90 % / 75 %, employer recognition with too few answers."""
    fake = {"worker": {"participation": _rate("participation", 0.65, 40), "awareness": _rate("awareness", 0.9, 40),
                       "satisfaction": _rate("satisfaction", 0.75, 40)},
            "employer": {"recognition": _rate("recognition", None, 3)}, "counts": {"worker": 40, "employer": 3}}
    from evalsite.survey_data import results as survey_results

    monkeypatch.setattr(survey_results, "survey_rates", lambda session, campaign_id, enterprise_id: fake)
    return fake


def _hand_built(session, world):
    good_contract(session, world.ent_a)
    make_assessment(session, world.campaign, world.ent_a, levels(B2="partial"))
    make_assessment(session, world.campaign, world.ent_a, levels(B2="none"), kind="external", evaluator=world.evaluator)
    make_assessment(session, world.campaign, world.ent_a, levels(), kind="external", evaluator=world.evaluator_b)
    session.flush()


def test_hand_built_breakdown(session, world, rates):
    _hand_built(session, world)
    res = evaluation.compute_result(session, world.campaign, world.ent_a)
    b2 = res.indicator("B2")
    assert (b2.self_points, b2.external_each, b2.external_points) == (1.0, (0.0, 3.0), 1.5)
    assert b2.combined_points == pytest.approx(0.4 * 1 + 0.6 * 1.5)
    assert not b2.discrepancy  # |1 − 1.5| < 50 % of 3
    assert (res.self_total, res.external_total, res.evaluator_count) == (83.0, 83.5, 2)
    assert res.assessment_total == pytest.approx(0.4 * 83 + 0.6 * 83.5)
    e1, e3, e4 = res.indicator("E1"), res.indicator("E3"), res.indicator("E4")
    assert (e1.survey_rate, e1.survey_n, e1.combined_points) == (0.65, 40, 2.0)  # 4 × (65−50)/(80−50)
    assert e3.combined_points == 2.0 and e4.survey_insufficient and e4.combined_points == 0
    assert res.survey_total == 8.0 and res.final == pytest.approx(91.3)
    assert res.grade == "优秀" and res.cap_reasons == ()
    assert all(c.status == "pass" for c in res.checks)
    assert any("B2" in line and "1.5" in line for line in res.explain())


def test_refresh_stores_result_and_problems(session, world, rates):
    _hand_built(session, world)
    assert evaluation.refresh_results(session, world.campaign) == 1  # ent_a2 and ent_b have no self-assessment
    row = session.scalar(select(EvaluationResult))
    assert (row.enterprise_id, row.final, row.grade, row.self_draft) == (world.ent_a.id, 91.3, "优秀", False)
    assert row.breakdown["indicators"][0]["code"] == "A1" and row.breakdown["explain"]
    codes = {p.code for p in session.scalars(select(DetectedProblem))}
    assert "P-PROC-01" in codes  # B2 below full
    assert row.problems_major + row.problems_general + row.problems_hint == len(codes)


def test_problem_ids_are_stable_and_referenced_rows_are_superseded(session, world, rates):
    good_contract(session, world.ent_a)
    own = make_assessment(session, world.campaign, world.ent_a, levels(B2="partial", B9="none"), submitted=False)
    evaluation.refresh_results(session, world.campaign)
    first = {(p.code, p.indicator): p.id for p in session.scalars(select(DetectedProblem))}
    assert session.scalar(select(EvaluationResult.self_draft)) is True
    evaluation.refresh_results(session, world.campaign)
    assert {(p.code, p.indicator): p.id for p in session.scalars(select(DetectedProblem))} == first
    b9 = session.scalar(select(DetectedProblem).where(DetectedProblem.indicator == "B9"))
    b2 = session.scalar(select(DetectedProblem).where(DetectedProblem.indicator == "B2"))
    report = Report(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, number="WH-T-1")
    session.add(report)
    session.flush()
    session.add(RectificationItem(report_id=report.id, campaign_id=world.campaign.id, enterprise_id=world.ent_a.id,
                                  problem_id=b9.id, code=b9.code, title=b9.title, deadline=dt.date(2021, 6, 1)))
    own.item("B9").level, own.item("B2").level = "full", "full"
    evaluation.refresh_results(session, world.campaign)
    session.expire_all()
    assert session.get(DetectedProblem, b9.id).superseded is True
    assert session.get(DetectedProblem, b2.id) is None


def test_procedure_checks_from_the_latest_contract(session, world):
    good_contract(session, world.ent_a, signing_date=dt.date(2018, 2, 1), submitted_date=dt.date(2018, 2, 3),
                  effective_date=dt.date(2018, 2, 20), title="旧合同")
    good_contract(session, world.ent_a, submitted_date=dt.date(2021, 2, 20))  # filed 19 days after signing
    good_contract(session, world.ent_a, kind="wage", title="工资专项", wage_increase_pct=None, min_wage=None,
                  piece_rate=None, allowances="工资增长与企业效益挂钩")
    checks = {c.code: c for c in evaluation.procedure_checks_for(session, world.ent_a, world.campaign)}
    assert checks["filing"].status == "fail" and "19天" in checks["filing"].reason
    assert checks["offer_reply"].status == "pass" and checks["congress"].status == "pass"
    assert checks["wage_terms"].status == "fail"  # read from the wage contract: no figures
    assert evaluation.procedure_checks_for(session, world.ent_b, world.campaign) == ()


def test_contract_status_counts_industry_coverage(session, world, rates):
    from evalsite.models import ContractCoverage

    make_assessment(session, world.campaign, world.ent_b, levels())
    assert not evaluation.has_valid_contract(session, world.ent_b, world.campaign)
    assert evaluation.compute_result(session, world.campaign, world.ent_b).grade == "未建制"
    c = good_contract(session, world.ent_b, scope="industry", enterprise_id=None, title="纺织行业集体合同")
    session.add(ContractCoverage(contract_id=c.id, enterprise_id=world.ent_b.id))
    session.flush()
    assert evaluation.has_valid_contract(session, world.ent_b, world.campaign)
    objection = good_contract(session, world.ent_a, review_result="objection")
    assert not evaluation.has_valid_contract(session, world.ent_a, world.campaign)
    assert evaluation.veto_events_for(session, world.ent_a, world.campaign) == ("review_unresolved",)
    objection.review_result = "objection_resolved"
    assert evaluation.veto_events_for(session, world.ent_a, world.campaign) == ()


def test_campaign_pins_the_default_system_once(session, world):
    from evalsite.models import IndicatorSystemRecord
    from scoring.indicator_system import default_system

    assert world.campaign.indicator_system_hash is None
    system = evaluation.system_for(session, world.campaign)
    assert world.campaign.indicator_system_hash == system.hash == default_system().hash
    evaluation.system_for(session, world.campaign)
    assert len(session.scalars(select(IndicatorSystemRecord)).all()) == 1


def test_results_cli_json_and_csv(app, session, world, rates):
    _hand_built(session, world)
    session.commit()
    runner = app.test_cli_runner()
    out = runner.invoke(args=["results", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    keys = {"credit_code", "name", "self_score", "external_score", "survey_points", "final_score", "grade",
            "problems_major", "problems_general", "problems_hint"}
    assert len(rows) == 3 and all(set(r) == keys for r in rows)
    a = next(r for r in rows if r["credit_code"] == world.ent_a.credit_code)
    assert (a["self_score"], a["external_score"], a["survey_points"], a["final_score"], a["grade"]) == \
        (83.0, 83.5, 8.0, 91.3, "优秀")
    assert next(r for r in rows if r["credit_code"] == world.ent_b.credit_code)["final_score"] is None
    csv_out = runner.invoke(args=["results", "--campaign", "2021-JZYY", "--format", "csv", "--no-refresh"])
    assert csv_out.output.splitlines()[0] == ",".join(["credit_code", "name", "self_score", "external_score",
                                                       "survey_points", "final_score", "grade", "problems_major",
                                                       "problems_general", "problems_hint"])
    assert runner.invoke(args=["results", "--campaign", "NOPE"]).exit_code != 0


def test_result_page_traces_every_number(client, session, world, rates):
    _hand_built(session, world)
    evaluation.refresh_results(session, world.campaign)
    session.commit()
    from tests.conftest import login

    login(client, world.ent_a_union)
    page = client.get(f"/assessments/result/{world.ent_a.id}").get_data(as_text=True)
    assert "91.30" in page and "优秀" in page and "1.0 × 0.4 + 1.50 × 0.6" in page and "65.0%（n=40）" in page
    assert "P-PROC-01" in page


def test_analysis_page(client, session, world, rates):
    _hand_built(session, world)
    make_assessment(session, world.campaign, world.ent_a2, levels(A2="none"))
    make_assessment(session, world.campaign, world.ent_a2, levels(A2="none", B6="none"), kind="external",
                    evaluator=world.evaluator)
    evaluation.refresh_results(session, world.campaign)
    session.commit()
    from tests.conftest import login

    login(client, world.district_a)
    page = client.get("/assessments/analysis").get_data(as_text=True)
    assert page.count("<svg") == 2 and "Wilcoxon" in page and "环翠区" in page
    assert "威海乙食品有限公司" in page  # in the discrepancy table
    login(client, world.city)
    assert client.get(f"/assessments/analysis?unit={world.unit_b.id}").status_code == 200


def test_svg_helpers_escape_text():
    out = bar_chart(["<b>", "良好"], [3, 1], title="a&b")
    assert out.startswith("<svg") and "<b>" not in out and "&lt;b&gt;" in out and "a&amp;b" in out
    sc = scatter([(10, 20), (30, 25)], labels=["<x>"], hi=85)
    assert sc.count("<circle") == 2 and "<line" in sc and "&lt;x&gt;" in sc
    assert histogram([1, 2, 2, 9], bins=3, lo=0, hi=9).count("<rect") == 3


def test_demo_stage_produces_assessments_and_results(app, session, world):
    import random

    from evalsite.demo import DemoContext
    from evalsite.demo.evaluations import seed
    from evalsite.models import Assessment

    with app.app_context():
        seed(DemoContext(session=session, rng=random.Random(3), enterprises=3))
    kinds = {(a.kind, a.status) for a in session.scalars(select(Assessment))}
    assert ("self", "submitted") in kinds and ("external", "submitted") in kinds
    assert session.scalars(select(EvaluationResult)).all()


def test_most_frequent_problems_count_enterprises_not_rows(app, world, session):
    from evalsite.assessments.analysis import district_analysis
    from evalsite.models import DetectedProblem

    def problem(ent, indicator):
        session.add(DetectedProblem(campaign_id=world.campaign.id, enterprise_id=ent.id, code="P-SURV-00",
                                    category="满意度", severity="提示", indicator=indicator, title="问卷有效样本不足",
                                    description="", requirement="", deadline_days=30, owner="双方"))

    problem(world.ent_a, "E1")  # two rows for one enterprise (worker and employer samples)
    problem(world.ent_a, "E4")
    problem(world.ent_b, "E1")
    session.commit()
    with app.app_context():
        from evalsite.db import db

        counts = {p["code"]: p["count"] for p in district_analysis(db.session, world.campaign)["problems"]}
    assert counts["P-SURV-00"] == 2
