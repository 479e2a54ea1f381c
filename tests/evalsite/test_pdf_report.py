"""The evaluation report PDF: text survives, fonts are embedded, bytes are stable."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest

from evalsite.pdf.data import (CheckLine, DimensionLine, IndicatorLine, ProblemLine, RateLine,
                               ReportData)
from evalsite.pdf.report import render_report

HOSTILE_NAME = "<b>A&B</b>"
LONG_DESC = ("经查阅协商记录与职代会材料，企业方首席代表未按规定以书面形式委托，协商会议记录仅有议程而无双方实质性磋商内容，"
             "工资调整幅度条款照抄上一年度合同文本，未结合企业经营状况与职工诉求进行测算；职工方在协商前未开展书面意见征集，"
             "部分一线岗位职工对协商议题不知情。") * 3
assert len(LONG_DESC) >= 300


def tools_or_skip(*names: str) -> None:
    """Skip when poppler is absent, unless REQUIRE_TOOLS=1 demands it."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        msg = f"poppler-utils not installed (missing {', '.join(missing)}); apt-get install poppler-utils"
        if os.environ.get("REQUIRE_TOOLS") == "1":
            pytest.fail(msg)
        pytest.skip(msg)


def pdf_text(pdf: bytes, tmp_path) -> str:
    tools_or_skip("pdftotext")
    p = tmp_path / "doc.pdf"
    p.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(p), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text without whitespace, so wrapped lines still match."""
    return "".join(text.split())


def assert_fonts_embedded(pdf: bytes, tmp_path) -> None:
    tools_or_skip("pdffonts")
    p = tmp_path / "fonts.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(p)], check=True, capture_output=True).stdout.decode()
    rows = out.splitlines()[2:]
    assert rows, out
    assert any("WenQuanYi" in r for r in rows), out
    for r in rows:
        # columns: name type [type2] encoding emb sub uni id gen; emb is 5th from the end
        assert r.split()[-5] == "yes", f"non-embedded font: {r}"


def sample_report(**over) -> ReportData:
    dims = [
        DimensionLine("A", "协商主体", 15, 13, 12, 12.4),
        DimensionLine("B", "协商程序", 30, 26, 18, 21.2),
        DimensionLine("C", "合同内容", 25, 20, 17.5, 18.5),
        DimensionLine("D", "履约情况", 15, 14, None, 14),
        DimensionLine("E", "职工满意与认可", 15, None, None, 11.3),
    ]
    inds = [IndicatorLine(f"B{i}", f"协商程序指标第{i}项：要约、应约与答复期限", 4, 4, 2 if i % 3 == 0 else 4,
                          2.8 if i % 3 == 0 else 4,
                          note="外部评估核查原始记录，发现答复超出20日法定期限，且缺少签收凭证。" * (1 + i % 2),
                          discrepancy=(i % 3 == 0)) for i in range(1, 10)]
    inds += [IndicatorLine(f"C{i}", f"合同内容指标{i}", 5, 4, 3.5, 3.7) for i in range(1, 6)]
    problems = [
        ProblemLine("P-PROC-03", "high", "协商“走过场”，无实质性磋商记录", LONG_DESC,
                    "重新组织协商并完整记录双方意见，由记录员签字确认。", dt.date(2021, 7, 20), "both"),
        ProblemLine("P-SURV-03", "medium", "职工满意率低", "满意率低于90%目标。",
                    "30日内提交改进方案，下次评估复测。", dt.date(2021, 5, 22), "worker"),
        ProblemLine("P-PROC-06", "low", "未向全体职工公示", "合同文本未公示。", "在厂务公开栏公示。",
                    dt.date(2021, 5, 22), "employer"),
    ]
    base = dict(
        campaign_name="2021年全市集体协商“集中要约”行动", enterprise_name=HOSTILE_NAME,
        credit_code="91371000MA3C5XXX1Y", region_name="威海市环翠区", report_number="WH-2021-000123",
        version=2, issue_date=dt.date(2021, 4, 22), issuing_body="威海市总工会",
        final_score=77.4, grade="合格", self_total=86, external_total=72.5, survey_total=11.3,
        cap_reasons=["关键项 B6（职代会审议）得分为 0，等级封顶为“合格”。"],
        rates=[RateLine("参与率", 0.823, 130, 0.748, 0.879), RateLine("知晓率", 0.9, 130, 0.836, 0.941),
               RateLine("满意率", 0.87, 123, 0.799, 0.918), RateLine("企业认可度", None, 3, suppressed=True)],
        dimensions=dims, indicators=inds,
        checks=[CheckLine("书面要约及20日内答复（集体合同规定第三十二条）", "fail", "答复日期超过20日。"),
                CheckLine("职代会审议通过（第三十六条）", "pass", "到会 2/3 以上，过半数通过。"),
                CheckLine("报送审查（第四十二条）", "unknown", "未上传送审回执。")],
        problems=problems, verify_url="https://eval.example.cn/v/7F3K9Q2M", verify_code="7F3K-9Q2M",
        sha_note="本报告 PDF 文件的 SHA-256 摘要登记于核验页面，可用于比对文件是否被改动。",
    )
    base.update(over)
    return ReportData(**base)


def test_report_text_contains_name_score_grade_problems_and_page_numbers(tmp_path):
    data = sample_report()
    text = pdf_text(render_report(data), tmp_path)
    f = flat(text)
    assert HOSTILE_NAME in text  # printed exactly as typed, not as bold "A&B"
    assert "77.4" in f and "合格" in f
    for p in data.problems:
        assert flat(p.title) in f
    assert "第 1 页 共" in text
    assert "样本不足" in f
    assert "7F3K-9Q2M" in f
    assert flat(LONG_DESC) in f  # the long description wraps but is complete


def test_report_fonts_are_embedded_wenquanyi(tmp_path):
    assert_fonts_embedded(render_report(sample_report()), tmp_path)


def test_report_is_deterministic():
    data = sample_report()
    assert render_report(data) == render_report(data)
    assert render_report(data) != render_report(sample_report(version=3))


def test_draft_report_carries_watermark(tmp_path):
    text = flat(pdf_text(render_report(sample_report(draft=True)), tmp_path))
    assert "草稿" in text


def test_report_without_optional_sections_renders(tmp_path):
    data = sample_report(problems=[], checks=[], indicators=[], dimensions=[], rates=[],
                         cap_reasons=[], verify_url="", final_score=None, grade="未建制")
    text = flat(pdf_text(render_report(data), tmp_path))
    assert "未发现需要整改的问题" in text and "未建制" in text


def test_register_fonts_is_idempotent_and_threadsafe():
    from concurrent.futures import ThreadPoolExecutor

    from evalsite.pdf.fonts import register_fonts
    with ThreadPoolExecutor(4) as ex:
        names = set(ex.map(lambda _: register_fonts(), range(8)))
    assert len(names) == 1


def test_missing_font_gives_a_clear_error(monkeypatch, tmp_path):
    from evalsite.pdf import fonts
    monkeypatch.setattr(fonts, "_registered", None)
    monkeypatch.setenv("EVALSITE_FONT_PATH", str(tmp_path / "nope.ttc"))
    with pytest.raises(fonts.FontMissingError, match="EVALSITE_FONT_PATH"):
        fonts.register_fonts()


def test_escaping_keeps_markup_literal():
    from evalsite.pdf.common import esc
    assert esc("<b>A&B</b>") == "&lt;b&gt;A&amp;B&lt;/b&gt;"
    assert esc(None) == "" and esc("a\nb") == "a<br/>b"


def test_small_and_insufficient_samples_are_told_apart(tmp_path):
    """Under 5 answers: not shown. 5 or more but under the minimum sample: shown, marked as not scored."""
    rates = [RateLine("职工参与率", 0.62, 23, 0.42, 0.79, suppressed=False, insufficient=True),
             RateLine("企业认可度", None, 2, suppressed=True)]
    text = flat(pdf_text(render_report(sample_report(rates=rates)), tmp_path))
    assert "62.0%" in text and "未达最低样本量，不计分" in text
    assert "不足5份，不予呈现" in text


def test_a_rate_withheld_to_protect_few_answers_is_not_called_a_small_sample(tmp_path):
    """32 answers, rate withheld so that no hidden cell of 1-4 can be derived: the report must not say "不足5份"."""
    from evalsite.reports.workflow import _rates
    from evalsite.survey_data.results import TOO_FEW, WITHHELD_TO_PROTECT, withheld_text

    rows = _rates([{"rate_key": "participation", "survey_n": 32, "survey_rate": None},
                   {"rate_key": "awareness", "survey_n": 3, "survey_rate": None}])
    assert [r["protected"] for r in rows] == [True, False] and all(r["suppressed"] for r in rows)
    text = flat(pdf_text(render_report(sample_report(rates=[RateLine(**rows[0])])), tmp_path))
    assert "为防止推算出个别人的答案，不予呈现" in text and "不足5份" not in text and "样本不足" not in text
    assert withheld_text(None, 32) == WITHHELD_TO_PROTECT and withheld_text(None, 3) == TOO_FEW
    assert withheld_text(None, None) == TOO_FEW
