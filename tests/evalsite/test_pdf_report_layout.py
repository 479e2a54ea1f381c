"""Report layout: running header with a long name, the chart with its table, the evaluators' remarks."""
from __future__ import annotations

import subprocess

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import select

from evalsite.models import ReportVersion
from evalsite.pdf.common import HEADER_INDENT, HEADER_SIZE, font
from evalsite.pdf.report import render_report, running_header
from tests.evalsite.confirm_support import confirmed_post
from tests.evalsite.test_pdf_report import LONG_DESC, sample_report, tools_or_skip
from tests.evalsite.test_reports_workflow import make_result, today  # noqa: F401

LONG_NAME = "威海市环翠区高新技术产业开发区精密机械制造与智能装备研发销售及技术服务集团股份有限公司第一分公司环翠区分支机构（筹建处）"[:60]
assert len(LONG_NAME) == 60


def pages(pdf: bytes, mode: str = "-layout") -> list[str]:
    tools_or_skip("pdftotext")
    out = subprocess.run(["pdftotext", mode, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode().split("\f")[:-1]


def test_a_60_character_name_is_shortened_in_the_header_and_the_number_kept():
    header = running_header(LONG_NAME, "WH-2021-000123")
    assert header.endswith("集体协商质效评估报告　WH-2021-000123") and "…" in header
    assert stringWidth(header, font(), HEADER_SIZE) <= A4[0] - 2 * HEADER_INDENT
    assert running_header("威海甲机械有限公司", "WH-2021-0001") == "威海甲机械有限公司　集体协商质效评估报告　WH-2021-0001"
    pdf = render_report(sample_report(enterprise_name=LONG_NAME))
    text = pages(pdf)
    assert len(text) >= 4
    for page in text[1:]:
        first = next(line for line in page.splitlines() if line.strip())
        assert first.split()[-1] == "WH-2021-000123" and LONG_NAME[:20] in first
    assert LONG_NAME in "".join(pages(pdf, "-raw")[0].split())   # the cover prints the whole name


def test_the_chart_sits_on_the_page_of_its_table():
    for problems in (3, 12):
        data = sample_report(problems=list(sample_report().problems) * (problems // 3),
                             cap_reasons=["关键项得分为 0。"] * 6)
        text = pages(render_report(data))
        chart = next(i for i, p in enumerate(text) if "各维度得分率" in p)
        assert "分维度得分" in text[chart] and "协商主体" in text[chart]
        # no page in the body is left mostly blank by the chart
        for p in text[1:-1]:
            assert len("".join(p.split())) > 150


def test_remarks_are_printed_in_their_own_section():
    remarks = "评估组于2021年4月10日进驻企业，查阅协商记录23份。\n企业的要约回复为事后补签。"
    text = "".join("".join(pages(render_report(sample_report(remarks=remarks)))).split())
    assert "六、评估组说明" in text and "七、签字盖章" in text
    assert "评估组于2021年4月10日进驻企业，查阅协商记录23份。" in text and "企业的要约回复为事后补签。" in text
    bare = "".join("".join(pages(render_report(sample_report()))).split())
    assert "评估组说明" not in bare and "六、签字盖章" in bare
    long = "".join("".join(pages(render_report(sample_report(remarks=LONG_DESC * 3)))).split())
    assert "".join(LONG_DESC.split()) in long


def test_the_saved_remarks_reach_the_issued_pdf(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    client = login_as(world.evaluator)
    assert client.post(f"/reports/enterprise/{world.ent_a.id}/draft").status_code == 302
    v = session.scalar(select(ReportVersion))
    resp = client.post(f"/reports/versions/{v.id}/edit", data={"remarks": "外部评估得分已复核，无误。"})
    assert resp.status_code == 302, resp.data.decode()[:300]
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/approve").status_code == 302
    assert confirmed_post(login_as(world.district_a), f"/reports/versions/{v.id}/issue").status_code == 302
    session.expire_all(); session.rollback()
    issued = session.get(ReportVersion, v.id)
    assert issued.status == "issued" and issued.remarks == "外部评估得分已复核，无误。"
    text = "".join("".join(pages(issued.pdf)).split())
    assert "评估组说明" in text and "外部评估得分已复核，无误。" in text
