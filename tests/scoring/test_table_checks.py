"""逻辑检查 (scoring/table_checks.py): every relation is checked on every row and names the rows breaking it."""
import dataclasses
import datetime as dt

import pytest

from scoring import annex2 as a2
from scoring import tables as tb
from scoring.table_checks import CHECKS_FILE, column_label, load_rules, logic_checks, parse_rules
from tests.scoring.test_tables import AREAS, ESCALATIONS, UNITS, _unit_a, _unit_b, contract

D = dt.date
PERIOD = (D(2021, 3, 1), D(2021, 4, 30))


@pytest.fixture
def t1():
    return tb.annex1(UNITS, _unit_a() + _unit_b(), AREAS, ESCALATIONS)


def failing(checks):
    return {c.rule: [(f.row, f.message) for f in c.findings] for c in checks if not c.passed}


def test_consistent_tables_pass_every_check(t1):
    checks = logic_checks(t1, a2.annex2([contract()]), PERIOD)
    assert failing(checks) == {}
    rules = [c.rule for c in checks]
    assert len(rules) == len(set(rules)) == 2 + len(load_rules().annex1) + 3 + 4
    assert "书面回应企业数不大于发出要约企业数" in rules
    assert "合计行各计数等于各行之和" in rules
    assert {c.table for c in checks} == {"附件1", "附件2", "附件1与附件2"}


def test_a_row_breaking_a_column_relation_is_named_with_its_figures(t1):
    bad = dataclasses.replace(t1.rows[0], c07=t1.rows[0].c05 + 2)
    broken = tb.Annex1Table((bad, *t1.rows[1:]), t1.total)
    found = failing(logic_checks(broken, a2.annex2([]), PERIOD))
    b = t1.rows[0]
    assert found["书面回应企业数不大于发出要约企业数"] == [
        ("文登区", f"书面回应企业数 {b.c05 + 2}，发出要约企业数 {b.c05}")]
    assert found["合计行各计数等于各行之和"] == [
        ("合计", f"书面回应企业数：合计 {t1.total.c07}，各行之和 {t1.total.c07 + 2}")]


def test_cross_checks_between_annex1_and_annex2(t1):
    # A: c16 = 460 < 300 + 200; c12+c13 of A = 2 contracts signed in the period (5 + 7 enterprises)
    t2 = a2.annex2([contract(), contract(covered_workers=200, new_form_workers=None),
                    contract(covered_workers=10, new_form_workers=None, covered_enterprises=1),
                    contract(unit_id="Z", region="荣成市", covered_workers=10, new_form_workers=None)])
    found = failing(logic_checks(t1, t2, PERIOD))
    assert found["附件2覆盖职工人数之和不大于附件1覆盖职工人数"] == [("环翠区", "附件2覆盖职工人数之和为510，附件1为460")]
    assert found["附件2的所属区市均为附件1的填报单位"] == [("荣成市", "附件2有该单位的合同，附件1中没有该填报单位")]
    assert found["附件2本期签订的合同份数不大于附件1行业性、区域性集体合同份数之和"] == [
        ("环翠区", "附件2本期签订合同3，附件1为2")]
    assert found["附件2本期签订合同的覆盖企业数不大于附件1行业性、区域性合同覆盖企业数之和"] == [
        ("环翠区", "附件2覆盖企业数之和为19，附件1为12")]
    # signed before the period: not counted against c12/c13
    old = a2.annex2([contract(signed_on=D(2020, 4, 10), submitted_on=D(2020, 4, 15)) for _ in range(3)])
    assert "附件2本期签订的合同份数不大于附件1行业性、区域性集体合同份数之和" not in failing(logic_checks(t1, old, PERIOD))


def test_annex2_row_checks_are_listed_by_row(t1):
    t2 = a2.annex2([contract(), contract(name="快递合同二", minimum_wage=1500, congress_approved_on=D(2021, 4, 12),
                                         covered_enterprises=0)])
    found = failing(logic_checks(t1, t2, PERIOD))
    rows = [r for r, _ in found["各行通过附件2核对：行业最低工资标准、报送审查期限、合同期限、新就业形态劳动者人数"]]
    assert rows == ["第2行 快递合同二"]
    assert found["职代会审议通过不晚于签订日期，生效不早于签订日期"] == [("第2行 快递合同二", "职代会审议通过日期晚于签订日期")]
    assert found["每份合同覆盖企业数、覆盖职工人数大于0"] == [("第2行 快递合同二", "覆盖企业数或覆盖职工人数为0")]


def test_labels_and_rules_file():
    assert column_label("c18_hundred") == "开展质效评估企业数（其中百人以上）"
    assert column_label("c03") == "规模（限额）以上已建会企业数"
    assert load_rules(CHECKS_FILE).annex1
    good = "cross: {workers: 错误, contracts: 错误, enterprises: 提示}\n"
    with pytest.raises(ValueError, match="没有计数列 c99"):
        parse_rules("annex1:\n  - {left: c99, op: '<=', right: c02, severity: 错误}\n" + good)
    with pytest.raises(ValueError, match="op 应为"):
        parse_rules("annex1:\n  - {left: c03, op: '<', right: c02, severity: 错误}\n" + good)
    with pytest.raises(ValueError, match="severity"):
        parse_rules("annex1:\n  - {left: c03, op: '<=', right: c02, severity: 严重}\n" + good)
    with pytest.raises(ValueError, match="cross"):
        parse_rules("annex1: []\n")
