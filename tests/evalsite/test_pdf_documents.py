"""The other PDF documents: closing report, letters, annex tables, summary, poster, ballots."""
from __future__ import annotations

import datetime as dt

import pytest

from evalsite.pdf import (render_annex1, render_annex2, render_ballots, render_closing, render_letter,
                          render_poster, render_summary)
from evalsite.pdf.data import (Annex1Data, Annex2Data, BallotSheetData, ClosingData, ClosingItem,
                               LetterData, PosterData, SummaryData, SummarySection)
from evalsite.pdf.poster import ANONYMITY
from evalsite.pdf.tables import header_rows

from .test_pdf_report import HOSTILE_NAME, LONG_DESC, assert_fonts_embedded, flat, pdf_text

D = dt.date(2021, 4, 20)

ANNEX1_COLUMNS = [
    ("填报单位", ""), ("已建会企业数", ""), ("其中：规模（限额）以上已建会企业数", ""),
    ("发出要约企业数", ""), ("书面回应企业数", ""), ("行业性集体合同", "份数"), ("行业性集体合同", "覆盖企业数"),
    ("区域性集体合同", "份数"), ("区域性集体合同", "覆盖企业数"), ("有效期内已建制企业数", ""),
    ("建制率", ""), ("规上工资专项建制率", ""), ("备注", ""),
]
UNITS = ["环翠区", "文登区", "荣成市", "乳山市", "火炬高技术产业开发区", "经济技术开发区", "临港经济技术开发区",
         "南海新区", "综合保税区", "市直产业工会", "市直企业工会"]


def annex1(**over) -> Annex1Data:
    rows = []
    for i, u in enumerate(UNITS * 4):  # long enough to need a second page
        rows.append([u, 300 + i, 120 + i, 200, 180, 3, 45, 2, 30, 230 + i,
                     f"{(230 + i) / (300 + i) * 100:.1f}%", "91.2%" if i % 2 else "85.0%", ""])
    base = dict(title="2021年全市集体协商“集中要约”行动情况统计表", unit_name="威海市总工会", date=D,
                columns=ANNEX1_COLUMNS, rows=rows,
                total_row=["合计", 13000, 5300, 8800, 7920, 132, 1980, 88, 1320, 10500, "80.8%", "88.0%", ""],
                highlight=frozenset((i, 11) for i in range(0, len(rows), 2)),
                notes=["建制率 = 有效期内已建制企业数 ÷ 已建会企业数，目标 ≥ 80%。"])
    base.update(over)
    return Annex1Data(**base)


def test_annex1_has_headings_total_row_and_repeats_header(tmp_path):
    pdf = render_annex1(annex1())
    text = pdf_text(pdf, tmp_path)
    f = flat(text)
    assert "行业性集体合同" in f and "覆盖企业数" in f and "规上工资专项建制率" in f
    assert "合计" in f and "13000" in f and "80.8%" in f
    assert "第 2 页 共" in text
    # the header is repeated: the heading appears on every page
    assert f.count("有效期内已建制企业数") >= 2
    assert_fonts_embedded(pdf, tmp_path)


def test_header_rows_span_shared_headings():
    rows, spans = header_rows([("A", ""), ("B", "x"), ("B", "y"), ("C", "")])
    assert len(rows) == 2
    assert ("SPAN", (1, 0), (2, 0)) in spans
    assert ("SPAN", (0, 0), (0, 1)) in spans and ("SPAN", (3, 0), (3, 1)) in spans


def test_annex2_landscape_with_text_columns(tmp_path):
    cols = [("序号", ""), ("所属区市", ""), ("行业名称", ""), ("合同名称", ""), ("签订日期", ""),
            ("覆盖职工人数", "合计"), ("覆盖职工人数", "其中新就业形态"), ("行业最低工资标准（元/月）", ""),
            ("计件单价 / 派送费", ""), ("备注", "")]
    rows = [[1, "环翠区", "快递", "环翠区快递行业工资专项集体合同", "2021-04-10", 1200, 1100, 2100, "1.0元/件", ""],
            [2, "荣成市", "外卖配送", "荣成市外卖配送行业集体合同", "2021-04-12", 800, 800, 1900, "—", "低于标准"]]
    data = Annex2Data(title="新业态行业集体合同（工资专项集体合同）签订情况统计表", unit_name=HOSTILE_NAME,
                      date=D, columns=cols, rows=rows, total_row=["合计", "", "", "", "", 2000, 1900, "", "", ""],
                      highlight=frozenset({(1, 7)}))
    pdf = render_annex2(data)
    f = flat(pdf_text(pdf, tmp_path))
    assert "新业态行业集体合同" in f and "计件单价" in f and "合计" in f and HOSTILE_NAME in f
    assert render_annex2(data) == pdf


@pytest.mark.parametrize("kind,title", [("reminder", "工会劳动法律监督提示函"),
                                        ("opinion", "工会劳动法律监督意见书"),
                                        ("recommendation", "工会劳动法律监督建议书")])
