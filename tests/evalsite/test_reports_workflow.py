"""Draft → approve → issue, immutability, corrections, revocation; and the PDF's content."""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess

import pytest
from sqlalchemy import select

from evalsite.models import (DetectedProblem, EvaluationResult, RectificationItem, Report, ReportVersion)
from tests.evalsite.confirm_support import confirmed_post

TODAY = dt.date(2021, 5, 10)
PROBLEMS = [
    ("P-PROC-01", "high", "无书面要约或要约未答复", "employer", 30),
    ("P-SURV-03", "medium", "职工满意率低", "both", 60),
]


def make_result(session, campaign, ent, final=78.5, grade="良好", problems=PROBLEMS):
    """A stored evaluation result with the shape of scoring.combine.EnterpriseResult."""
    breakdown = {
        "final": final, "grade": grade, "self_total": 80.0, "external_total": 76.0, "survey_total": 12.5,
        "cap_reasons": [],
        "dimensions": [{"code": "A", "name": "协商主体", "points_max": 15, "self_points": 12, "external_points": 11,
                        "combined_points": 11.4},
                       {"code": "B", "name": "协商程序", "points_max": 30, "self_points": 25, "external_points": 22,
                        "combined_points": 23.2}],
        "indicators": [{"code": "B1", "name": "书面要约", "points_max": 5, "self_points": 5, "external_points": 0,
                        "combined_points": 2.0, "discrepancy": True, "rule_text": "有书面要约得满分"},
                       {"code": "E3", "name": "职工满意率", "points_max": 5, "combined_points": 2.5,
                        "rate_key": "satisfaction", "survey_rate": 0.62, "survey_n": 40}],
        "checks": [{"code": "K1", "name": "职代会表决人数", "status": "fail", "reason": "出席不足三分之二"}],
    }
    session.add(EvaluationResult(campaign_id=campaign.id, enterprise_id=ent.id, system_hash="x" * 64, final=final,
                                 grade=grade, self_total=80.0, external_total=76.0, survey_total=12.5,
                                 breakdown=breakdown))
    for code, sev, title, owner, days in problems:
        session.add(DetectedProblem(campaign_id=campaign.id, enterprise_id=ent.id, code=code, category="程序",
                                    severity=sev, indicator=code[-2:], title=title, description=f"{title}的事实",
                                    requirement=f"{title}的整改要求", deadline_days=days, owner=owner))
    session.commit()


@pytest.fixture
def today(app):
    app.config["TODAY"] = TODAY
    return TODAY


def district_of(world, ent):
    return world.district_b if ent.unit_id == world.unit_b.id else world.district_a


def draft_approve_issue(login_as, session, world, ent=None, issue=True):
    """Four eyes: drafted by the evaluator (or the district), approved by the city, issued by the district."""
    ent = ent or world.ent_a
    client = login_as(world.evaluator if ent is world.ent_a else district_of(world, ent))
    resp = client.post(f"/reports/enterprise/{ent.id}/draft")
    assert resp.status_code == 302, resp.data.decode()[:500]
    session.expire_all(); session.rollback()
    v = session.scalars(select(ReportVersion).join(Report).where(Report.enterprise_id == ent.id)
                        .order_by(ReportVersion.id.desc())).first()
    client = login_as(world.city)
    assert confirmed_post(client, f"/reports/versions/{v.id}/approve").status_code == 302
    if issue:
        client = login_as(district_of(world, ent))
        assert confirmed_post(client, f"/reports/versions/{v.id}/issue").status_code == 302
    session.expire_all(); session.rollback()
    return session.get(ReportVersion, v.id)


def test_issue_needs_approval_and_issued_is_immutable(app, world, session, login_as, today):
    make_result(session, world.campaign, world.ent_a)
    client = login_as(world.evaluator)
    assert client.post(f"/reports/enterprise/{world.ent_a.id}/draft").status_code == 302
    session.expire_all(); session.rollback()
    v = session.scalar(select(ReportVersion))
    assert v.status == "draft" and v.version == 1 and v.report.number == "WH-2021-0001"
    # the evaluator may not approve, the district admin of another district neither
    assert confirmed_post(client, f"/reports/versions/{v.id}/approve").status_code == 403
    assert confirmed_post(login_as(world.district_b), f"/reports/versions/{v.id}/approve").status_code == 403
    admin = login_as(world.district_a)
    resp = confirmed_post(admin, f"/reports/versions/{v.id}/issue")
    assert resp.status_code == 409 and "审核" in resp.data.decode()
    assert confirmed_post(admin, f"/reports/versions/{v.id}/approve").status_code == 302
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/issue").status_code == 302
    session.expire_all(); session.rollback()
    v = session.get(ReportVersion, v.id)
    assert v.status == "issued" and v.pdf.startswith(b"%PDF")
    assert v.sha256 == hashlib.sha256(v.pdf).hexdigest() and len(v.verify_code) >= 10
    # editing or re-issuing an issued version: 409
    assert login_as(world.evaluator).post(f"/reports/versions/{v.id}/edit", data={"remarks": "x"}).status_code == 409
    admin = login_as(world.district_a)
    assert confirmed_post(admin, f"/reports/versions/{v.id}/issue").status_code == 409
    assert confirmed_post(admin, f"/reports/versions/{v.id}/approve").status_code == 409
    # the problems became rectification items with deadlines from the issue date
    items = session.scalars(select(RectificationItem).order_by(RectificationItem.code)).all()
    assert [(i.code, i.deadline) for i in items] == [("P-PROC-01", TODAY + dt.timedelta(days=30)),
                                                    ("P-SURV-03", TODAY + dt.timedelta(days=60))]
    # the enterprise downloads the exact issued bytes
    resp = login_as(world.ent_a_union).get(f"/reports/versions/{v.id}/pdf")
    assert resp.status_code == 200 and resp.data == v.pdf
    assert "attachment" in resp.headers["Content-Disposition"]


