"""A small campaign with hand-counted 附件1/附件2: every cell right in the XLSX, the PDF and the page.

Stock figures are counted on the campaign's report deadline, 2021-05-29, so
contracts starting on the 29th–31st decide 建制率: under the old day-28 clamp
three of them expired days early and 附件2 flagged a one-year contract.
"""
from __future__ import annotations

import datetime as dt
import io
import subprocess
from collections import Counter
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from evalsite.models import BargainingMeeting, ContractCoverage
from evalsite.reports import tables as S
from evalsite.templating import fmt_date
from tests.evalsite.test_tables import contract

D = dt.date
# 填报单位, c02 … c19 (leaf order of 附件1), then the six rates
COUNTS = {
    #         c02 c03 c04 c05 c06 c07 c08 c09 c10 c11 c12份 c12企 c13份 c13企 c14 c15 c16 c17 c18×4   c19×2
    "环翠区": [3, 2, 2, 2, 1, 1, 1, 0, 1, 0, 1, 9, 0, 0, 2, 1, 420, 1, 0, 0, 0, 0, 0, 0],
    "文登区": [2, 1, 2, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 4, 2, 0, 360, 0, 0, 0, 0, 0, 0, 0],
    "合计": [5, 3, 4, 3, 1, 2, 1, 1, 1, 0, 1, 9, 1, 4, 4, 1, 780, 1, 0, 0, 0, 0, 0, 0],
}
RATES = {  # 建制率, 规上工资专项建制率, 要约回应率, 协商开展率, 百人以上质效评估覆盖率, 整改率
    "环翠区": [2 / 3, 1 / 2, 1 / 2, 1 / 2, 0.0, None],
    "文登区": [1.0, 0.0, 1.0, 0.0, 0.0, None],
    "合计": [4 / 5, 1 / 3, 2 / 3, 1 / 3, 0.0, None],
}
BELOW = {"环翠区": {0, 1, 4}, "文登区": {1, 4}, "合计": {1, 4}}  # 4/5 = 80 % is on target, not below
ANNEX2 = [  # the numbers and dates of each 附件2 row
    [1, "2021-03-20", "2021-03-31", "2022-03-30", "2021-03-18", "2021-03-25", "2021-03-31", 9, 400, 300, 2200],
    [2, "2021-04-01", "2021-04-30", "2022-04-29", "2021-03-30", "2021-04-20", "2021-04-30", 4, 900, 700, 1800],
]


@pytest.fixture
def known(world, factory, session):
    world.campaign.report_deadline = D(2021, 5, 29)
    a, b = world.unit_a, world.unit_b
    # 环翠区: ent_a 320 above, ent_a2 180 above, 丁 60 not above, 戊 40 not unionised (covered by the 快递 contract)
    ding = factory.enterprise(a, name="威海丁电子有限公司", headcount=60, above_size=False)
    wu = factory.enterprise(a, name="威海戊物流有限公司", headcount=40, unionised=False, above_size=False)
    c = contract(session, world.ent_a, kind="wage", offer_by="upper_union", effective_date=D(2020, 5, 31),
                 term_years=Decimal(1))                                      # to 2021-05-30: in force
    session.add(BargainingMeeting(contract_id=c.id, date=D(2021, 3, 5), online=True))
    contract(session, world.ent_a2, signing_date=D(2020, 5, 20), offer_date=None, reply_written=None,
             effective_date=D(2020, 5, 29), term_years=Decimal(1))          # to 2021-05-28: expired
    contract(session, ding, signing_date=D(2018, 5, 20), offer_date=D(2021, 3, 5), reply_written=False,
             effective_date=D(2018, 5, 30), term_years=Decimal(3))          # to 2021-05-29: last day
    courier, home = factory.industry("快递", new_form=True), factory.industry("家政", new_form=True)
    area = contract(session, None, kind="wage", scope="industry", unit=a, industry=courier,
                    title="环翠区快递行业工资专项集体合同", worker_signatory="环翠区快递行业工会联合会",
                    employer_signatory="环翠区快递协会", signing_date=D(2021, 3, 20), congress_date=D(2021, 3, 18),
                    submitted_date=D(2021, 3, 25), effective_date=D(2021, 3, 31), term_years=Decimal(1),
                    covered_enterprises=9, covered_workers=400, covered_new_form_workers=300,
                    min_wage=Decimal("2200"), offer_date=None)
    session.add(ContractCoverage(contract_id=area.id, enterprise_id=wu.id))
    # 文登区: ent_b 240 above, 己 120 not above
    ji = factory.enterprise(b, name="文登己制衣有限公司", headcount=120, above_size=False)
    contract(session, world.ent_b, effective_date=D(2021, 3, 20))            # signed 2021-03-10, 3 years
    contract(session, ji, kind="wage", signing_date=D(2020, 5, 15), offer_date=None, reply_written=None,
             effective_date=D(2020, 5, 30), term_years=Decimal(1))          # to 2021-05-29: last day
    contract(session, None, kind="wage", scope="regional", unit=b, industry=home,
             title="文登区家政服务区域性工资专项集体合同", worker_signatory="文登区家政行业工会联合会",
             employer_signatory="文登区家政服务协会", signing_date=D(2021, 4, 1), congress_date=D(2021, 3, 30),
             submitted_date=D(2021, 4, 20), effective_date=D(2021, 4, 30), term_years=Decimal(1),
             covered_enterprises=4, covered_workers=900, covered_new_form_workers=700,
             min_wage=Decimal("1800"), offer_date=None)
    session.commit()
    return world


