"""The import vocabulary (import_aliases.yaml) is validated at load; cells and headers parse as clerks write them."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from evalsite.demo.orgs import INDUSTRIES, UNITS
from evalsite.registry.import_aliases import parse_vocabulary, vocabulary
from evalsite.registry.import_cells import NameMatcher, parse_date, parse_decimal, parse_int, yes_no
from evalsite.registry.import_header import ImportFileError, locate
from evalsite.registry.importer import REGISTRY

GOOD = """
schema_version: 1
city_names: [威海市]
units: {环翠区: [环翠]}
industries: {制造业: [制造]}
headers: {企业名称: [单位名称]}
note_prefixes: [注]
limits: {headcount: [1, 10], reps: [0, 1], congress: [0, 1], covered_workers: [0, 1], term_years: [0.1, 10],
         wage_increase_pct: [-50, 100], money: [0, 1], year: [1990, 2100]}
"""


def test_the_bundled_table_names_the_real_units_and_industries():
    vocab = vocabulary()
    assert set(vocab.units) == {row[0] for row in UNITS}
    assert set(vocab.industries) == {row[1] for row in INDUSTRIES}
    assert "威海市" in vocab.city_names
    for short in ("环翠", "荣成", "高区", "经开区"):
        assert any(short in aliases for aliases in vocab.units.values()), short
    assert "制造" in vocab.industries["制造业"]


@pytest.mark.parametrize("change, message", [
    (("units: {环翠区: [环翠]}", "units: {环翠区: [环翠], 文登区: [环翠]}"), "同时指向"),
    (("units: {环翠区: [环翠]}", "units: {环翠区: [文登区], 文登区: []}"), "另一项的正式名称"),
    (("city_names: [威海市]", "city_names: [环翠]"), "city_names 与填报单位重名"),
    (("headcount: [1, 10]", "headcount: [10, 1]"), "limits.headcount"),
    (("schema_version: 1", "schema_version: 2"), "schema_version"),
    (("industries: {制造业: [制造]}", "industries: [制造业]"), "industries 应为"),
])
def test_a_wrong_vocabulary_fails_at_load(change, message):
    assert parse_vocabulary(GOOD)
    with pytest.raises(ValueError, match=message):
        parse_vocabulary(GOOD.replace(*change))


def test_number_and_date_cells():
    assert parse_int("1,200人", "职工人数", (1, 10 ** 6)) == (1200, None)
    assert parse_int("-3", "代表人数", (0, 999))[1] == "代表人数应为整数，当前为“-3”"
    assert parse_decimal("2,300元", "最低工资", (0, 10 ** 6)) == (Decimal("2300"), None)
    assert parse_decimal("3.25", "期限", (0.1, 10), places=1)[1] == "期限最多保留1位小数，当前为“3.25”"
    assert parse_decimal("", "期限", (0.1, 10), required=True)[1] == "期限不能为空"
    assert parse_date("2021年3月5日", "签订日期", (1990, 2100)) == (dt.date(2021, 3, 5), None)
    assert parse_date("44270", "签订日期", (1990, 2100)) == (dt.date(2021, 3, 15), None)
    assert "没有这一天" in parse_date("2021-02-29", "签订日期", (1990, 2100))[1]
    assert yes_no("√", "是否建会") == (True, None) and yes_no("", "x", required=False) == (None, None)


def test_name_matcher_reads_codes_aliases_and_prefixes():
    m = NameMatcher("所属区市", {"环翠区": 1, "文登区": 2}, {"环翠区": ("环翠",)}, {"371002": 1}, ("威海市",))
    assert m.match("环翠区") == (1, None, None)
    assert m.match("371002")[0] == 1 and m.match(" 环 翠 ")[0] == 1 and m.match("威海市文登区")[0] == 2
    assert "您是不是要填“文登区”" in m.match("文蹬区")[1]


def _grid(*rows):
    return [(i, list(r)) for i, r in enumerate(rows, start=1)]


def test_header_search_gives_up_after_the_first_rows():
    rows = [("标题",)] * 16 + [("企业名称", "统一社会信用代码")]
    with pytest.raises(ImportFileError, match="前15行中找不到表头"):
        locate(_grid(*rows), REGISTRY, vocabulary())


def test_header_synonyms_and_marks_are_read():
    header = ("*单位名称", "信用代码", "区市", "所属行业", "职工人数（人）", "是否建会", "规上", "备注")
    sheet = locate(_grid(header, ("甲", "91", "环翠区", "制造业", "5", "是", "否", "x")), REGISTRY, vocabulary())
    assert sheet.header == ["企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数", "是否建会", "是否规上"]
    assert sheet.rows[0][1]["企业名称"] == "甲"
    assert "已忽略：备注" in sheet.warnings[0]


def test_registry_template_has_drop_downs_and_a_text_code_column():
    from openpyxl import load_workbook

    from evalsite.registry.import_templates import registry_template

    wb = load_workbook(io.BytesIO(registry_template(["环翠区", "文登区"], ["制造业", "快递"])))
    ws = wb["企业名录"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert set(lists) == {"C2", "D2", "F2", "G2"} and all(dv.type == "list" for dv in ws.data_validations.dataValidation)
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    assert [c.value for c in options["A"]][:3] == ["所属区市", "环翠区", "文登区"]
    assert "选项" in lists["C2"] and "$A$2:$A$3" in lists["C2"]
    assert ws["B3"].number_format == "@"


def test_coded_columns_alias_the_platforms_own_labels():
    from evalsite.models.contracts import CONTRACT_KINDS, OFFER_BY, REVIEW_RESULTS
    from evalsite.registry.import_aliases import squash

    codes = vocabulary().codes
    for key, labels in (("contract_kinds", CONTRACT_KINDS), ("offer_by", OFFER_BY), ("review_results", REVIEW_RESULTS)):
        assert set(codes[key]) == {squash(v) for v in labels.values()}, key
