"""附件1 / 附件2 formulas on small hand-computed cases."""
import datetime as dt
from dataclasses import replace

import pytest

from scoring import annex2 as a2
from scoring import tables as tb
from scoring.annex2 import IndustryContractFacts
from scoring.tables import AreaContractFacts, EnterpriseFacts, EscalationFacts, UnitInfo

D = dt.date
UNITS = [UnitInfo("A", "环翠区", 2), UnitInfo("B", "文登区", 1), UnitInfo("C", "南海新区", 3)]


def _unit_a():
    # a1: big, above size, two comprehensive + one wage contract (counted once in c14/c15)
    a1 = EnterpriseFacts("a1", "A", unionised=True, above_size=True, headcount=150,
                         offer_sent=True, written_reply=True, talks_held=True,
                         new_comprehensive=2, new_wage=1, has_valid_contract=True,
                         has_valid_wage_contract=True, covered_workers=150,
                         evaluated=True, self_assessed=True, online=True)
    a2 = EnterpriseFacts("a2", "A", unionised=True, above_size=True, headcount=80,
                         offer_by_upper=True, written_reply=True,
                         has_valid_contract=True, covered_workers=80)
    # not operating normally: outside c02 and c14, but its covered workers count in c16
    a3 = EnterpriseFacts("a3", "A", unionised=True, normally_operating=False, headcount=200,
                         has_valid_contract=True, covered_workers=200, externally_assessed=True)
    # not unionised, covered by a regional contract
    a4 = EnterpriseFacts("a4", "A", headcount=30, has_valid_contract=True, covered_workers=30)
    return [a1, a2, a3, a4]


def _unit_b():
    # 8 unionised small firms, 6 with a valid contract: 建制率 6/8 = 0.75
    return [EnterpriseFacts(f"b{i}", "B", unionised=True, headcount=50,
                            has_valid_contract=i < 6, covered_workers=50 if i < 6 else 0)
            for i in range(8)]


AREAS = [
    AreaContractFacts("A", "industry", covered_enterprises=5, covered_workers=300),
    AreaContractFacts("A", "industry", covered_enterprises=7, covered_workers=200),
    AreaContractFacts("A", "industry", covered_enterprises=9, signed_in_period=False),
    AreaContractFacts("B", "regional", covered_enterprises=12, covered_workers=400),
]
ESCALATIONS = [EscalationFacts("A", 2, 1), EscalationFacts("B", 1, 1)]


@pytest.fixture
def table():
    return tb.annex1(UNITS, _unit_a() + _unit_b(), AREAS, ESCALATIONS)


def test_rows_follow_sort_order_and_total_is_last(table):
    assert [r.unit_id for r in table.rows] == ["B", "A", "C"]
    assert table.total.unit_id is None and table.total.unit_name == "合计"


def test_unit_a_counts_hand_computed(table):
    a = table.rows[1]
    assert (a.c02, a.c03, a.c04) == (2, 2, 1)
    assert (a.c05, a.c06, a.c07, a.c08) == (2, 1, 2, 1)
    assert (a.c09, a.c10, a.c11) == (2, 1, 0)          # contracts (份), not enterprises
    assert (a.c12_contracts, a.c12_enterprises) == (2, 12)   # out-of-period one excluded
    assert (a.c13_contracts, a.c13_enterprises) == (0, 0)
    assert (a.c14, a.c15) == (2, 1)                     # a1 counted once despite 3 contracts
    assert a.c16 == 150 + 80 + 200 + 30
    assert a.c17 == 1
    assert (a.c18_total, a.c18_hundred, a.c18_self, a.c18_external) == (2, 1, 1, 1)
    assert (a.c19_letters, a.c19_rectified) == (2, 1)


def test_unit_a_rates_and_flags(table):
    a = table.rows[1]
    assert a.rate("establishment").value == 1.0
    assert a.rate("establishment").below_target is False
    wage = a.rate("wage_establishment")
    assert (wage.numerator, wage.denominator, wage.value) == (1, 2, 0.5)
    assert wage.target == 0.9 and wage.below_target is True
    assert a.rate("reply").value == 1.0 and a.rate("reply").below_target is None  # no target
    assert a.rate("talks").value == 0.5
    assert a.rate("evaluation_coverage").value == 1.0
    assert a.rate("evaluation_coverage").below_target is False
    assert a.rate("rectification").value == 0.5


def test_division_by_zero_gives_none(table):
    b, c = table.rows[0], table.rows[2]
    for code in ("wage_establishment", "reply", "talks", "evaluation_coverage"):
        assert b.rate(code).value is None and b.rate(code).below_target is None
    assert all(r.value is None for r in c.rates)          # an empty unit
    assert all(getattr(c, f) == 0 for f in tb.COUNT_FIELDS)


