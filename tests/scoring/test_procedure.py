"""Legal procedure checks at their exact boundaries (DOMAIN §2)."""
from datetime import date, timedelta

import pytest

from scoring.procedure import (CHECKS, ContractRecord, RegionRulesError, parse_regions,
                               region_rules, run_checks)

RULES = region_rules()
D0 = date(2021, 3, 20)


def check(code, **fields):
    return CHECKS[code](ContractRecord(**fields), RULES)


# ---------------------------------------------------------------- regions

def test_default_region_is_shandong_with_the_legal_clocks():
    r = region_rules()
    assert r.name == "山东"
    assert (r.reply_days, r.filing_days, r.review_days, r.reps_min, r.reps_warn_max,
            r.term_min_years, r.term_max_years, r.publication_days) == (20, 10, 15, 3, 10, 1, 3, 10)
    assert region_rules("默认").reply_days == 20


def test_region_overrides_inherit_the_rest():
    tianjin = region_rules("天津")
    assert tianjin.reply_days == 5
    assert tianjin.filing_days == 10


def test_unknown_region_raises():
    with pytest.raises(RegionRulesError, match="未定义地区 火星"):
        region_rules("火星")


def test_region_file_errors_name_file_and_region():
    with pytest.raises(RegionRulesError, match="r.yaml 地区 默认：缺少字段"):
        parse_regions("regions:\n  默认: {reply_days: 20}\n", "r.yaml")
    with pytest.raises(RegionRulesError, match="r.yaml 地区 默认：reply_days 应为非负数"):
        text = ("regions:\n  默认: {reply_days: -1, filing_days: 10, review_days: 15, reps_min: 3,"
                " reps_warn_max: 10, term_min_years: 1, term_max_years: 3, publication_days: 10}\n")
        parse_regions(text, "r.yaml")


# ---------------------------------------------------------------- offer_reply

def test_offer_reply_20_days_passes_21_fails():
    ok = check("offer_reply", offer_date=D0, reply_date=D0 + timedelta(20), reply_written=True)
    late = check("offer_reply", offer_date=D0, reply_date=D0 + timedelta(21), reply_written=True)
    assert ok.status == "pass"
    assert late.status == "fail"
    assert "间隔21天，超过法定20天" in late.reason


def test_offer_reply_reason_gives_the_figures():
    r = check("offer_reply", offer_date=date(2021, 3, 20), reply_date=date(2021, 4, 15), reply_written=True)
    assert r.status == "fail"
    assert r.reason == "要约于2021-03-20送达，2021-04-15答复，间隔26天，超过法定20天"
    assert r.basis == "《集体合同规定》第32条"
    assert r.name == "要约按期书面答复"


def test_offer_reply_must_be_written():
    r = check("offer_reply", offer_date=D0, reply_date=D0 + timedelta(5), reply_written=False)
    assert r.status == "fail" and "非书面" in r.reason


def test_offer_reply_unknown_when_data_missing():
    r = check("offer_reply", offer_date=D0)
    assert r.status == "unknown" and "答复日期" in r.reason
    r = check("offer_reply", offer_date=D0, reply_date=D0 + timedelta(3))
    assert r.status == "unknown" and "书面" in r.reason
    r = check("offer_reply", offer_date=D0, reply_date=D0 - timedelta(3), reply_written=True)
    assert r.status == "unknown" and "数据有误" in r.reason


def test_offer_reply_uses_the_region_clock():
    rec = ContractRecord(offer_date=D0, reply_date=D0 + timedelta(6), reply_written=True)
    assert CHECKS["offer_reply"](rec, region_rules("天津")).status == "fail"
    assert CHECKS["offer_reply"](rec, RULES).status == "pass"


# ---------------------------------------------------------------- reps

@pytest.mark.parametrize("worker, employer, status", [
    (3, 3, "pass"), (2, 2, "fail"), (3, 4, "fail"), (5, 5, "pass"), (10, 10, "pass")])
def test_reps_at_least_three_and_equal(worker, employer, status):
    assert check("reps", worker_reps=worker, employer_reps=employer).status == status


def test_reps_warns_above_ten():
    r = check("reps", worker_reps=11, employer_reps=11)
    assert r.status == "pass"
    assert "超过10人" in r.reason
    assert "超过" not in check("reps", worker_reps=10, employer_reps=10).reason


