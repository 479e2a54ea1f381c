"""Combining self, external and survey scores into a final score and grade."""
from datetime import date

import pytest

from scoring.combine import (RateInput, ScoringError, SurveyRates, combine, score_assessment,
                             survey_points)
from scoring.indicator_system import default_system
from scoring.procedure import ContractRecord, run_checks

S = default_system()
FULL = {i.code: "full" for i in S.assessable}
TOP = SurveyRates(*(RateInput(0.95, 200),) * 4)   # every rate above target → E = 15


def scores(**overrides):
    return {**FULL, **overrides}


# ---------------------------------------------------------------- a hand-computed enterprise

def hand_computed():
    # Self: all full except B2 partial (1 of 3), C2 two figures (3 of 6), D4 partial (1 of 3)
    #   → 85 (A–D) − 2 − 3 − 2 = 78
    self_scores = scores(B2="partial", C2=2, D4="partial")
    # External: all full except A6 partial (1 of 2), B2 none (0), B5 partial (2 of 4),
    #   C2 one figure (3 of 6), D4 none (0) → 85 − 1 − 3 − 2 − 3 − 3 = 73
    external = scores(A6="partial", B2="none", B5="partial", C2=1, D4="none")
    # Surveys: participation 65 % → 4 × (0.15/0.30) = 2.0; awareness 84 % → 4 × 0.8 = 3.2;
    #   satisfaction 95 % → 4 (clipped); recognition 70 % → 3 × (0.1/0.3) = 1.0  → E = 10.2
    rates = SurveyRates(RateInput(0.65, 120), RateInput(0.84, 120), RateInput(0.95, 110),
                        RateInput(0.70, 12))
    return combine(S, self_scores, [external], rates)


def test_hand_computed_totals():
    r = hand_computed()
    assert r.self_total == 78
    assert r.external_total == 73
    assert r.assessment_total == 75.0          # 0.4 × 78 + 0.6 × 73 = 31.2 + 43.8
    assert r.survey_total == 10.2
    assert r.final == 85.2                     # 75 + 10.2
    assert r.grade == "良好" and r.stars == "二星"
    assert r.cap_reasons == ()


def test_hand_computed_indicator_breakdown():
    r = hand_computed()
    b2 = r.indicator("B2")
    assert (b2.self_points, b2.external_points, b2.combined_points) == (1, 0, 0.4)
    assert b2.self_level == "partial" and b2.external_levels == ("none",)
    assert b2.points_max == 3 and not b2.crucial
    c2 = r.indicator("C2")
    assert (c2.self_points, c2.external_points, c2.combined_points) == (3, 3, 3)
    e2 = r.indicator("E2")
    assert e2.combined_points == 3.2 and e2.survey_rate == 0.84 and e2.survey_n == 120
    assert r.indicator("E4").combined_points == 1.0


def test_hand_computed_dimensions():
    r = hand_computed()
    a = r.dimension("A")     # self 15, external 14 → 0.4·15 + 0.6·14 = 14.4
    assert (a.self_points, a.external_points, a.combined_points) == (15, 14, 14.4)
    b = r.dimension("B")     # self 28, external 25 → 11.2 + 15 = 26.2
    assert (b.self_points, b.external_points, b.combined_points) == (28, 25, 26.2)
    e = r.dimension("E")
    assert e.self_points is None and e.combined_points == 10.2
    assert sum(d.combined_points for d in r.dimensions) == pytest.approx(r.final)


def test_hand_computed_discrepancy_flags_at_exactly_half_the_points():
    r = hand_computed()
    assert r.discrepancy_total is False                       # |78 − 73| = 5 < 10
    assert r.discrepancy_indicators == ("A6", "B5")          # 1 of 2 and 2 of 4 (≥ 50 %)
    assert r.indicator("B2").discrepancy is False             # 1 of 3 < 1.5


def test_explain_traces_each_number():
    lines = hand_computed().explain()
    assert "B2 按期书面答复: 自评 1 × 0.4 + 外评 0 × 0.6 = 0.4" in lines
    assert "E1 职工参与率: 4 × (65% − 50%) ÷ (80% − 50%) = 2（n=120）" in lines
    assert not any("clip" in line for line in lines)
    assert "A–D 合计: 自评 78 × 0.4 + 外评 73 × 0.6 = 75（1位评估人）" in lines
    assert "最终得分: 75 + 10.2 = 85.2" in lines
    assert "评定等级: 良好（二星）" in lines


