"""XLSX and PDF files of the campaign tables, the summary and the escalation list.

Numbers are written as numbers and rates as fractions formatted as
percentages, so the city can add them up in Excel without retyping.
"""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..timefmt import local_today
from ..services import tables as S
from ..spreadsheets import neutralise, neutralise_row

RED = PatternFill("solid", fgColor="FDE2E2")
HEAD = PatternFill("solid", fgColor="E8EDF4")
THIN = Side(style="thin", color="8A8F99")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")

ANNEX1_TITLE = "集体协商“集中要约”行动情况统计表"
ANNEX2_TITLE = "新业态行业集体合同（工资专项集体合同）签订情况统计表"


def _header(ws, leaves, title: str, unit_name: str) -> int:
    """Title, unit line and a two-row header with merged cells; returns the first data row."""
    n = len(leaves)
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.cell(2, 1, f"填报单位：{unit_name}　填报日期：{local_today().isoformat()}")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    top, sub = 3, 4
    j = 0
    while j < n:
        head, s = leaves[j][0], leaves[j][1]
        end = j
        if s:
            while end + 1 < n and leaves[end + 1][0] == head and leaves[end + 1][1]:
                end += 1
        ws.cell(top, j + 1, head)
        for k in range(j, end + 1):
            ws.cell(sub, k + 1, leaves[k][1] or None)
        if end > j:
            ws.merge_cells(start_row=top, start_column=j + 1, end_row=top, end_column=end + 1)
        elif not s:
            ws.merge_cells(start_row=top, start_column=j + 1, end_row=sub, end_column=j + 1)
        j = end + 1
    for r in (top, sub):
        for col in range(1, n + 1):
            cell = ws.cell(r, col)
            cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEAD, WRAP, BOX
    ws.row_dimensions[top].height = 48
    for col, (head, s, _, kind) in enumerate(leaves, start=1):
        width = 24 if kind == "text" else 12
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(sub + 1, 2)
    return sub + 1


def _put(ws, row: int, values, leaves, low: set = frozenset(), bold: bool = False) -> None:
    for j, (v, (_, _, _, kind)) in enumerate(zip(values, leaves)):
        cell = ws.cell(row, j + 1, neutralise(v))
        cell.border = BOX
        if kind == "rate":
            cell.number_format = "0.0%"
        elif kind == "date" and v is not None:
            cell.number_format = "yyyy-mm-dd"
        elif kind == "amount":
            cell.number_format = "#,##0.00"
        elif kind == "count":
            cell.number_format = "#,##0"
        if j in low:
            cell.fill = RED
        if bold:
            cell.font = Font(bold=True)


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def annex1_xlsx(table, unit_name: str) -> bytes:
    leaves, rows, total, highlight, total_low = S.annex1_matrix(table)
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    first = _header(ws, leaves, "附件1 " + ANNEX1_TITLE, unit_name)
    for i, values in enumerate(rows):
        _put(ws, first + i, values, leaves, {j for (r, j) in highlight if r == i})
    _put(ws, first + len(rows), total, leaves, total_low, bold=True)
    note = first + len(rows) + 2
    ws.cell(note, 1, "注：比率按合计行的计数重新计算，不是各行比率相加；浅红色表示低于目标值"
                     "（建制率≥80%，规上工资专项建制率≥90%，百人以上质效评估全覆盖）。")
    return _save(wb)


def annex2_xlsx(table, unit_name: str) -> bytes:
    leaves, rows = S.annex2_matrix(table)
    wb = Workbook()
    ws = wb.active
    ws.title = "附件2"
    first = _header(ws, leaves, "附件2 " + ANNEX2_TITLE, unit_name)
    for i, values in enumerate(rows):
        _put(ws, first + i, values, leaves, {len(leaves) - 1} if values[-1] else set())
    tot = S.totals_annex2(table)
    last = first + len(rows)
    ws.cell(last, 1, "合计").font = Font(bold=True)
    fields = [f for _, _, f, _ in leaves]
    for name, key in (("covered_enterprises", "enterprises"), ("covered_workers", "workers")):
        cell = ws.cell(last, fields.index(name) + 1, tot[key])
        cell.font, cell.number_format = Font(bold=True), "#,##0"
    return _save(wb)


def _pdf_rows(rows, leaves):
    out = []
    for values in rows:
        line = []
        for v, (_, _, _, kind) in zip(values, leaves):
            if kind == "rate":
                line.append("—" if v is None else f"{v * 100:.1f}%")
            elif isinstance(v, dt.date):
                line.append(v.isoformat())
            else:
                line.append(v)
        out.append(line)
    return out


def annex1_pdf(table, unit_name: str, date: dt.date | None = None) -> bytes:
    from ..pdf import render_annex1
    from ..pdf.data import Annex1Data

    leaves, rows, total, highlight, _ = S.annex1_matrix(table)
    data = Annex1Data(title=ANNEX1_TITLE, unit_name=unit_name, date=date or local_today(),
                      columns=[(h, s) for h, s, _, _ in leaves], rows=_pdf_rows(rows, leaves),
                      total_row=_pdf_rows([total], leaves)[0], highlight=frozenset(highlight),
                      notes=["比率按合计行的计数重新计算。"])
    return render_annex1(data)


