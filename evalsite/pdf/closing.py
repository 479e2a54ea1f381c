"""整改情况报告: how each problem of an issued report was rectified.

It closes the loop of a report (DOMAIN §6.2): one row per problem with the
measures taken, the outcome and the acceptance date, then the overall
statement, signatures and a verification QR.
"""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer, Table

from .charts import QRCode
from .common import (DASH, DATE_BLANK, MUTED, esc, fmt_date, kv_table, markup, para, plain_style,
                     render, table)
from .data import ClosingData

CONTENT_W = A4[0] - 36 * mm


def _signatures() -> Table:
    heads = ("企业方（盖章）：", "企业工会（盖章）：", "验收单位（盖章）：")
    rows = [[para(h, "body") for h in heads], [Spacer(1, 20 * mm)] * 3,
            [para(DATE_BLANK, "small") for _ in heads]]
    t = Table(rows, colWidths=[CONTENT_W / 3] * 3)
    t.setStyle(plain_style([("BOX", (0, 0), (-1, -1), 0.5, MUTED),
                            ("LINEAFTER", (0, 0), (1, -1), 0.5, MUTED),
                            ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def render_closing(data: ClosingData) -> bytes:
    """Render the rectification report (整改情况报告) to PDF bytes."""
    flow = [para("整改情况报告", "h1")]
    if data.campaign_name:
        flow.append(para(data.campaign_name, "subtitle"))
    flow += [Spacer(1, 4 * mm), kv_table([
        ("企业名称", data.enterprise_name),
        ("原评估报告编号", data.report_number),
        ("报告日期", fmt_date(data.date)),
        ("核验码", data.verify_code or DASH),
    ], [40 * mm, CONTENT_W - 40 * mm]), Spacer(1, 4 * mm), para("一、问题整改情况", "h2")]

    if data.items:
        rows = [[para(h, "cell_h") for h in ("序号", "问题", "整改措施", "整改成效", "验收日期")]]
        for i, it in enumerate(data.items, start=1):
            problem = markup(f"{esc(it.problem_code)}<br/>{esc(it.problem_title)}", "cell")
            outcome = it.outcome + (f"\n佐证材料：{it.evidence}" if it.evidence else "")
            rows.append([para(str(i), "cell_c"), problem, para(it.measures, "cell"),
                         para(outcome, "cell"), para(fmt_date(it.accepted_date), "cell_c")])
        widths = [CONTENT_W * w for w in (0.07, 0.2, 0.33, 0.26, 0.14)]
        flow.append(table(rows, widths))
        done = sum(1 for it in data.items if it.accepted_date is not None)
        flow.append(para(f"共 {len(data.items)} 项问题，已验收 {done} 项。", "small"))
    else:
        flow.append(para("原报告未列出需要整改的问题。", "body"))

    flow += [para("二、总体结论", "h2"), para(data.final_statement, "indent"),
             CondPageBreak(60 * mm), para("三、签字盖章", "h2"), _signatures(), Spacer(1, 4 * mm)]
    if data.verify_url:
        qr = QRCode(data.verify_url, size=24 * mm)
        qr.hAlign = "LEFT"
        flow += [qr, markup(f"扫码核验：{esc(data.verify_url)}　核验码 {esc(data.verify_code)}", "small")]
    return render(flow, A4, title=f"整改情况报告 {data.report_number}",
                  author=data.issuing_body, subject=data.enterprise_name,
                  header=f"{data.enterprise_name}　整改情况报告　{data.report_number}",
                  header_from=2, draft=data.draft)