# ---------------------------------------------------------------- weights and evaluators

def test_no_external_uses_self_only():
    r = combine(S, scores(B2="partial"), [], TOP)
    assert r.external_total is None and r.evaluator_count == 0
    assert r.self_total == 83 and r.assessment_total == 83
    assert r.final == 98 and r.grade == "优秀"
    assert r.indicator("B2").external_points is None
    assert not r.discrepancy
    assert "B2 按期书面答复: 自评 1 = 1" in r.explain()


def test_several_evaluators_are_averaged_per_indicator():
    r = combine(S, FULL, [scores(B2="full"), scores(B2="none")], TOP)
    b2 = r.indicator("B2")
    assert b2.external_each == (3, 0)
    assert b2.external_points == 1.5
    assert b2.combined_points == 2.1            # 0.4 × 3 + 0.6 × 1.5
    assert r.external_total == 83.5
    assert r.evaluator_count == 2
    assert any("外评为 3、0 的均值" in line for line in r.explain())


def test_evaluators_may_split_the_indicators():
    a_only = {c: "full" for c in FULL if c.startswith("A")}
    rest = {c: "none" for c in FULL if not c.startswith("A")}
    r = combine(S, FULL, [a_only, rest], TOP)
    assert r.indicator("A1").external_points == 2
    assert r.indicator("B1").external_points == 0
    assert r.external_total == 15


def test_indicator_no_evaluator_scored_is_an_error():
    partial = {c: "full" for c in FULL if c != "D5"}
    with pytest.raises(ScoringError, match="外评：指标 D5 没有任何评估人评分"):
        combine(S, FULL, [partial], TOP)


def test_total_discrepancy_flag_at_ten_points():
    # external: B3 none (−4), D1 none (−5), A6 none (−2) → 74 vs self 85
    r = combine(S, FULL, [scores(B3="none", D1="none", A6="none")], TOP)
    assert r.self_total - r.external_total == 11
    assert r.discrepancy_total is True
    r = combine(S, FULL, [scores(B3="partial", D1="none", A6="partial")], TOP)   # −2 −5 −1 = −8
    assert r.discrepancy_total is False


# ---------------------------------------------------------------- caps

def test_one_crucial_zero_caps_at_pass_even_above_90():
    r = combine(S, scores(A2="none"), [], TOP)
    assert r.final == 96                         # 81 + 15
    assert r.uncapped_grade == "优秀"
    assert r.grade == "合格" and r.stars == "一星"
    assert r.crucial_zero == ("A2",)
    assert r.cap_reasons == ("关键指标 A2 得0分（1项），等级最高为合格",)


def test_two_crucial_zeros_fail():
    r = combine(S, scores(A2="none", B8="none"), [], TOP)
    assert r.final == 93                         # 78 + 15
    assert r.grade == "不合格"
    assert r.crucial_zero == ("A2", "B8")


def test_crucial_zero_is_judged_on_the_external_score_when_present():
    r = combine(S, scores(B6="none"), [FULL], TOP)
    assert r.crucial_zero == () and r.grade == "优秀"
    r = combine(S, FULL, [scores(B6="none")], TOP)
    assert r.crucial_zero == ("B6",) and r.grade == "合格"


def test_cap_never_raises_a_grade():
    low = {c: "none" for c in FULL}
    r = combine(S, {**low, "A2": "full"}, [], SurveyRates())
    assert r.grade == "不合格"


def test_veto_event_caps_at_pass():
    r = combine(S, FULL, [], TOP, veto_events=["collective_incident"])
    assert r.final == 100 and r.grade == "合格"
    assert r.cap_reasons == ("否决事项：因违反集体合同引发的群体性事件，等级最高为合格",)
    assert r.veto_events == ("collective_incident",)


def test_unresolved_review_objection_from_checks_is_a_veto():
    checks = run_checks(ContractRecord(review_result="objection"))
    r = combine(S, FULL, [], TOP, checks=checks)
    assert r.veto_events == ("review_unresolved",)
    assert r.grade == "合格"


def test_unknown_veto_event_is_an_error():
    with pytest.raises(ScoringError, match="否决事项 strike 不存在"):
        combine(S, FULL, [], TOP, veto_events=["strike"])


def test_no_valid_contract_is_not_graded():
    r = combine(S, FULL, [], TOP, has_valid_contract=False)
    assert r.grade == "未建制" and r.stars is None and r.graded is False
    assert r.final == 100
    assert "未建制" in r.cap_reasons[-1]