def test_letters_have_title_law_and_escaped_names(kind, title, tmp_path):
    from scoring.laws import default_laws

    basis = [a.quoted for a in default_laws().cite(["集体合同规定 32", "劳动合同法 51"])]
    data = LetterData(kind=kind, number="威工监〔2021〕3号",
                      addressee="威海市人力资源和社会保障局" if kind == "recommendation" else HOSTILE_NAME,
                      enterprise_name=HOSTILE_NAME, issuer="威海市总工会", date=D,
                      facts=["收到书面要约后超过20日未予书面回应。", LONG_DESC], legal_basis=basis,
                      response_deadline=dt.date(2021, 5, 12), contact="王主任 0631-5200000",
                      prior_notice="本会已于2021年4月1日发出《工会劳动法律监督意见书》，该单位逾期未予整改。"
                      if kind == "recommendation" else "")
    pdf = render_letter(data)
    f = flat(pdf_text(pdf, tmp_path))
    assert title in f and HOSTILE_NAME in f
    assert "工会劳动法律监督办法" in f and "集体合同规定》第三十二条" in f and "劳动合同法》第五十一条" in f
    assert "2021年5月12日" in f
    # GB/T 9704 elements: 发文机关标志, 发文字号, 主送机关, 落款, 成文日期 in Chinese, 印章位置, 附注
    assert f.count("威海市总工会") >= 2 and "威工监〔2021〕3号" in f and "印章位置" in f
    assert f"{D.year}年{D.month}月{D.day}日" in f and "联系人及电话：王主任" in f
    assert ("附件：回执" in f) == (kind != "recommendation")
    assert_fonts_embedded(pdf, tmp_path)


def test_letter_draft_has_no_number_and_says_so(tmp_path):
    data = LetterData(kind="opinion", number="", addressee="某公司", enterprise_name="某公司", issuer="威海市总工会",
                      date=D, facts=["事实。"], draft=True)
    f = flat(pdf_text(render_letter(data), tmp_path))
    assert "文号于编号出具时生成" in f and "草稿" in f


def test_letter_rejects_unknown_kind():
    with pytest.raises(ValueError):
        render_letter(LetterData(kind="warning", number="1", addressee="x", enterprise_name="x",
                                 issuer="x", date=D, facts=[]))


def test_closing_report(tmp_path):
    data = ClosingData(enterprise_name=HOSTILE_NAME, report_number="WH-2021-000123", items=[
        ClosingItem("P-PROC-03", "协商“走过场”", "重新组织协商，记录员签字。", "已形成完整协商记录。", D, "会议纪要"),
        ClosingItem("P-SURV-03", "职工满意率低", LONG_DESC, "改进方案已提交。", None),
    ], final_statement="经复查，上述问题已基本整改到位。", verify_url="https://eval.example.cn/v/7F3K9Q2M",
        verify_code="7F3K-9Q2M", campaign_name="2021年全市集体协商“集中要约”行动", date=D)
    pdf = render_closing(data)
    text = pdf_text(pdf, tmp_path)
    f = flat(text)
    assert "整改情况报告" in f and HOSTILE_NAME in f and "协商“走过场”" in f and "已验收1项" in f
    assert "第 1 页 共" in text
    assert_fonts_embedded(pdf, tmp_path)
    assert render_closing(data) == pdf


def test_summary(tmp_path):
    data = SummaryData(campaign_name="2021年全市集体协商“集中要约”行动", period="2021年3月—4月",
                       key_figures=[("建制率", "80.8%"), ("规上工资专项建制率", "88.0%"), ("发出要约", "8800家"),
                                    ("新业态行业合同", "12份")],
                       paragraphs=["今年以来，全市各级工会……" + LONG_DESC],
                       sections=[SummarySection("二、存在的问题", ["部分企业协商“走过场”。"])],
                       issuing_body="威海市总工会", date=D)
    pdf = render_summary(data)
    f = flat(pdf_text(pdf, tmp_path))
    assert "80.8%" in f and "规上工资专项建制率" in f and "存在的问题" in f and "工作总结" in f
    assert_fonts_embedded(pdf, tmp_path)


@pytest.mark.parametrize("audience", ["worker", "employer"])
def test_poster_has_short_url_instructions_and_anonymity(audience, tmp_path):
    data = PosterData(enterprise_name=HOSTILE_NAME, audience=audience,
                      url="https://eval.example.cn/s/k3J9xQ2mP7aZ", short_url="eval.example.cn/s/k3J9",
                      campaign_name="2021年全市集体协商“集中要约”行动", deadline=dt.date(2021, 4, 15))
    pdf = render_poster(data)
    text = pdf_text(pdf, tmp_path)
    f = flat(text)
    assert "eval.example.cn/s/k3J9" in f and HOSTILE_NAME in f
    assert flat(ANONYMITY) in f
    assert "匿名填写：不收集姓名、手机号、IP地址；本企业只能看到不少于5人的汇总结果，看不到任何一份答卷" in f
    assert "约需3分钟" in f
    assert text.count("\f") == 1  # one page
    assert_fonts_embedded(pdf, tmp_path)


def test_ballots_print_every_code_and_the_url(tmp_path):
    codes = [f"K{i:03d}-7QX{i % 10}" for i in range(40)]
    pdf = render_ballots(BallotSheetData(enterprise_name=HOSTILE_NAME, url="https://eval.example.cn/s/k3J9",
                                         codes=codes, audience="worker"))
    text = pdf_text(pdf, tmp_path)
    f = flat(text)
    assert all(c in f for c in codes)
    assert f.count("https://eval.example.cn/s/k3J9") >= len(codes)
    assert "第 2 页 共 2 页" in text
    assert_fonts_embedded(pdf, tmp_path)
