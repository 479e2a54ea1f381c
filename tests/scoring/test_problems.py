"""Problem detection from the rules in rules/problems.yaml (DOMAIN §6)."""
from datetime import date

import pytest

from scoring.combine import RateInput, SurveyRates, combine
from scoring.indicator_system import default_system
from scoring.problems import (PROBLEMS_FILE, ProblemRuleError, default_rules, detect_problems,
                              instance_key, parse_rules)
from scoring.procedure import ContractRecord, run_checks

S = default_system()
FULL = {i.code: "full" for i in S.assessable}
AT_TARGET = SurveyRates(RateInput(0.8, 100), RateInput(0.9, 100), RateInput(0.9, 100), RateInput(0.9, 20))


def problems(self_overrides=None, external=None, rates=AT_TARGET, record=None, veto=()):
    checks = run_checks(record) if record else ()
    result = combine(S, {**FULL, **(self_overrides or {})},
                     [] if external is None else [{**FULL, **external}], rates, checks, veto)
    return detect_problems(result)


def codes(found):
    return [(p.code, p.indicator) for p in found]


def test_a_clean_enterprise_has_no_problems():
    assert problems() == ()


@pytest.mark.parametrize("overrides, expected", [
    ({"A2": "partial"}, ("P-SUBJ-01", "A2")),
    ({"A3": "none"}, ("P-SUBJ-02", "A3")),
    ({"B1": "none"}, ("P-PROC-01", "B1")),
    ({"B2": "partial"}, ("P-PROC-01", "B2")),
    ({"B3": "partial"}, ("P-PROC-02", "B3")),
    ({"B5": "partial"}, ("P-PROC-03", "B5")),
    ({"B6": "none"}, ("P-PROC-04", "B6")),
    ({"B8": "partial"}, ("P-PROC-05", "B8")),
    ({"B9": "none"}, ("P-PROC-06", "B9")),
    ({"C2": 2}, ("P-CONT-01", "C2")),
    ({"C3": "partial"}, ("P-CONT-01", "C3")),
    ({"C1": 5}, ("P-CONT-02", "C1")),
    ({"C5": "partial"}, ("P-CONT-02", "C5")),
    ({"D1": "partial"}, ("P-PERF-01", "D1")),
    ({"D2": "partial"}, ("P-PERF-02", "D2")),
    ({"D5": "partial"}, ("P-PERF-03", "D5")),
])
def test_each_indicator_rule(overrides, expected):
    assert codes(problems(overrides)) == [expected]


def test_indicator_problem_fields():
    (p,) = problems({"A2": "partial"})
    assert p.category == "主体" and p.severity == "一般"
    assert p.title == "协商代表产生不规范或未公示"
    assert p.description == "A2 职工方代表产生合法 得 2 分（满分 4）：职工方代表产生程序不规范或代表名单未公示"
    assert p.deadline_days == 60 and p.owner == "职工方"
    assert p.basis == "指标 A2 职工方代表产生合法；《集体合同规定》第20条"
    assert p.requirement


def test_partial_b5_is_a_problem_but_full_is_not():
    assert codes(problems({"B5": "none"})) == [("P-PROC-03", "B5")]
    assert problems({"B5": "full"}) == ()


def test_the_evidence_based_score_decides():
    # self says full, the external evaluator found no 职代会 vote → problem (and a discrepancy)
    found = codes(problems(external={"B6": "none"}))
    assert ("P-PROC-04", "B6") in found
    assert ("P-DISC-01", None) in found


@pytest.mark.parametrize("record, expected, text", [
    (ContractRecord(offer_date=date(2021, 3, 20), reply_date=date(2021, 4, 15), reply_written=True),
     ("P-PROC-01", "B2"), "间隔26天，超过法定20天"),
    (ContractRecord(worker_reps=3, employer_reps=5), ("P-SUBJ-02", "A3"), "双方人数不对等"),
    (ContractRecord(congress_members=30, congress_present=19, congress_in_favour=16),
     ("P-PROC-04", "B6"), "出席人数不足三分之二"),
    (ContractRecord(signing_date=date(2021, 5, 1), submitted_date=date(2021, 5, 12)),
     ("P-PROC-05", "B8"), "间隔11天，超过法定10天"),
    (ContractRecord(kind="wage", wage_terms_text="工资合理增长"), ("P-CONT-01", "C2"), "具体数额"),
    (ContractRecord(term_years=5), ("P-CONT-02", "C5"), "合同期限5年"),
    (ContractRecord(effective_date=date(2021, 6, 1), published_date=date(2021, 6, 20)),
     ("P-PROC-06", "B9"), "间隔19天"),
])
def test_procedure_check_failures_raise_problems_with_their_figures(record, expected, text):
    found = problems(record=record)
    assert codes(found) == [expected]
    assert text in found[0].description