# ---------------------------------------------------------------- surveys

def test_survey_points_formula_and_clipping():
    rates = SurveyRates(RateInput(0.65, 100), RateInput(0.60, 100), RateInput(0.99, 100),
                        RateInput(0.75, 10))
    pts = {p.code: p for p in survey_points(S, rates)}
    assert pts["E1"].points == pytest.approx(2.0)        # 4 × 0.5
    assert pts["E2"].points == 0                         # at the floor
    assert pts["E3"].points == 4                         # clipped at the target
    assert pts["E4"].points == pytest.approx(1.5)        # 3 × 0.5
    assert not any(p.insufficient for p in pts.values())


def test_insufficient_survey_scores_zero_and_is_flagged():
    rates = SurveyRates(RateInput(0.95, 12, sufficient=False), RateInput(0.95, 100),
                        RateInput(0.95, 100), RateInput(None))
    r = combine(S, FULL, [], rates)
    assert r.indicator("E1").combined_points == 0
    assert r.indicator("E1").survey_insufficient
    assert r.survey_insufficient == ("participation", "recognition")
    assert r.survey_total == 8
    assert "E1 职工参与率: 参与率 95%（n=12），有效样本不足，记 0 分" in r.explain()


def test_rate_outside_zero_to_one_is_an_error():
    with pytest.raises(ScoringError, match="比率 65 应在 0–1 之间"):
        survey_points(S, SurveyRates(participation=RateInput(65, 100)))


# ---------------------------------------------------------------- score_assessment

def test_score_assessment_totals():
    a = score_assessment(S, scores(C1=5, B2="partial"))
    assert a.total == 81
    assert dict(a.dimensions) == {"A": 15, "B": 28, "C": 18, "D": 20}
    assert a.get("C1").level == "partial" and a.get("C1").count == 5


def test_unknown_level_key_is_an_error_naming_the_indicator():
    with pytest.raises(ScoringError, match="自评 指标 B2：档位 great 不存在（可选：full、partial、none）"):
        score_assessment(S, scores(B2="great"))


def test_survey_indicator_cannot_be_self_scored():
    with pytest.raises(ScoringError, match="指标 E1：由问卷计算"):
        score_assessment(S, scores(E1="full"))


def test_unknown_indicator_is_an_error():
    with pytest.raises(ScoringError, match="无指标 Z1"):
        score_assessment(S, scores(Z1="full"))


def test_points_are_not_accepted_for_level_rules():
    with pytest.raises(ScoringError, match="指标 B2：应填写档位"):
        score_assessment(S, scores(B2=3))


def test_proportional_count_out_of_range():
    with pytest.raises(ScoringError, match="计数 8 超过上限 7"):
        score_assessment(S, scores(C1=8))
    with pytest.raises(ScoringError, match="应为非负整数"):
        score_assessment(S, scores(C1=2.5))


def test_missing_indicators():
    partial = {c: v for c, v in FULL.items() if c != "D5"}
    with pytest.raises(ScoringError, match="以下指标未评分：D5"):
        score_assessment(S, partial)
    a = score_assessment(S, partial, allow_missing=True)
    assert a.missing == ("D5",) and a.total == 82


def test_procedure_checks_suggest_levels():
    rec = ContractRecord(offer_date=date(2021, 3, 20), reply_date=date(2021, 4, 15), reply_written=True,
                         worker_reps=3, employer_reps=3)
    r = combine(S, FULL, [], TOP, checks=run_checks(rec))
    assert r.indicator("B2").suggested_level == "partial"
    assert r.indicator("A3").suggested_level == "full"
    assert r.indicator("B6").suggested_level is None      # congress data unknown
    assert r.indicator("B1").suggested_level is None      # not a procedure rule


def test_result_is_rounded_for_display():
    r = combine(S, scores(B2="partial"), [scores(B2="full"), scores(B2="none"), scores(B2="none")], TOP)
    b2 = r.indicator("B2")
    assert b2.external_points == 1.0
    assert b2.combined_points == 1.0                      # 0.4 × 1 + 0.6 × 1
    r = combine(S, FULL, [scores(A1="partial"), FULL, FULL], TOP)
    assert r.indicator("A1").external_points == 1.67      # 5/3 rounded
    assert r.indicator("A1").combined_points == 1.8       # 0.4 × 2 + 0.6 × 5/3
    assert r.final == 99.8                                # 85 − 0.6 × 1/3 + 15