def annex2_pdf(table, unit_name: str, date: dt.date | None = None) -> bytes:
    from ..pdf import render_annex2
    from ..pdf.data import Annex2Data

    leaves, rows = S.annex2_matrix(table)
    tot = S.totals_annex2(table)
    fields = [f for _, _, f, _ in leaves]
    total = [None] * len(leaves)
    total[0] = "合计"
    total[fields.index("covered_enterprises")] = tot["enterprises"]
    total[fields.index("covered_workers")] = tot["workers"]
    highlight = {(i, len(leaves) - 1) for i, r in enumerate(rows) if r[-1]}
    data = Annex2Data(title=ANNEX2_TITLE, unit_name=unit_name, date=date or local_today(),
                      columns=[(h, s) for h, s, _, _ in leaves], rows=_pdf_rows(rows, leaves), total_row=total,
                      highlight=frozenset(highlight))
    return render_annex2(data)


def summary_pdf(campaign, table1, table2, progress: dict, issuing_body: str) -> bytes:
    from ..pdf import render_summary
    from ..pdf.data import SummaryData, SummarySection

    t = table1.total

    def pct(code):
        r = t.rate(code)
        return "—" if r.value is None else f"{r.value * 100:.1f}%"

    a2 = S.totals_annex2(table2)
    figures = [("已建会企业", f"{t.c02:,}"), ("建制率（目标≥80%）", pct("establishment")),
               ("规上工资专项建制率（目标≥90%）", pct("wage_establishment")), ("发出要约企业", f"{t.c05:,}"),
               ("覆盖职工人数", f"{t.c16:,}"), ("新业态行业合同", f"{a2['contracts']} 份"),
               ("开展质效评估企业", f"{t.c18_total:,}"), ("出具评估报告", f"{progress.get('reports_issued', 0):,}"),
               ("整改已验收", f"{progress.get('rect_closed', 0):,}")]
    below = [r.unit_name for r in table1.rows if r.rate("establishment").below_target]
    sections = [
        SummarySection("一、行动开展情况", [
            f"本次行动共有 {t.c05} 家企业发出集体协商要约，其中“上代下”发出 {t.c06} 家，书面回应 {t.c07} 家，"
            f"开展集体协商 {t.c08} 家；新签（续签）综合集体合同 {t.c09} 份、工资专项集体合同 {t.c10} 份、"
            f"女职工专项集体合同 {t.c11} 份。"]),
        SummarySection("二、目标完成情况", [
            f"全市建制率 {pct('establishment')}，规模以上已建会企业工资专项集体合同建制率 {pct('wage_establishment')}。"
            + (f"建制率低于目标的填报单位：{'、'.join(below)}。" if below else "各填报单位建制率均达到目标。")]),
        SummarySection("三、质效评估与整改", [
            f"开展质效评估企业 {t.c18_total} 家（其中百人以上 {t.c18_hundred} 家），出具评估报告 "
            f"{progress.get('reports_issued', 0)} 份；整改项 {progress.get('rect_total', 0)} 项，已验收 "
            f"{progress.get('rect_closed', 0)} 项，逾期 {progress.get('rect_overdue', 0)} 项；发出“两书” "
            f"{t.c19_letters} 份，已整改 {t.c19_rectified} 份。"]),
        SummarySection("四、新业态行业集体合同", [
            f"签订新业态行业集体合同（工资专项集体合同）{a2['contracts']} 份，覆盖企业 {a2['enterprises']} 家、"
            f"职工 {a2['workers']} 人。"]),
    ]
    return render_summary(SummaryData(
        campaign_name=campaign.name, period=f"{campaign.start_date.isoformat()} 至 {campaign.end_date.isoformat()}",
        key_figures=figures, sections=sections, issuing_body=issuing_body, date=local_today()))


def escalation_xlsx(rows: list[dict]) -> bytes:
    """The escalation list: one row per refused or overdue item."""
    heads = ["企业名称", "统一社会信用代码", "所属单位", "问题代码", "问题", "责任方", "整改期限", "状态", "退回次数",
             "逾期天数", "列入原因", "已发文书"]
    wb = Workbook()
    ws = wb.active
    ws.title = "拒不整改与逾期清单"
    ws.append(heads)
    for c in range(1, len(heads) + 1):
        cell = ws.cell(1, c)
        cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEAD, WRAP, BOX
        ws.column_dimensions[get_column_letter(c)].width = 24 if c in (1, 5, 11, 12) else 12
    for r in rows:
        ws.append(neutralise_row([r["enterprise"], r["credit_code"], r["unit"], r["code"], r["title"], r["owner"],
                                  r["deadline"], r["status"], r["returned"], r["overdue_days"], r["reason"],
                                  r["letters"]]))
        ws.cell(ws.max_row, 7).number_format = "yyyy-mm-dd"
        if r["overdue_days"]:
            ws.cell(ws.max_row, 10).fill = RED
    ws.freeze_panes = "B2"
    return _save(wb)