def pdf_words(pdf: bytes) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode().split()


def as_printed(v) -> str:
    if isinstance(v, float):
        return f"{v * 100:.1f}%"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.strftime("%Y-%m-%d")
    return "—" if v is None else str(v)


def test_annex1_counts_by_hand(app, known, session):
    t = S.build_annex1(session, known.campaign)
    for row in (*t.rows, t.total):
        leaves = [f for _, _, f, kind in S.leaf_columns(t.columns) if kind == "count"]
        assert [row.value(f) for f in leaves] == COUNTS[row.unit_name], row.unit_name
        rates = [r.value for r in row.rates]
        assert rates == pytest.approx(RATES[row.unit_name], nan_ok=True), row.unit_name
        assert {k for k, r in enumerate(row.rates) if r.below_target} == BELOW[row.unit_name]


def test_every_cell_right_in_the_xlsx(app, known, login_as):
    wb = load_workbook(io.BytesIO(login_as(known.city).get("/reports/tables/annex1.xlsx").data))
    ws = wb["附件1"]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=5) if r[0].value in COUNTS}
    assert set(rows) == set(COUNTS)
    for name, cells in rows.items():
        assert [c.value for c in cells[1:25]] == COUNTS[name], name
        assert [c.value for c in cells[25:31]] == pytest.approx(RATES[name], nan_ok=True), name
        red = {k for k, c in enumerate(cells[25:31]) if c.fill.fgColor.rgb.endswith("FDE2E2")}
        assert red == BELOW[name], name
    # print set-up: A3 landscape, one page wide, header rows repeated, panes frozen below them
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A3) and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$3:$4" and ws.freeze_panes == "B5"
    notes = " ".join(str(c.value) for c in ws["A"] if c.value and str(c.value).startswith("注"))
    assert "建制率≥80%" in notes and "规上工资专项建制率≥90%" in notes
    checks = wb["逻辑检查"]
    assert any(c.value == "文登区" for c in checks["E"])
    ws2 = load_workbook(io.BytesIO(login_as(known.city).get("/reports/tables/annex2.xlsx").data))["附件2"]
    body = [r for r in ws2.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]
    picked = [[r[0], *map(as_printed, (r[7], r[8], r[9], r[10], r[11], r[12])), r[13], r[14], r[15], r[16]]
              for r in body]
    assert picked == ANNEX2
    assert ws2.print_title_rows == "$3:$4" and ws2.page_setup.orientation == "landscape"
    total = next(r for r in ws2.iter_rows(min_row=5, values_only=True) if r[0] == "合计")
    assert (total[13], total[14]) == (13, 1300)
    assert not body[0][-1]                    # the 1-year contract from the 31st passes the term check
    assert "低于当地最低工资1910元/月" in body[1][-1] and "超过签订后10日" in body[1][-1]


def test_notes_follow_the_campaign_targets(app, known, session, login_as):
    known.campaign.target_establishment_rate = 0.85
    session.commit()
    ws = load_workbook(io.BytesIO(login_as(known.city).get("/reports/tables/annex1.xlsx").data))["附件1"]
    notes = " ".join(str(c.value) for c in ws["A"] if c.value and str(c.value).startswith("注"))
    assert "建制率≥85%" in notes and "≥80%" not in notes
    total = next(r for r in ws.iter_rows(min_row=5) if r[0].value == "合计")
    assert total[25].fill.fgColor.rgb.endswith("FDE2E2")   # 80 % is now below 85 %


