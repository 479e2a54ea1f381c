"""The evaluation report (质效评估报告) of one enterprise.

Layout: cover with verification QR, conclusion and survey rates, dimension
table and chart, indicator details, procedure checks, problems with
rectification requirements, signature and seal area.
"""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer,
                                Table)

from .charts import QRCode, dimension_chart
from reportlab.pdfbase.pdfmetrics import stringWidth

from .common import (DASH, DATE_BLANK, HEADER_BG, HEADER_INDENT, HEADER_SIZE, HIGHLIGHT_BG, MUTED, WARN_BG,
                     esc, fit_text, fmt_date, fmt_num, fmt_pct, font, kv_table, markup, para, plain_style, render,
                     styles, table)
from .data import ReportData
from ..labels import code_ref_text
from ..survey_data.results import WITHHELD_TO_PROTECT

CONTENT_W = A4[0] - 36 * mm
SEVERITY = {"high": "严重", "critical": "严重", "medium": "一般", "low": "轻微"}
SEVERITY_COLOR = {"严重": "#B00020", "一般": "#C77700", "轻微": "#4A6A8A"}
OWNER = {"worker": "职工方", "employer": "企业方", "both": "双方", "union": "工会"}
CHECK = {"pass": ("通过", None), "fail": ("未通过", HIGHLIGHT_BG), "unknown": ("无法判定", WARN_BG)}


def severity_label(sev: str) -> str:
    return SEVERITY.get((sev or "").lower(), sev or DASH)


def owner_label(owner: str) -> str:
    return OWNER.get((owner or "").lower(), owner or DASH)


def _cover(d: ReportData) -> list:
    s = styles()
    info = [
        ("受评企业", d.enterprise_name),
        ("统一社会信用代码", d.credit_code or DASH),
        ("所属地区", d.region_name or DASH),
        ("报告编号", f"{d.report_number}（第 {d.version} 版）"),
        ("出具日期", fmt_date(d.issue_date)),
        ("出具单位", d.issuing_body),
        ("核验码", d.verify_code or DASH),
    ]
    out = [
        Spacer(1, 30 * mm),
        para(d.campaign_name, "subtitle"),
        Spacer(1, 6 * mm),
        Paragraph("集体协商质效评估报告", s["title"]),
        Spacer(1, 18 * mm),
        kv_table(info, [45 * mm, 105 * mm]),
    ]
    out[-1].hAlign = "CENTER"
    if d.verify_url:
        qr = QRCode(d.verify_url, size=32 * mm)
        qr.hAlign = "CENTER"
        out += [
            Spacer(1, 16 * mm), qr, Spacer(1, 2 * mm),
            para("扫码核验报告真伪", "small_c"),
            markup(f"核验码：{esc(d.verify_code)}", "center"),
            para(d.verify_url, "small_c"),
        ]
    out.append(PageBreak())
    return out


