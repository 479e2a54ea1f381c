"""The escalation letters "一函两书" (DOMAIN §6.3) laid out as 公文 (GB/T 9704-2012, 信函格式).

What applies of the standard: 发文机关标志 (red, centred) over a red double
rule, 发文字号 under it at the right, 标题 centred, 主送机关 flush left with a
full-width colon, 正文 with two-character indents and the 一、/（一）/1. levels,
附件说明, 发文机关署名 centred over the 成文日期 (in Chinese, four characters from
the right edge), the 印章 position marked over both, 附注 (contact) and the 附件
(the receipt) on its own page.

Wording lives in ``TEMPLATES`` (a plain dict: a city can pass its own). The
facts, the articles cited and the requests come from the letter itself
(``LetterData``), which the letter service composes from the problem's own
rule data and the drafter may edit before the number is given.
"""
from __future__ import annotations

from typing import Mapping

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, PageBreak, Paragraph, Spacer

from .common import DATE_BLANK, esc, fmt_date, font, render, styles as house_styles
from .data import LetterData

RED = colors.HexColor("#C00000")
BODY_PT, BODY_LEADING = 15, 27  # close to 3号 (16 pt) with 22 lines a page, for one-page letters
_INTRO = "根据《中华人民共和国工会法》《工会劳动法律监督办法》（总工办发〔2021〕9号）的有关规定，"

TEMPLATES: dict[str, dict] = {
    "reminder": {
        "title": "工会劳动法律监督提示函",
        "intro": _INTRO + "本会在开展集体协商质效评估工作中了解到，{subject}存在以下情况：",
        "basis_intro": "上述情况与下列规定的要求不符：",
        "request_intro": "现予以提示，请你单位：",
        "requests": ["对照上述规定进行自查，及时依法推进集体协商和整改工作。"],
        "deadline": "请于{deadline}前将有关情况书面反馈本会。",
        "closing": "特此函告。",
        "receipt": True,
    },
    "opinion": {
        "title": "工会劳动法律监督意见书",
        "intro": _INTRO + "经调查核实，{subject}在集体协商和集体合同工作中存在下列问题：",
        "basis_intro": "上述行为违反了下列规定：",
        "request_intro": "为维护职工合法权益，本会提出如下意见，请你单位依法予以纠正：",
        "requests": ["依法与职工方开展集体协商，按规定履行相关程序，并将整改结果告知全体职工。"],
        "deadline": ("请你单位于{deadline}前将整改情况书面答复本会。逾期不答复或拒不整改的，"
                     "本会将提请劳动行政部门依法处理。"),
        "closing": "特此函达。",
        "receipt": True,
    },
    "recommendation": {
        "title": "工会劳动法律监督建议书",
        "intro": _INTRO + "现将{subject}违反劳动法律法规、侵害职工合法权益的情况函告如下：",
        "basis_intro": "上述行为违反了下列规定：",
        "request_intro": "为此，本会建议：",
        "requests": ["依法对该单位进行调查处理，责令其限期改正。", "将调查处理结果书面告知本会。"],
        "deadline": "请于{deadline}前将立案或处理情况书面告知本会。",
        "closing": "特此建议。",
        "receipt": False,
    },
}
CN_NUM = "一二三四五六七八九十"
NUMBER_PENDING = "（文号于编号出具时生成）"


def cn(i: int) -> str:
    """1 → 一, 12 → 十二: the numbering of official letters."""
    if i <= 10:
        return CN_NUM[i - 1]
    if i < 20:
        return "十" + CN_NUM[i - 11]
    return str(i)


def _styles() -> dict[str, ParagraphStyle]:
    house_styles()  # registers the font and the Chinese line-break rules (标点禁则)
    f = font()

    def st(name, size, leading, align=TA_LEFT, color=colors.black, **kw):
        return ParagraphStyle(f"letter_{name}", fontName=f, fontSize=size, leading=leading, alignment=align,
                              textColor=color, wordWrap="CJK", **kw)

    return {
        "mark": st("mark", 26, 34, TA_CENTER, RED),
        "number": st("number", BODY_PT, BODY_LEADING, TA_LEFT),
        "title": st("title", 20, 32, TA_CENTER, spaceBefore=BODY_LEADING * 0.6, spaceAfter=BODY_LEADING * 0.6),
        "addressee": st("addressee", BODY_PT, BODY_LEADING),
        "body": st("body", BODY_PT, BODY_LEADING, firstLineIndent=2 * BODY_PT),
        "level2": st("level2", BODY_PT, BODY_LEADING, firstLineIndent=2 * BODY_PT),
        "annex_mark": st("annex_mark", BODY_PT + 1, BODY_LEADING),
        "annex_title": st("annex_title", 18, 30, TA_CENTER, spaceAfter=BODY_LEADING * 0.5),
        "note": st("note", BODY_PT, BODY_LEADING, firstLineIndent=2 * BODY_PT),
        "field": st("field", BODY_PT, BODY_LEADING * 1.3),
    }