def test_every_number_of_the_xlsx_is_a_word_of_the_pdf(app, known, login_as):
    client = login_as(known.city)
    for name in ("annex1", "annex2"):
        wb = load_workbook(io.BytesIO(client.get(f"/reports/tables/{name}.xlsx").data))
        numbers = Counter(as_printed(float(c.value) if "%" in c.number_format else c.value)
                          for row in wb.active.iter_rows(min_row=5) for c in row
                          if isinstance(c.value, (int, float, dt.date)) and not isinstance(c.value, bool))
        pdf = client.get(f"/reports/tables/{name}.pdf").data
        words = Counter(pdf_words(pdf))
        missing = numbers - words
        assert not missing, (name, missing)
    # 附件1 lines read as the table: the unit, then its cells in order (nothing wrapped)
    lines = subprocess.run(["pdftotext", "-layout", "-", "-"], input=client.get("/reports/tables/annex1.pdf").data,
                           capture_output=True, check=True).stdout.decode().splitlines()
    for unit, counts in COUNTS.items():
        line = next(ln.split() for ln in lines if ln.split()[:1] == [unit])
        assert line[1:] == [str(n) for n in counts] + [as_printed(r) for r in RATES[unit]], unit


def page_date(iso: str) -> str:
    return fmt_date(dt.date.fromisoformat(iso))


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(("".join(self._cell).strip(), tag))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_every_cell_right_on_the_page_and_checks_listed(app, known, login_as):
    client = login_as(known.city)
    html = client.get("/reports/tables").data.decode()
    parser = _Cells()
    parser.feed(html)
    rows = {r[0][0]: [v for v, _ in r[1:]] for r in parser.rows if r and r[0][0] in COUNTS}
    for unit, counts in COUNTS.items():
        assert rows[unit][:24] == [str(n) for n in counts], unit
        assert rows[unit][24:30] == [as_printed(r) for r in RATES[unit]], unit
    body2 = [[v for v, _ in r] for r in parser.rows if r and r[0][0] in ("1", "2") and len(r) > 20]
    expected = [[str(n[0]), *(page_date(d) for d in n[1:7]), *(str(x) for x in n[7:])] for n in ANNEX2]
    assert [[r[0], *r[7:13], *r[13:16], r[16].removesuffix(".0").removesuffix(".00")] for r in body2] == expected
    assert "逻辑检查：" in html and "项未通过" in html
    page = client.get("/reports/tables/checks").data.decode()
    assert "附件2覆盖职工人数之和为900，附件1为360" in page and "文登区" in page
    assert "第2行 文登区家政服务区域性工资专项集体合同" in page
    pdf = client.get("/reports/tables/checks.pdf")
    assert pdf.status_code == 200 and "附件2覆盖职工人数之和为900" in "".join(pdf_words(pdf.data))


def test_no_number_wraps_even_with_big_figures_in_every_column(app, known, session):
    """The font size shrinks until the longest value of every column fits: 7-digit counts everywhere."""
    from evalsite.pdf import render_annex1
    from evalsite.pdf.data import Annex1Data
    from evalsite.pdf.tables import CONTENT_W, layout

    t = S.build_annex1(session, known.campaign)
    leaves = S.leaf_columns(t.columns)
    rows = [[f"填报单位{i}"] + [str(9_876_543 - i * 1_111 - j) for j in range(len(leaves) - 8)]
            + ["100.0%"] * 6 + [""] for i in range(12)]
    data = Annex1Data(title="统计表", unit_name="威海市总工会", date=D(2021, 4, 23),
                      columns=[(h, s) for h, s, _, _ in leaves], rows=rows, total_row=None)
    size, widths = layout(data)
    assert size < 9 and sum(widths) <= CONTENT_W + 1e-6      # smaller type, still on one page width
    words = Counter(pdf_words(render_annex1(data)))
    cells = Counter(v for r in rows for v in r[1:] if v)
    assert not cells - words


def test_signature_and_total_stay_with_the_last_rows_on_every_length():
    from evalsite.pdf import render_annex2
    from evalsite.pdf.data import Annex2Data

    cols = [("序号", ""), ("所属区市", ""), ("合同名称", ""), ("覆盖职工人数", "")]
    lengths = set()
    for n in range(30, 75, 4):
        rows = [[i, "环翠区", f"第{i}份行业集体合同", 100 + i] for i in range(1, n + 1)]
        pdf = render_annex2(Annex2Data(title="统计表", unit_name="威海市总工会", date=D(2021, 4, 23), columns=cols,
                                       rows=rows, total_row=["合计", "", "", sum(r[3] for r in rows)]))
        pages = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                               check=True).stdout.decode().split("\f")
        last = [p for p in pages if p.strip()][-1]
        assert "填表人" in last and "合计" in last and f"第{n}份行业集体合同" in last, n
        assert "序号" in last          # the header is repeated on the page of the signature
        lengths.add(len([p for p in pages if p.strip()]))
    assert lengths == {1, 2}             # some of them break across pages