def test_total_adds_counts(table):
    for f in tb.COUNT_FIELDS:
        assert getattr(table.total, f) == sum(getattr(r, f) for r in table.rows), f
    assert table.total.c02 == 10 and table.total.c14 == 8 and table.total.c16 == 760


def test_total_recomputes_rates_instead_of_averaging(table):
    b, a, _ = table.rows
    assert b.rate("establishment").value == 0.75
    assert b.rate("establishment").below_target is True
    mean_of_rates = (a.rate("establishment").value + b.rate("establishment").value) / 2
    total = table.total.rate("establishment")
    assert mean_of_rates == 0.875
    assert total.value == 0.8 and (total.numerator, total.denominator) == (8, 10)
    assert total.below_target is False                   # exactly at the 80 % target
    assert table.total.rate("rectification").value == pytest.approx(2 / 3)  # not (0.5+1)/2
    assert table.total.rate("wage_establishment").value == 0.5


def test_duplicate_enterprise_and_unknown_unit_are_rejected():
    a1 = _unit_a()[0]
    with pytest.raises(ValueError, match="twice"):
        tb.annex1(UNITS, [a1, replace(a1, new_wage=2)])
    with pytest.raises(ValueError, match="unknown"):
        tb.annex1(UNITS, [replace(a1, unit_id="Z")])
    with pytest.raises(ValueError, match="unknown"):
        tb.annex1(UNITS, [], escalations=[EscalationFacts("Z", 1, 0)])


def test_inconsistent_records_are_rejected():
    with pytest.raises(ValueError):
        EnterpriseFacts("x", "A", written_reply=True)     # reply without an offer
    with pytest.raises(ValueError):
        EnterpriseFacts("x", "A", covered_workers=-1)
    with pytest.raises(ValueError):
        EscalationFacts("A", letters=1, rectified=2)
    with pytest.raises(ValueError):
        AreaContractFacts("A", "national")


def test_targets_come_from_yaml(tmp_path):
    default = tb.load_targets()
    assert dict(default.rates) == {"establishment": 0.8, "wage_establishment": 0.9,
                                   "evaluation_coverage": 1.0}
    path = tmp_path / "t.yaml"
    path.write_text("annex1_targets:\n  establishment: 0.7\n  reply: 0.95\n", encoding="utf-8")
    strict = tb.load_targets(path)
    table = tb.annex1(UNITS, _unit_a() + _unit_b(), targets=strict)
    b, a, _ = table.rows
    assert b.rate("establishment").below_target is False      # 0.75 ≥ 0.70
    assert a.rate("reply").target == 0.95 and a.rate("reply").below_target is False
    assert a.rate("wage_establishment").below_target is None   # no target configured
    bad = tmp_path / "bad.yaml"
    bad.write_text("annex1_targets:\n  establishment: 80\n", encoding="utf-8")
    with pytest.raises(ValueError):
        tb.load_targets(bad)


def test_annex1_columns_describe_every_cell(table):
    codes = [c.code for c in tb.COLUMNS_ANNEX1]
    assert codes[:19] == [f"c{i:02d}" for i in range(1, 20)] and codes[-1] == "c20"
    c12 = next(c for c in tb.COLUMNS_ANNEX1 if c.code == "c12")
    assert c12.fields == ("c12_contracts", "c12_enterprises")
    assert c12.sub_headings == ("份数", "覆盖企业数")
    c18 = next(c for c in tb.COLUMNS_ANNEX1 if c.code == "c18")
    assert c18.sub_headings == ("合计", "其中百人以上", "自评", "外部评估")
    rate_cols = [c for c in tb.COLUMNS_ANNEX1 if c.kind == "rate"]
    assert [c.heading for c in rate_cols] == ["建制率", "规上工资专项建制率", "要约回应率",
                                              "协商开展率", "百人以上质效评估覆盖率", "整改率"]
    a = table.rows[1]
    assert a.value("unit_name") == "环翠区" and a.value("c16") == 460
    assert a.value("wage_establishment") == 0.5 and a.value("remark") == ""
    for col in tb.COLUMNS_ANNEX1:
        for f in col.fields:
            a.value(f)                                   # every field resolves


# ---------------------------------------------------------------- 附件2
def contract(**kw):
    base = dict(unit_id="A", region="环翠区", industry="快递", contract_type="行业工资专项集体合同",
                name="环翠区快递行业工资专项集体合同", worker_party="环翠区快递行业工会联合会",
                employer_party="环翠区快递协会", signed_on=D(2021, 4, 10),
                term_start=D(2021, 5, 1), term_end=D(2024, 4, 30),
                congress_approved_on=D(2021, 4, 8), submitted_on=D(2021, 4, 20),
                covered_enterprises=9, covered_workers=300, new_form_workers=280,
                minimum_wage=2000)
    base.update(kw)
    return IndustryContractFacts(**base)