def test_reps_unknown_and_fail_reasons():
    assert check("reps", worker_reps=3).status == "unknown"
    assert "企业方代表人数" in check("reps", worker_reps=3).reason
    r = check("reps", worker_reps=2, employer_reps=3)
    assert "少于每方3人" in r.reason and "不对等" in r.reason


# ---------------------------------------------------------------- congress

@pytest.mark.parametrize("present, in_favour, status", [
    (20, 16, "pass"),   # quorum ceil(2/3·30) = 20
    (19, 16, "fail"),
    (20, 15, "fail"),   # 15 of 30 is not more than half
    (30, 16, "pass"),
])
def test_congress_quorum_and_majority_of_all_members(present, in_favour, status):
    r = check("congress", congress_members=30, congress_present=present, congress_in_favour=in_favour)
    assert r.status == status, r.reason


def test_congress_quorum_rounds_up():
    # 31 members: 2/3 = 20.67 → 21 needed
    assert check("congress", congress_members=31, congress_present=20, congress_in_favour=16).status == "fail"
    assert check("congress", congress_members=31, congress_present=21, congress_in_favour=16).status == "pass"


def test_congress_reasons_and_unknown():
    r = check("congress", congress_members=30, congress_present=19, congress_in_favour=15)
    assert "至少20人" in r.reason and "至少16人" in r.reason
    assert check("congress", congress_members=30).status == "unknown"
    bad = check("congress", congress_members=30, congress_present=31, congress_in_favour=16)
    assert bad.status == "unknown" and "不一致" in bad.reason


# ---------------------------------------------------------------- filing

def test_filing_10_days_passes_11_fails():
    assert check("filing", signing_date=D0, submitted_date=D0 + timedelta(10)).status == "pass"
    r = check("filing", signing_date=D0, submitted_date=D0 + timedelta(11))
    assert r.status == "fail" and "间隔11天，超过法定10天" in r.reason
    assert check("filing", signing_date=D0).status == "unknown"


# ---------------------------------------------------------------- term

@pytest.mark.parametrize("years, status", [(0.5, "fail"), (1, "pass"), (3, "pass"), (4, "fail"),
                                           (None, "unknown")])
def test_term_between_one_and_three_years(years, status):
    assert check("term", term_years=years).status == status


# ---------------------------------------------------------------- wage_terms

def test_wage_terms():
    assert check("wage_terms", kind="wage", wage_increase_pct=5).status == "pass"
    assert "计件单价1.2元" in check("wage_terms", kind="wage", piece_rate=1.2).reason
    assert check("wage_terms", kind="wage", wage_terms_text="工资随企业效益适当增长").status == "fail"
    assert check("wage_terms", kind="wage", wage_terms_text="月工资不低于3500元").status == "pass"
    assert check("wage_terms", kind="wage").status == "unknown"
    assert check("wage_terms").status == "unknown"
    assert check("wage_terms", kind="comprehensive").status == "pass"


# ---------------------------------------------------------------- effective / publication

@pytest.mark.parametrize("result, status", [
    ("no_objection", "pass"), ("objection_resolved", "pass"), ("objection", "fail"),
    ("pending", "unknown"), (None, "unknown")])
def test_effective(result, status):
    assert check("effective", review_result=result).status == status


def test_publication_within_ten_days():
    assert check("publication", effective_date=D0, published_date=D0 + timedelta(10)).status == "pass"
    assert check("publication", effective_date=D0, published_date=D0 + timedelta(11)).status == "fail"
    assert check("publication", effective_date=D0).status == "unknown"


# ---------------------------------------------------------------- run_checks

def test_run_checks_runs_every_check_in_order():
    results = run_checks(ContractRecord())
    assert tuple(r.code for r in results) == tuple(CHECKS)
    assert {"offer_reply", "reps", "congress", "filing", "term", "wage_terms", "effective"} <= set(CHECKS)
    assert all(r.status == "unknown" and r.reason and r.basis for r in results)


def test_record_is_frozen():
    rec = ContractRecord()
    with pytest.raises(AttributeError):
        rec.kind = "wage"
