"""The 逻辑检查 sheet: every cross-check of 附件1 and 附件2, passed or with the rows breaking it."""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .common import HIGHLIGHT_BG, WARN_BG, esc, fmt_date, markup, para, render, table
from .data import CheckSheetData

CONTENT_W = A4[0] - 36 * mm


def render_checks(data: CheckSheetData) -> bytes:
    failed = [c for c in data.checks if c.findings]
    errors = sum(1 for c in failed if c.severity == "错误")
    head = [[para("表", "cell_h"), para("检查关系", "cell_h"), para("类别", "cell_h"), para("结果", "cell_h"),
             para("涉及的行与数据", "cell_h")]]
    rows, extra = [], []
    for c in data.checks:
        found = "<br/>".join(f"{esc(row)}：{esc(msg)}" for row, msg in c.findings)
        rows.append([para(c.table, "cell"), para(c.rule, "cell"), para(c.severity, "cell_c"),
                     para("未通过" if c.findings else "通过", "cell_c"), markup(found or "—", "cell")])
        if c.findings:
            r = len(rows)
            extra.append(("BACKGROUND", (3, r), (3, r), HIGHLIGHT_BG if c.severity == "错误" else WARN_BG))
    widths = [w * mm for w in (24, 60, 12, 14)]
    widths.append(CONTENT_W - sum(widths))
    summary = (f"共 {len(data.checks)} 项检查，{len(data.checks) - len(failed)} 项通过，{len(failed)} 项未通过"
               + (f"（其中错误 {errors} 项，须更正后再上报）。" if errors else "。"))
    flow = [para(data.title, "h1"),
            markup(f"填报单位：{esc(data.unit_name)}　　　　检查日期：{esc(fmt_date(data.date))}", "body"),
            para(summary, "body"), Spacer(1, 2 * mm),
            table(head + rows, widths, header_rows=1, extra=extra, size=9),
            para("错误：两个数据不可能同时成立，须核实更正；提示：可能成立，请核实。", "small"),
            Spacer(1, 8 * mm),
            para("检查人：__________　　审核人：__________", "body")]
    return render(flow, A4, title=data.title, subject=data.unit_name, draft=data.draft,
                  header=data.title, header_from=2)
