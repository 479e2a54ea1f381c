"""附件1 / 附件2 from the database: XLSX and PDF, totals, scope, CLI export."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from evalsite.models import BargainingMeeting, CollectiveContract, ContractCoverage, Enterprise
from evalsite.reports import tables as S


def contract(session, ent=None, kind="comprehensive", scope="enterprise", unit=None, industry=None, **kw):
    values = dict(title=f"{kind}合同", review_result="no_objection", effective_date=dt.date(2021, 3, 20),
                  signing_date=dt.date(2021, 3, 10), submitted_date=dt.date(2021, 3, 15), term_years=Decimal("3"),
                  offer_date=dt.date(2021, 3, 2), offer_by="enterprise_union", reply_written=True)
    values.update(kw)
    c = CollectiveContract(scope=scope, kind=kind, enterprise_id=ent.id if ent else None,
                           unit_id=unit.id if unit else None, industry_id=industry.id if industry else None, **values)
    session.add(c)
    session.flush()
    return c


@pytest.fixture
def contracts(world, factory, session):
    """A: ent_a wage contract (valid, talks online); ent_a2 nothing; B: ent_b comprehensive; a 新业态 contract in A."""
    c = contract(session, world.ent_a, kind="wage", offer_by="upper_union")
    session.add(BargainingMeeting(contract_id=c.id, date=dt.date(2021, 3, 5), online=True))
    contract(session, world.ent_b, kind="comprehensive")
    courier = factory.industry("快递", new_form=True)
    extra = factory.enterprise(world.unit_a, name="威海快递站", industry=courier, headcount=40, above_size=False)
    area = contract(session, None, kind="wage", scope="industry", unit=world.unit_a, industry=courier,
                    title="威海市快递行业工资专项集体合同", worker_signatory="快递行业工会联合会",
                    employer_signatory="快递协会", covered_enterprises=9, covered_workers=1000,
                    covered_new_form_workers=800, min_wage=Decimal("2200"), piece_rate=Decimal("1.0"))
    session.add(ContractCoverage(contract_id=area.id, enterprise_id=extra.id))
    session.commit()
    return extra


def test_annex1_counts_and_rates(app, world, session, contracts):
    table = S.build_annex1(session, world.campaign)
    rows = {r.unit_name: r for r in table.rows}
    a, b = rows["环翠区"], rows["文登区"]
    assert (a.c02, a.c03, a.c14, a.c15, a.c05, a.c06, a.c17) == (3, 2, 2, 1, 1, 1, 1)
    assert (b.c02, b.c14, b.c15, b.c09) == (1, 1, 0, 1)
    assert a.c12_contracts == 1 and a.c12_enterprises == 9
    assert table.total.c02 == session.scalar(select(func.count(Enterprise.id)).where(Enterprise.unionised.is_(True)))
    assert abs(a.rate("establishment").value - 2 / 3) < 1e-9 and a.rate("establishment").below_target
    assert b.rate("wage_establishment").below_target and not b.rate("establishment").below_target


def test_xlsx_totals_equal_rows_and_database(app, world, session, login_as, contracts):
    resp = login_as(world.city).get("/reports/tables/annex1.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws.freeze_panes == "B5"
    heads = {}
    for col in range(1, ws.max_column + 1):
        top = ws.cell(3, col).value
        heads[col] = top if top is not None else heads.get(col - 1)
    data = [[c for c in row] for row in ws.iter_rows(min_row=5)]
    body = [r for r in data if r[0].value in ("环翠区", "文登区")]
    total = next(r for r in data if r[0].value == "合计")
    assert len(body) == 2
    for col in range(1, ws.max_column):
        cells = [r[col] for r in body]
        if cells[0].number_format == "#,##0":
            assert isinstance(total[col].value, int)
            assert total[col].value == sum(c.value for c in cells), heads[col + 1]
    est_col = next(c for c, h in heads.items() if h == "建制率") - 1
    assert body[0][est_col].number_format == "0.0%" and abs(body[0][est_col].value - 2 / 3) < 1e-9
    assert body[0][est_col].fill.fgColor.rgb.endswith("FDE2E2")  # 66.7 % < 80 %: highlighted
    assert total[1].value == session.scalar(select(func.count(Enterprise.id)).where(Enterprise.unionised.is_(True)))
    ws2 = load_workbook(io.BytesIO(login_as(world.city).get("/reports/tables/annex2.xlsx").data)).active
    names = [r[4] for r in ws2.iter_rows(min_row=5, values_only=True)]
    assert "威海市快递行业工资专项集体合同" in names
    last = [r for r in ws2.iter_rows(min_row=5, values_only=True) if r[0] == "合计"][0]
    assert 1000 in last and 9 in last


def test_district_admin_sees_only_own_row(app, world, session, login_as, contracts):
    page = login_as(world.district_b).get("/reports/tables").data.decode()
    assert "文登区" in page and "环翠区" not in page and "快递行业" not in page
    ws = load_workbook(io.BytesIO(login_as(world.district_b).get("/reports/tables/annex1.xlsx").data)).active
    units = [r[0] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert "环翠区" not in units and "文登区" in units


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdfs_and_summary(app, world, session, login_as, contracts, tmp_path):
    client = login_as(world.city)
    for name in ("annex1.pdf", "annex2.pdf", "summary.pdf"):
        resp = client.get(f"/reports/tables/{name}")
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF"), name
        (tmp_path / name).write_bytes(resp.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "annex1.pdf"), "-"], capture_output=True, text=True).stdout
    assert "66.7%" in text and "75.0%" in text  # the rows' and the total's 建制率
    info = subprocess.run(["pdfinfo", str(tmp_path / "annex1.pdf")], capture_output=True, text=True).stdout
    width, height = [float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x ")]
    assert width > height  # landscape
    assert client.get("/reports/tables/summary.xlsx").status_code == 404


def test_export_tables_cli(app, world, session, contracts, tmp_path):
    out = tmp_path / "out"
    result = app.test_cli_runner().invoke(args=["export-tables", "--campaign", world.campaign.code,
                                                "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 5 and sum(f.endswith(".xlsx") for f in files) == 2
    assert any(f.startswith("统计表逻辑检查表") for f in files)
    wb = load_workbook(next(out.glob("附件1*.xlsx")))
    assert any(r[0] == "合计" for r in wb.active.iter_rows(values_only=True))