def test_annex2_clean_contract_has_no_warnings():
    (row,) = a2.annex2([contract()]).rows
    assert row.seq == 1 and row.warnings == ()
    assert row.local_minimum_wage == 1910          # 山东一档 in force on 2021-04-10
    assert row.value("seq") == 1 and row.value("covered_workers") == 300


def test_annex2_minimum_wage_uses_standard_in_force_at_signing():
    (row,) = a2.annex2([contract(signed_on=D(2021, 11, 1), submitted_on=D(2021, 11, 5),
                                 term_start=D(2021, 11, 1), term_end=D(2022, 10, 31))]).rows
    assert row.local_minimum_wage == 2100
    assert row.warnings == ("行业最低工资标准2000元/月低于当地最低工资2100元/月",)


def test_annex2_filing_deadline_is_ten_days():
    ok = a2.annex2([contract(submitted_on=D(2021, 4, 20))]).rows[0]
    late = a2.annex2([contract(submitted_on=D(2021, 4, 21))]).rows[0]
    assert ok.warnings == ()
    assert len(late.warnings) == 1 and "超过签订后10日" in late.warnings[0]
    assert "2021年4月20日" in late.warnings[0]


@pytest.mark.parametrize("start,end,ok", [
    (D(2021, 4, 1), D(2022, 3, 31), True),    # one year, inclusive end
    (D(2021, 4, 1), D(2022, 4, 1), True),     # one year, written to the anniversary
    (D(2021, 4, 1), D(2024, 4, 1), True),     # three years
    (D(2021, 4, 1), D(2021, 9, 30), False),   # six months
    (D(2021, 4, 1), D(2024, 4, 2), False),    # over three years
    (D(2021, 4, 1), D(2021, 3, 1), False),    # end before start
])
def test_annex2_term_between_one_and_three_years(start, end, ok):
    row = a2.annex2([contract(term_start=start, term_end=end)]).rows[0]
    assert (row.warnings == ()) is ok
    if not ok:
        assert row.warnings[0].startswith("合同期限")


def test_annex2_missing_values_and_numbering():
    rows = a2.annex2([contract(), contract(minimum_wage=None, submitted_on=None,
                                           new_form_workers=301)]).rows
    assert [r.seq for r in rows] == [1, 2]
    assert rows[1].warnings == ("未填写行业最低工资标准", "未填写报送审查日期",
                                "其中新就业形态劳动者数大于覆盖职工人数")


def test_annex2_region_override_from_targets(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("minimum_wage:\n  默认:\n    2021-10-01: 2100\n"
                    "  乳山市:\n    2021-10-01: 1900\n", encoding="utf-8")
    t = tb.load_targets(path)
    rows = a2.annex2([contract(region="乳山市", signed_on=D(2021, 12, 1),
                               submitted_on=D(2021, 12, 1), minimum_wage=1950),
                      contract(region="环翠区")], targets=t).rows
    assert rows[0].local_minimum_wage == 1900 and rows[0].warnings == ()
    assert rows[1].local_minimum_wage is None           # no standard before 2021-10-01
    assert "未配置环翠区" in rows[1].warnings[0]


def test_annex2_columns():
    assert [c.code for c in a2.COLUMNS_ANNEX2] == [f"d{i:02d}" for i in range(1, 22)]
    d09 = next(c for c in a2.COLUMNS_ANNEX2 if c.code == "d09")
    assert d09.fields == ("term_start", "term_end") and d09.sub_headings == ("起", "止")
    row = a2.annex2([contract()]).rows[0]
    assert [row.value(f) for f in d09.fields] == [D(2021, 5, 1), D(2024, 4, 30)]


def test_cross_check_flags_units_where_annex2_exceeds_c16(table):
    # A: c16 = 460 < 300 + 200; B: c16 = 300 ≥ 100; Z is not in 附件1
    t2 = a2.annex2([contract(), contract(covered_workers=200, new_form_workers=None),
                    contract(unit_id="B", region="文登区", covered_workers=100,
                             new_form_workers=None),
                    contract(unit_id="Z", covered_workers=10, new_form_workers=None)])
    issues = a2.cross_check(table, t2)
    assert [(i.unit_id, i.annex2_workers, i.annex1_workers) for i in issues] == [
        ("A", 500, 460), ("Z", 10, None)]
    assert "环翠区" in issues[0].message and "460" in issues[0].message
    assert a2.cross_check(table, a2.annex2([contract()])) == ()