def test_one_problem_per_indicator_even_when_two_triggers_fire():
    record = ContractRecord(offer_date=date(2021, 3, 20), reply_date=date(2021, 4, 15), reply_written=True)
    found = problems({"B2": "partial"}, record=record)
    assert codes(found) == [("P-PROC-01", "B2")]
    assert "间隔26天" in found[0].description        # the check's figures come first


def test_one_rule_on_two_indicators_is_two_instances_with_distinct_keys():
    found = problems({"B1": "none", "B2": "partial", "C2": "partial", "C3": "partial"})
    proc = [p for p in found if p.code in ("P-PROC-01", "P-CONT-01")]
    assert [p.key for p in proc] == [("P-PROC-01", "B1"), ("P-PROC-01", "B2"),
                                     ("P-CONT-01", "C2"), ("P-CONT-01", "C3")]
    assert len({p.key for p in found}) == len(found)
    assert instance_key("P-DISC-01", None) == ("P-DISC-01", "")


def test_wage_arrears_veto_raises_the_wage_problem():
    found = problems(veto=["wage_arrears"])
    assert codes(found) == [("P-PERF-02", "D2")]
    assert found[0].severity == "重大"
    assert "拖欠工资" in found[0].description


@pytest.mark.parametrize("field, code, indicator, text", [
    ("participation", "P-SURV-01", "E1", "职工参与率为 65.0%（n=100），低于目标 80%"),
    ("awareness", "P-SURV-02", "E2", "职工知晓率为 65.0%（n=100），低于目标 90%"),
    ("satisfaction", "P-SURV-03", "E3", "职工满意率为 65.0%（n=100），低于目标 90%"),
    ("recognition", "P-SURV-04", "E4", "企业认可度为 65.0%（n=100），低于目标 90%"),
])
def test_survey_rates_below_target(field, code, indicator, text):
    rates = SurveyRates(**{**AT_TARGET.__dict__, field: RateInput(0.65, 100)})
    found = problems(rates=rates)
    assert codes(found) == [(code, indicator)]
    assert found[0].description == text
    assert found[0].category == "满意度" and found[0].deadline_days == 30


def test_insufficient_survey_raises_p_surv_00_not_a_low_rate_problem():
    rates = SurveyRates(**{**AT_TARGET.__dict__, "awareness": RateInput(0.3, 8, sufficient=False)})
    found = problems(rates=rates)
    assert codes(found) == [("P-SURV-00", "E2")]
    assert found[0].description == "知晓率有效样本不足（n=8），E2 职工知晓率 记 0 分"
    assert found[0].severity == "提示"


def test_discrepancy_problem():
    found = problems(external={"B6": "none", "D2": "none", "A3": "none"})   # 85 vs 72
    disc = [p for p in found if p.code == "P-DISC-01"]
    assert len(disc) == 1
    assert disc[0].description == "自评 85 分，外评 72 分，相差 13 分；单项差异大的指标：A3、B6、D2"
    assert disc[0].indicator is None and disc[0].category == "差异"


# ---------------------------------------------------------------- the rules file

def test_default_rules_cover_domain_table():
    rules = default_rules()
    assert {r.code for r in rules} == {
        "P-SUBJ-01", "P-SUBJ-02", "P-PROC-01", "P-PROC-02", "P-PROC-03", "P-PROC-04",
        "P-PROC-05", "P-PROC-06", "P-CONT-01", "P-CONT-02", "P-PERF-01", "P-PERF-02",
        "P-PERF-03", "P-SURV-00", "P-SURV-01", "P-SURV-02", "P-SURV-03", "P-SURV-04", "P-DISC-01"}
    assert {r.deadline_days for r in rules} == {30, 60, 90}
    assert {r.owner for r in rules} <= {"职工方", "企业方", "双方"}


RULE = """rules:
  - code: P-TEST-01
    category: 程序
    severity: 一般
    title: 测试
    trigger: {indicator: B2, below: full}
    description: "{code} 得 {points} 分"
    requirement: 整改
    deadline_days: 30
    owner: 双方
    basis: 测试依据
    fact: 未按规定书面答复
    laws: [集体合同规定 32]
"""