def test_correction_supersedes_and_revoke(app, world, session, login_as, today):
    make_result(session, world.campaign, world.ent_a)
    v1 = draft_approve_issue(login_as, session, world)
    v2 = draft_approve_issue(login_as, session, world)
    session.expire_all(); session.rollback()
    v1, v2 = session.get(ReportVersion, v1.id), session.get(ReportVersion, v2.id)
    assert (v1.version, v2.version) == (1, 2)
    assert v1.status == "superseded" and v1.superseded_by_id == v2.id and v2.status == "issued"
    assert v1.report_id == v2.report_id and v1.verify_code != v2.verify_code
    assert session.scalar(select(RectificationItem.id).where(RectificationItem.code == "P-PROC-01")) is not None
    assert len(session.scalars(select(RectificationItem)).all()) == 2  # not duplicated by the new version
    admin = login_as(world.city)
    assert confirmed_post(admin, f"/reports/versions/{v2.id}/revoke", {"reason": ""}).status_code == 400
    assert confirmed_post(admin, f"/reports/versions/{v2.id}/revoke", {"reason": "评分录入错误"}).status_code == 302
    assert confirmed_post(admin, f"/reports/versions/{v1.id}/revoke", {"reason": "x"}).status_code == 409
    session.expire_all(); session.rollback()
    assert session.get(ReportVersion, v2.id).status == "revoked"


def test_enterprise_never_sees_drafts_or_other_enterprises(app, world, session, login_as, today):
    make_result(session, world.campaign, world.ent_a)
    v = draft_approve_issue(login_as, session, world, issue=False)
    assert login_as(world.ent_a_union).get(f"/reports/versions/{v.id}").status_code == 404
    assert login_as(world.ent_b_union).get(f"/reports/versions/{v.id}/pdf").status_code == 403
    assert login_as(world.evaluator_b).get(f"/reports/versions/{v.id}/pdf").status_code == 403
    assert login_as(world.district_b).get(f"/reports/versions/{v.id}/pdf").status_code == 403
    assert login_as(world.ent_a_union).get("/reports/versions/99999/pdf").status_code == 404


def test_draft_without_result_is_a_conflict(app, world, session, login_as):
    resp = login_as(world.evaluator).post(f"/reports/enterprise/{world.ent_a.id}/draft")
    assert resp.status_code == 409 and "评估结果" in resp.data.decode()


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_shows_name_score_grade_problems_and_embeds_the_font(app, world, session, login_as, today, tmp_path):
    world.ent_a.name = "<b>A&B</b>威海甲机械有限公司"
    session.commit()
    make_result(session, world.campaign, world.ent_a)
    v = draft_approve_issue(login_as, session, world)
    text = _pdftotext(v.pdf, tmp_path)
    flat = "".join(text.split())
    assert "<b>A&B</b>威海甲机械有限公司" in flat
    assert "78.5" in flat and "良好" in flat and v.verify_code in flat
    for code, _, title, _, _ in PROBLEMS:
        assert code in flat and title in flat
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True).stdout
    cjk = [line for line in fonts.splitlines() if "WQY" in line.upper() or "MICROHEI" in line.upper()]
    assert cjk and all(" yes " in line for line in cjk), fonts


def test_a_report_on_a_draft_self_assessment_says_so(app, session, world):
    from evalsite.db import db
    from evalsite.models import EvaluationResult
    from evalsite.reports.workflow import current_result

    session.add(EvaluationResult(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, system_hash="x",
                                 final=40.0, grade="不合格", self_total=30.0, survey_total=10.0, self_draft=True,
                                 breakdown={"cap_reasons": []}))
    session.commit()
    with app.app_context():
        result = current_result(db.session, world.campaign, db.session.get(type(world.ent_a), world.ent_a.id))
    assert any("自评尚未提交" in r for r in result["cap_reasons"])
