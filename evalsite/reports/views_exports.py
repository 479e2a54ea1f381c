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

from ..pdf.tables import SIGNATURE
from ..timefmt import format_date, local_today
from . import tables as S
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
    ws.cell(2, 1, f"填报单位（盖章）：{unit_name}　填报日期：{format_date(local_today())}")
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
    print_setup(ws, f"{top}:{sub}")
    return sub + 1


def print_setup(ws, title_rows: str) -> None:
    """A3 landscape, all columns on one page width, header rows repeated on every printed page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _put(ws, row: int, values, leaves, low: set = frozenset(), bold: bool = False, fill=None) -> None:
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
        if fill is not None:
            cell.fill = fill
        if j in low:
            cell.fill = RED
        if bold:
            cell.font = Font(bold=True)


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _notes(ws, row: int, notes) -> None:
    for k, text in enumerate(notes):
        ws.cell(row + k, 1, "注：" + text)
    ws.cell(row + len(notes) + 1, 1, SIGNATURE)


def annex1_xlsx(table, unit_name: str, checks=None) -> bytes:
    leaves, rows, total, highlight, total_low = S.annex1_matrix(table)
    wb = Workbook()
    ws = wb.active
    ws.title = "附件1"
    first = _header(ws, leaves, "附件1 " + ANNEX1_TITLE, unit_name)
    for i, values in enumerate(rows):
        _put(ws, first + i, values, leaves, {j for (r, j) in highlight if r == i})
    _put(ws, first + len(rows), total, leaves, total_low, bold=True, fill=HEAD)
    _notes(ws, first + len(rows) + 2, S.annex1_notes(table))
    if checks is not None:
        check_sheet(wb, checks, unit_name)
    return _save(wb)


def annex2_total(table, leaves) -> list:
    """The 附件2 total row: 合计, the contracts' covered enterprises and workers."""
    tot = S.totals_annex2(table)
    fields = [f for _, _, f, _ in leaves]
    total = [None] * len(leaves)
    total[0] = "合计"
    total[fields.index("covered_enterprises")] = tot["enterprises"]
    total[fields.index("covered_workers")] = tot["workers"]
    return total


def annex2_xlsx(table, unit_name: str, checks=None) -> bytes:
    leaves, rows = S.annex2_matrix(table)
    wb = Workbook()
    ws = wb.active
    ws.title = "附件2"
    first = _header(ws, leaves, "附件2 " + ANNEX2_TITLE, unit_name)
    for i, values in enumerate(rows):
        _put(ws, first + i, values, leaves, {len(leaves) - 1} if values[-1] else set())
    _put(ws, first + len(rows), annex2_total(table, leaves), leaves, bold=True, fill=HEAD)
    _notes(ws, first + len(rows) + 2, S.annex2_notes(table))
    if checks is not None:
        check_sheet(wb, checks, unit_name)
    return _save(wb)


def check_sheet(wb, checks, unit_name: str) -> None:
    """The 逻辑检查 sheet: one row per check, the rows breaking it listed beside."""
    ws = wb.create_sheet("逻辑检查")
    ws.cell(1, 1, f"统计表逻辑检查　填报单位：{unit_name}　检查日期：{format_date(local_today())}").font = \
        Font(bold=True, size=12)
    heads = ["表", "检查关系", "类别", "结果", "涉及的行", "数据"]
    for c, text in enumerate(heads, start=1):
        cell = ws.cell(2, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEAD, WRAP, BOX
    for c, width in enumerate((12, 48, 8, 10, 28, 48), start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    row = 3
    for check in sorted(checks, key=lambda c: c.passed):
        lines = list(check.findings) or [None]
        for k, f in enumerate(lines):
            values = [check.table, check.rule, check.severity, "未通过" if check.findings else "通过",
                      f.row if f else "", f.message if f else ""]
            for c, v in enumerate(values, start=1):
                cell = ws.cell(row, c, neutralise(v) if k == 0 or c > 4 else None)
                cell.border, cell.alignment = BOX, Alignment(wrap_text=True, vertical="top")
            if check.findings:
                ws.cell(row, 4).fill = RED
            row += 1
    ws.freeze_panes = "A3"
    print_setup(ws, "2:2")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


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

    leaves, rows, total, highlight, total_low = S.annex1_matrix(table)
    data = Annex1Data(title=ANNEX1_TITLE, unit_name=unit_name, date=date or local_today(),
                      columns=[(h, s) for h, s, _, _ in leaves], rows=_pdf_rows(rows, leaves),
                      total_row=_pdf_rows([total], leaves)[0], highlight=frozenset(highlight),
                      total_highlight=frozenset(total_low), notes=S.annex1_notes(table))
    return render_annex1(data)


def annex2_pdf(table, unit_name: str, date: dt.date | None = None) -> bytes:
    from ..pdf import render_annex2
    from ..pdf.data import Annex2Data

    leaves, rows = S.annex2_matrix(table)
    highlight = {(i, len(leaves) - 1) for i, r in enumerate(rows) if r[-1]}
    data = Annex2Data(title=ANNEX2_TITLE, unit_name=unit_name, date=date or local_today(),
                      columns=[(h, s) for h, s, _, _ in leaves], rows=_pdf_rows(rows, leaves),
                      total_row=annex2_total(table, leaves), highlight=frozenset(highlight),
                      notes=S.annex2_notes(table))
    return render_annex2(data)


def checks_pdf(checks, unit_name: str, date: dt.date | None = None) -> bytes:
    from ..pdf import render_checks
    from ..pdf.data import CheckSheetData, LogicCheckLine

    lines = [LogicCheckLine(c.table, c.rule, c.severity, [(f.row, f.message) for f in c.findings])
             for c in sorted(checks, key=lambda c: c.passed)]  # failing first, as on the page
    return render_checks(CheckSheetData(title="统计表逻辑检查表", unit_name=unit_name, date=date or local_today(),
                                        checks=lines))


def summary_pdf(campaign, table1, table2, progress: dict, issuing_body: str) -> bytes:
    from ..pdf import render_summary
    from ..pdf.data import SummaryData, SummarySection

    t = table1.total

    def pct(code):
        r = t.rate(code)
        return "—" if r.value is None else f"{r.value * 100:.1f}%"

    def target(code):
        r = t.rate(code)
        return "" if r.target is None else f"（目标≥{r.target * 100:.1f}".rstrip("0").rstrip(".") + "%）"

    a2 = S.totals_annex2(table2)
    figures = [("已建会企业", f"{t.c02:,}"), ("建制率" + target("establishment"), pct("establishment")),
               ("规上工资专项建制率" + target("wage_establishment"), pct("wage_establishment")), ("发出要约企业", f"{t.c05:,}"),
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
