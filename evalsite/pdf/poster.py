"""A4 survey poster: enterprise name, a big QR, the short URL, the promise.

Workers decide in seconds whether to answer; the poster says how long it
takes and what is (not) collected, which is what makes people scan it.
"""
from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table

from surveys.disclosure import promise

from .charts import QRCode
from .common import ACCENT, HIGHLIGHT_BG, fmt_date, markup, esc, para, plain_style, render
from .data import PosterData

CONTENT_W = A4[0] - 36 * mm
AUDIENCE = {
    "worker": ("职工问卷", "本问卷面向本企业全体职工（含一线职工、工会工作人员和职工代表）"),
    "employer": ("企业方问卷", "本问卷面向企业经营管理人员和企业方协商代表"),
}
INSTRUCTIONS = "用手机微信扫码或在浏览器输入网址即可作答，约需3分钟"
ANONYMITY = promise(short=True)  # written from surveys.disclosure, like the privacy notice


def render_poster(data: PosterData) -> bytes:
    """Render a one-page A4 survey poster to PDF bytes."""
    title, who = AUDIENCE.get(data.audience, ("问卷调查", ""))
    qr = QRCode(data.url, size=105 * mm, error="q")
    qr.hAlign = "CENTER"
    head, _, tail = ANONYMITY.partition("；")  # break where the sentence does
    promise = Table([[markup(f"{esc(head)}；<br/>{esc(tail)}", "lead")]], colWidths=[CONTENT_W])
    promise.setStyle(plain_style([("BACKGROUND", (0, 0), (-1, -1), HIGHLIGHT_BG),
                                  ("BOX", (0, 0), (-1, -1), 0.8, ACCENT),
                                  ("TOPPADDING", (0, 0), (-1, -1), 8),
                                  ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    when = f"请于{fmt_date(data.deadline)}前完成" if data.deadline is not None else ""
    flow = [
        para(data.campaign_name, "subtitle"),
        markup(f"集体协商质效评估 · {esc(title)}", "title"),
        Spacer(1, 2 * mm),
        para(data.enterprise_name, "h1"),
        para(who, "small_c"),
        Spacer(1, 5 * mm),
        qr,
        Spacer(1, 3 * mm),
        markup(f'网址：<font size="20">{esc(data.short_url)}</font>', "lead"),
        Spacer(1, 4 * mm),
        para(INSTRUCTIONS, "lead"),
        para(when, "lead"),
        para("每人作答一次，请根据真实情况和感受填写，答案没有对错之分", "center"),
        Spacer(1, 5 * mm),
        promise,
    ]
    if data.issuing_body:
        flow += [Spacer(1, 8 * mm), para(data.issuing_body, "lead")]
    return render(flow, A4, title=f"{title} {data.enterprise_name}", subject=data.url,
                  page_numbers=False)