def _conclusion(d: ReportData, heading: str) -> list:
    out = [para(heading, "h2")]
    score = Table(
        [[markup(f"最终得分 {esc(fmt_num(d.final_score))}", "big"),
          markup(f"评估等级 {esc(d.grade or DASH)}", "big")]],
        colWidths=[CONTENT_W / 2] * 2, rowHeights=[20 * mm],
    )
    score.setStyle(plain_style([("BOX", (0, 0), (-1, -1), 0.6, MUTED), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, -1), HEADER_BG)]))
    out += [score, Spacer(1, 4 * mm)]
    parts = [[para(h, "cell_h") for h in ("自评得分", "外部评估得分", "问卷调查得分", "最终得分", "等级")],
             [para(fmt_num(v), "cell_c") for v in (d.self_total, d.external_total, d.survey_total,
                                                   d.final_score)] + [para(d.grade, "cell_c")]]
    out.append(table(parts, [CONTENT_W / 5] * 5))
    out.append(para("注：A–D 维度最终得分 = 0.4 × 自评 + 0.6 × 外部评估（两者均有时）；E 维度来自问卷调查。",
                     "small"))
    if d.cap_reasons:
        out.append(para("等级封顶原因", "h3"))
        out += [para(f"• {r}", "body") for r in d.cap_reasons]
    if d.rates:
        out.append(para("问卷调查比率（Wilson 95% 置信区间）", "h3"))
        rows = [[para(h, "cell_h") for h in ("指标", "比率", "有效样本 n", "95% 置信区间")]]
        for r in d.rates:
            if r.protected:  # from 5+ answers, withheld so that it gives no fewer than 5 away
                rows.append([para(r.label, "cell"), para("不予呈现", "cell_c"), para(str(r.n), "cell_r"),
                             para(WITHHELD_TO_PROTECT, "cell_c")])
            elif r.suppressed or r.value is None:
                rows.append([para(r.label, "cell"), para("样本不足", "cell_c"),
                             para(str(r.n) if r.n else DASH, "cell_r"), para("不足5份，不予呈现", "cell_c")])
            else:
                interval = (f"{fmt_pct(r.low)} – {fmt_pct(r.high)}"
                            if r.low is not None and r.high is not None else DASH)
                if r.insufficient:
                    interval += "（未达最低样本量，不计分）"
                rows.append([para(r.label, "cell"), para(fmt_pct(r.value), "cell_r"),
                             para(str(r.n), "cell_r"), para(interval, "cell_c")])
        out.append(table(rows, [CONTENT_W * w for w in (0.34, 0.18, 0.18, 0.30)]))
    return out


def _dimensions(d: ReportData, heading: str) -> list:
    if not d.dimensions:
        return []
    heads = ("代码", "维度", "满分", "自评", "外部评估", "最终得分")
    rows = [[para(h, "cell_h") for h in heads]]
    for x in d.dimensions:
        rows.append([para(x.code, "cell_c"), para(x.name, "cell")] +
                    [para(fmt_num(v), "cell_r") for v in
                     (x.max_points, x.self_points, x.external_points, x.final_points)])
    widths = [CONTENT_W * w for w in (0.09, 0.35, 0.12, 0.14, 0.15, 0.15)]
    # the chart sits with its table: the section moves to a new page as a whole, never the chart alone
    return [KeepTogether([para(heading, "h2"), table(rows, widths), Spacer(1, 3 * mm),
                          para("各维度得分率（得分 ÷ 满分）", "small_c"),
                          dimension_chart(d.dimensions, CONTENT_W)])]


def _indicators(d: ReportData, heading: str) -> list:
    if not d.indicators:
        return []
    heads = ("代码", "指标", "满分", "自评", "外部", "最终", "说明")
    rows = [[para(h, "cell_h") for h in heads]]
    extra = []
    for i, x in enumerate(d.indicators, start=1):
        code = f"{x.code} △" if x.discrepancy else x.code
        rows.append([para(code, "cell_c"), para(x.name, "cell")] +
                    [para(fmt_num(v), "cell_r") for v in
                     (x.max_points, x.self_points, x.external_points, x.final_points)] +
                    [para(x.note, "cell")])
        if x.discrepancy:
            extra.append(("BACKGROUND", (0, i), (-1, i), WARN_BG))
    widths = [CONTENT_W * w for w in (0.08, 0.25, 0.08, 0.08, 0.08, 0.08, 0.35)]
    out = [para(heading, "h2"), table(rows, widths, extra=extra)]
    if any(x.discrepancy for x in d.indicators):
        out.append(para("△ 自评与外部评估差异较大（单项差异达该项分值的 50% 及以上）。", "small"))
    return out


def _checks(d: ReportData, heading: str) -> list:
    if not d.checks:
        return []
    rows = [[para(h, "cell_h") for h in ("检查项", "结果", "依据 / 说明")]]
    extra = []
    for i, c in enumerate(d.checks, start=1):
        label, bg = CHECK.get(c.status, (c.status, None))
        rows.append([para(c.name, "cell"), para(label, "cell_c"), para(c.reason, "cell")])
        if bg is not None:
            extra.append(("BACKGROUND", (1, i), (1, i), bg))
    widths = [CONTENT_W * w for w in (0.36, 0.12, 0.52)]
    return [para(heading, "h2"), table(rows, widths, extra=extra)]