class SealBlock(Flowable):
    """发文机关署名 centred over the 成文日期 (four characters from the right), the seal's place marked.

    GB/T 9704 puts the seal over the issuer's name and the date, the date
    four characters in from the right margin; a dashed red circle shows where
    the seal goes (the printed letter is sealed by hand).
    """

    def __init__(self, issuer: str, date_text: str, size: float = BODY_PT, leading: float = BODY_LEADING):
        super().__init__()
        self.issuer, self.date_text, self.size, self.leading = issuer, date_text, size, leading

    R = 21 * mm  # a 42 mm union seal

    def _centre_y(self) -> float:
        return self._base + 1.15 * self.leading

    def wrap(self, avail_width, avail_height):
        # the circle reaches below the date and above the name: reserve its whole height
        self._base = max(0.0, self.R - 1.15 * self.leading) + 1 * mm
        self.width = avail_width
        self.height = self._centre_y() + self.R + 1 * mm
        return self.width, self.height

    def draw(self):
        c, f = self.canv, font()
        from reportlab.pdfbase.pdfmetrics import stringWidth

        date_w = stringWidth(self.date_text, f, self.size)
        date_right = self.width - 4 * self.size
        date_left = date_right - date_w
        centre = date_left + date_w / 2
        name_w = stringWidth(self.issuer, f, self.size)
        y_date, y_name = self._base + 0.25 * self.leading, self._base + 1.25 * self.leading
        c.saveState()
        c.setFont(f, self.size)
        c.drawString(centre - name_w / 2, y_name, self.issuer)
        c.drawString(date_left, y_date, self.date_text)
        c.setStrokeColor(RED)
        c.setDash(3, 2)
        c.setLineWidth(0.8)
        c.circle(centre, self._centre_y(), self.R, stroke=1, fill=0)
        c.setFillColor(colors.Color(0.75, 0, 0, alpha=0.55))
        c.setFont(f, 8)
        c.drawCentredString(centre, self._centre_y() - self.R + 3 * mm, "印章位置")
        c.restoreState()


def _fill(text: str, data: LetterData) -> str:
    subject = "你单位" if data.kind != "recommendation" else data.enterprise_name
    return text.format(subject=subject, enterprise=data.enterprise_name, issuer=data.issuer,
                       deadline=fmt_date(data.response_deadline))


def template(kind: str, templates: Mapping[str, Mapping] | None = None) -> Mapping:
    tpl = (templates or TEMPLATES).get(kind)
    if tpl is None:
        raise ValueError(f"unknown letter kind {kind!r}; expected one of {sorted(TEMPLATES)}")
    return tpl


def outline(data: LetterData, templates: Mapping[str, Mapping] | None = None) -> list[tuple[str, str]]:
    """The letter's text as (role, plain text) lines, for the PDF and the HTML preview alike.

    Roles: mark, number, title, addressee, body, level2, annex_note.
    """
    tpl = template(data.kind, templates)
    lines = [("mark", data.issuer), ("number", data.number or NUMBER_PENDING), ("title", tpl["title"]),
             ("addressee", f"{data.addressee}："), ("body", _fill(tpl["intro"], data))]
    lines += [("body", f"{cn(i)}、{f}") for i, f in enumerate(data.facts, start=1)]
    if data.prior_notice:
        lines.append(("body", data.prior_notice))
    if data.legal_basis:
        lines.append(("body", _fill(tpl["basis_intro"], data)))
        lines += [("level2", f"（{cn(i)}）{b}") for i, b in enumerate(data.legal_basis, start=1)]
    lines.append(("body", _fill(tpl["request_intro"], data)))
    requests = list(data.requests) or list(tpl["requests"])
    lines += [("body", f"{i}. {r}") for i, r in enumerate(requests, start=1)]
    if data.response_deadline is not None:
        lines.append(("body", _fill(tpl["deadline"], data)))
    lines.append(("body", _fill(tpl["closing"], data)))
    if tpl.get("receipt"):
        lines.append(("annex_note", "附件：回执"))
    return lines


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(esc(text), style)  # every line is escaped: names and edited wording are user input


def render_letter(data: LetterData, templates: Mapping[str, Mapping] | None = None) -> bytes:
    """Render one of 提示函 / 意见书 / 建议书 to PDF bytes."""
    tpl = template(data.kind, templates)
    s = _styles()
    number_style = ParagraphStyle("letter_no_r", parent=s["number"], alignment=2)
    flow: list = []
    for role, text in outline(data, templates):
        if role == "mark":                                # 发文机关标志 over the red double rule
            flow += [_p(text, s["mark"]), Spacer(1, 2 * mm),
                     HRFlowable(width="100%", thickness=1.6, color=RED, spaceBefore=0, spaceAfter=0.8 * mm),
                     HRFlowable(width="100%", thickness=0.5, color=RED, spaceBefore=0, spaceAfter=2 * mm)]
        elif role == "number":                            # 发文字号
            flow.append(_p(text, number_style))
        elif role == "annex_note":                        # 附件说明
            flow += [Spacer(1, BODY_LEADING * 0.5), _p(text, s["body"])]
        else:                                             # 标题, 主送机关, 正文
            flow.append(_p(text, s[role]))
    number = data.number or NUMBER_PENDING
    closing = [Spacer(1, BODY_LEADING * 0.5), SealBlock(data.issuer, fmt_date(data.date))]
    if data.contact:                                       # 附注
        closing.append(_p(f"（联系人及电话：{data.contact}）", s["note"]))
    flow.append(KeepTogether(closing))
    if tpl.get("receipt"):                                 # 附件 on its own page
        flow += [PageBreak(), _p("附件", s["annex_mark"]), _p("回　执", s["annex_title"]),
                 _p(f"《{tpl['title']}》（{number}）已收到。", s["body"]),
                 Spacer(1, BODY_LEADING),
                 _p("签收单位（盖章）：________________________", s["field"]),
                 _p("签收人：________________", s["field"]),
                 _p("签收" + DATE_BLANK, s["field"])]
    return render(flow, A4, title=f"{tpl['title']} {data.number}".strip(), author=data.issuer,
                  subject=data.enterprise_name, draft=data.draft,
                  margins=(28 * mm, 26 * mm, 30 * mm, 30 * mm))