def bad(old, new, message):
    with pytest.raises(ProblemRuleError) as err:
        parse_rules(RULE.replace(old, new), "p.yaml", S)
    assert message in str(err.value), str(err.value)


def test_a_valid_rule_parses():
    (rule,) = parse_rules(RULE, "p.yaml", S)
    assert rule.code == "P-TEST-01" and rule.triggers[0].comparison == "below"


def test_rule_errors_name_the_file_and_rule():
    bad("severity: 一般", "severity: 严重", "p.yaml 规则 P-TEST-01：severity 应为 重大/一般/提示 之一")
    bad("category: 程序", "category: 其他", "p.yaml 规则 P-TEST-01：category")
    bad("owner: 双方", "owner: 工会", "p.yaml 规则 P-TEST-01：owner")
    bad("deadline_days: 30", "deadline_days: 0", "p.yaml 规则 P-TEST-01：deadline_days 应为正整数")
    bad("code: P-TEST-01", "code: X1", "p.yaml 规则 X1：编码应形如 P-PROC-01")
    bad("{indicator: B2, below: full}", "{check: reply, status: fail}", "p.yaml 规则 P-TEST-01：程序核查 reply 不存在")
    bad("{indicator: B2, below: full}", "{indicator: Z9, below: full}", "p.yaml 规则 P-TEST-01：指标 Z9 不在指标体系")
    bad("{indicator: B2, below: full}", "{indicator: B2, below: great}", "p.yaml 规则 P-TEST-01：指标 B2 无档位 great")
    bad("{indicator: B2, below: full}", "{indicator: B2}", "p.yaml 规则 P-TEST-01：指标 B2 的触发条件应有且只有一个比较")
    bad("{indicator: B2, below: full}", "{rate: joy, below_target: true}", "p.yaml 规则 P-TEST-01：比率触发条件")
    bad('"{code} 得 {points} 分"', '"{rate:.1%}"', "p.yaml 规则 P-TEST-01：描述模板变量 'rate' 不适用于 indicator")
    bad("    basis: 测试依据\n", "", "p.yaml 规则 P-TEST-01：缺少字段 basis")
    bad("    fact: 未按规定书面答复\n", "", "p.yaml 规则 P-TEST-01：缺少字段 fact")
    bad("fact: 未按规定书面答复", "fact: B2 得 1 分", "p.yaml 规则 P-TEST-01：fact 是写给企业的事实陈述")
    bad("fact: 未按规定书面答复", "fact: 见 P-PROC-01", "p.yaml 规则 P-TEST-01：fact 是写给企业的事实陈述")
    bad("    laws: [集体合同规定 32]\n", "", "p.yaml 规则 P-TEST-01：缺少 laws")
    bad("laws: [集体合同规定 32]", "laws: [集体合同规定 99]", "p.yaml 规则 P-TEST-01：法律条文 集体合同规定 99 不在")
    bad("laws: [集体合同规定 32]", "laws: [第32条]", "p.yaml 规则 P-TEST-01：法律条文引用 '第32条' 应形如")


def test_duplicate_rule_code():
    with pytest.raises(ProblemRuleError, match="p.yaml 规则 P-TEST-01：编码重复"):
        parse_rules(RULE + RULE.replace("rules:\n", ""), "p.yaml", S)


def test_rules_file_loads_without_a_system_too():
    assert len(parse_rules(PROBLEMS_FILE.read_text(encoding="utf-8"), "problems.yaml")) == 19


def test_every_default_rule_has_a_plain_fact_and_cited_articles():
    from scoring.laws import default_laws

    for rule in default_rules():
        assert rule.fact and rule.laws, rule.code
        for art in default_laws().cite(rule.laws):
            assert art.quoted.startswith("《") and "第" in art.citation and len(art.text) > 10


def test_a_problem_carries_its_letter_fact_without_codes_or_scores():
    import re

    found = problems(external={"B6": "none", "D2": "none", "A3": "none"})
    assert found
    for p in found:
        assert p.fact.endswith("。"), p
        assert not re.search(r"P-[A-Z]+-\d|\b[A-E]\d\b|满分|\d{4}-\d{2}-\d{2}", p.fact), p.fact
    disc = next(p for p in found if p.code == "P-DISC-01")
    assert disc.fact == "企业自评结果与外部评估结果差异较大：企业自评85分，外部评估72分，相差13分。"