def _problems(d: ReportData, heading: str) -> list:
    title = para(heading, "h2")
    if not d.problems:
        return [title, para("本次评估未发现需要整改的问题。", "body")]
    out = []
    for i, p in enumerate(d.problems, start=1):
        sev = severity_label(p.severity)
        color = SEVERITY_COLOR.get(sev, "#333333")
        head = markup(f'{i}. <font color="{color}">【{esc(sev)}】</font>{esc(p.title)}<font size="8" color="#555555">{esc(code_ref_text(p.code))}</font>', "h3")
        kv = kv_table([("问题描述", p.description), ("整改要求", p.requirement),
                       ("整改期限", fmt_date(p.deadline)), ("责任方", owner_label(p.owner))],
                      [25 * mm, CONTENT_W - 25 * mm])
        block = [title, head, kv] if i == 1 else [head, kv]  # never orphan the section title
        out += [KeepTogether(block), Spacer(1, 2 * mm)]
    return out


def _remarks(d: ReportData, heading: str) -> list:
    """评估组说明: what the evaluators wrote on the version, in their own words."""
    text = (d.remarks or "").strip()
    if not text:
        return []
    paras = [para(line, "indent") for line in text.splitlines() if line.strip()]
    return [KeepTogether([para(heading, "h2"), *paras[:2]]), *paras[2:]]


def _signatures(d: ReportData, heading: str) -> list:
    cell = [[para("评估组签字：", "body"), para("审核单位盖章：", "body")],
            [Spacer(1, 22 * mm), Spacer(1, 22 * mm)],
            [para(DATE_BLANK, "body"), para(DATE_BLANK, "body")]]
    t = Table(cell, colWidths=[CONTENT_W / 2] * 2)
    t.setStyle(plain_style([("BOX", (0, 0), (-1, -1), 0.5, MUTED),
                            ("LINEAFTER", (0, 0), (0, -1), 0.5, MUTED), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out = [CondPageBreak(70 * mm), para(heading, "h2"), t, Spacer(1, 3 * mm)]
    verify = f"本报告编号 {esc(d.report_number)}，第 {d.version} 版，核验码 {esc(d.verify_code or DASH)}"
    if d.verify_url:
        verify += f"，可在 {esc(d.verify_url)} 核验"
    out.append(markup(verify + "。", "small"))
    if d.sha_note:
        out.append(para(d.sha_note, "small"))
    out.append(para("已出具的报告版本不作修改；如需更正，将出具新版本。", "small"))
    return out


SECTIONS = (("评估结论", _conclusion), ("分维度得分", _dimensions), ("指标得分明细", _indicators),
            ("协商程序合规检查", _checks), ("发现的问题与整改要求", _problems), ("评估组说明", _remarks),
            ("签字盖章", _signatures))
NUMERALS = "一二三四五六七八九十"


def running_header(name: str, number: str) -> str:
    """Enterprise name, title and report number on one line: a long name is shortened, never the number."""
    tail = f"　集体协商质效评估报告　{number}"
    room = A4[0] - 2 * HEADER_INDENT - stringWidth(tail, font(), HEADER_SIZE)
    return fit_text(name, room, HEADER_SIZE) + tail


def render_report(data: ReportData) -> bytes:
    """Render the evaluation report of one enterprise to PDF bytes (sections numbered as they appear)."""
    flow, n = _cover(data), 0
    for title, build in SECTIONS:
        part = build(data, f"{NUMERALS[n]}、{title}")  # an empty section takes no number
        if part:
            flow, n = flow + part, n + 1
    header = running_header(data.enterprise_name, data.report_number)
    return render(flow, A4, title=f"集体协商质效评估报告 {data.report_number}",
                  author=data.issuing_body, subject=data.enterprise_name,
                  header=header, header_from=2, draft=data.draft)
