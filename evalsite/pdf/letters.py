"""The escalation letters "一函两书" (DOMAIN §6.3) from templates kept as data.

Wording lives in ``TEMPLATES`` (a plain dict: a city can pass its own, e.g.
loaded from YAML, to ``render_letter``) so legal phrasing changes without
touching layout code. Placeholders: {enterprise}, {deadline}, {issuer}.
"""
from __future__ import annotations

from typing import Mapping

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, Spacer

from .common import DATE_BLANK, esc, fmt_date, markup, para, render
from .data import LetterData

_INTRO = "根据《中华人民共和国工会法》《工会劳动法律监督办法》（总工办发〔2021〕9号）的规定，"
_LCL_51 = ("《中华人民共和国劳动合同法》第五十一条：企业职工一方与用人单位通过平等协商，可以就劳动报酬、"
           "工作时间、休息休假、劳动安全卫生、保险福利等事项订立集体合同。")
_LCL_56 = ("《中华人民共和国劳动合同法》第五十六条：用人单位违反集体合同，侵犯职工劳动权益的，工会可以依法"
           "要求用人单位承担责任。")
_CCR_32 = ("《集体合同规定》第三十二条：一方提出进行集体协商要求的，另一方应当在收到集体协商要求之日起20日内"
           "以书面形式给予回应，无正当理由不得拒绝进行集体协商。")
_SD = "《山东省企业工资集体协商条例》的有关规定。"

TEMPLATES: dict[str, dict] = {
    "reminder": {
        "title": "工会劳动法律监督提示函",
        "intro": _INTRO + "本会在开展集体协商质效评估工作中了解到，{enterprise}存在以下情况：",
        "basis_intro": "上述情况与下列规定的要求不符：",
        "basis": [_LCL_51, _CCR_32, _SD],
        "request_intro": "现予以提示，请你单位：",
        "requests": ["对照上述规定进行自查，及时启动或依法推进集体协商；"],
        "deadline": "请于{deadline}前将有关情况书面反馈本会。",
        "closing": "特此函告。",
        "receipt": True,
    },
    "opinion": {
        "title": "工会劳动法律监督意见书",
        "intro": _INTRO + "经调查核实，{enterprise}在集体协商和集体合同工作中存在下列问题：",
        "basis_intro": "上述行为违反了下列规定：",
        "basis": [_LCL_51, _LCL_56, _CCR_32, _SD],
        "request_intro": "为维护职工合法权益，本会提出如下意见，请你单位依法予以纠正：",
        "requests": ["依法与职工方开展集体协商，并按规定履行职代会审议、报送审查等程序；"],
        "deadline": ("请你单位于{deadline}前将整改情况书面答复本会。逾期不答复或拒不整改的，"
                     "本会将提请劳动行政部门依法处理。"),
        "closing": "特此函达。",
        "receipt": True,
    },
    "recommendation": {
        "title": "工会劳动法律监督建议书",
        "intro": _INTRO + "现将{enterprise}违反劳动法律法规、侵害职工合法权益的情况函告如下：",
        "basis_intro": "上述行为违反了下列规定：",
        "basis": [_LCL_51, _LCL_56, _CCR_32, _SD],
        "request_intro": "为此，本会建议：",
        "requests": ["依法对该单位进行调查处理，责令其限期改正；", "将调查处理结果书面告知本会。"],
        "deadline": "请于{deadline}前将立案或处理情况书面告知本会。",
        "closing": "特此建议。",
        "receipt": False,
    },
}
CN_NUM = "一二三四五六七八九十"


def cn(i: int) -> str:
    """1 → 一, 12 → 十二: the numbering of official letters."""
    if i <= 10:
        return CN_NUM[i - 1]
    if i < 20:
        return "十" + CN_NUM[i - 11]
    return str(i)


def _fill(text: str, data: LetterData) -> str:
    # the template is ours; the values are user input and are escaped
    return esc(text).format(enterprise=esc(data.enterprise_name), issuer=esc(data.issuer),
                            deadline=esc(fmt_date(data.response_deadline)))


def render_letter(data: LetterData, templates: Mapping[str, Mapping] | None = None) -> bytes:
    """Render one of 提示函 / 意见书 / 建议书 to PDF bytes."""
    tpl = (templates or TEMPLATES).get(data.kind)
    if tpl is None:
        raise ValueError(f"unknown letter kind {data.kind!r}; expected one of {sorted(TEMPLATES)}")
    red = colors.HexColor("#C00000")
    flow = [
        markup(f'<font color="#C00000">{esc(data.issuer)}</font>', "title"),
        HRFlowable(width="100%", thickness=1.6, color=red, spaceBefore=2, spaceAfter=6),
        para(data.number, "right"),
        Spacer(1, 4 * mm),
        para(f"《{tpl['title']}》", "h1"),
        para(f"{data.addressee}：", "body"),
        markup(_fill(tpl["intro"], data), "indent"),
    ]
    flow += [para(f"{cn(i)}、{f}", "indent") for i, f in enumerate(data.facts, start=1)]
    if data.prior_notice:
        flow.append(para(data.prior_notice, "indent"))
    flow.append(markup(_fill(tpl["basis_intro"], data), "indent"))
    basis = list(data.legal_basis) or list(tpl["basis"])
    flow += [para(f"（{cn(i)}）{b}", "indent") for i, b in enumerate(basis, start=1)]
    flow.append(markup(_fill(tpl["request_intro"], data), "indent"))
    requests = list(data.requests) or list(tpl["requests"])
    flow += [para(f"{i}. {r}", "indent") for i, r in enumerate(requests, start=1)]
    if data.response_deadline is not None:
        flow.append(markup(_fill(tpl["deadline"], data), "indent"))
    flow.append(markup(_fill(tpl["closing"], data), "indent"))
    if data.contact:
        flow.append(para(f"联系人及电话：{data.contact}", "indent"))
    flow += [Spacer(1, 12 * mm), para(f"{data.issuer}（盖章）", "right"), para(fmt_date(data.date), "right")]
    if tpl.get("receipt"):
        flow += [Spacer(1, 10 * mm), KeepTogether([
            HRFlowable(width="100%", thickness=0.5, color=colors.grey, dash=(3, 2), spaceAfter=4),
            para(f"回执（《{tpl['title']}》{data.number}）", "h3"),
            para("签收单位（盖章）：________________　签收人：__________", "body"),
            para("签收" + DATE_BLANK, "body")])]
    return render(flow, A4, title=f"{tpl['title']} {data.number}", author=data.issuer,
                  subject=data.enterprise_name, draft=data.draft,
                  margins=(25 * mm, 25 * mm, 22 * mm, 22 * mm))
