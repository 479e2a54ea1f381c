"""The differencing attack on the documents: the scored report PDF and the campaign statistics.

Like ``test_survey_differencing`` for the pages and exports: as every role
that can open them, the report PDF (re-drafted with the survey figures
recomputed, as the 重新生成 button does), the statistics tables page and its
XLSX/PDF downloads are read (PDFs through pdftotext), one distinctive answer
is added, and they are read again: nothing changes and the content is
nowhere. Four more answers make a release, and the scored report moves.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

import pytest
from sqlalchemy import select

from evalsite.models import Report, ReportVersion
from evalsite.survey_data import releases
from tests.evalsite.assess_data import levels, make_assessment
from tests.evalsite.test_survey_differencing import ODD, ROLES, SECRET, answered, normalised, xlsx_text  # noqa: F401
from tests.evalsite.test_survey_disclosure import client_for
from tests.evalsite.test_survey_results import add as add_fixed

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
TABLES = ["/reports/tables", "/reports/tables/annex1.xlsx", "/reports/tables/annex1.pdf",
          "/reports/tables/annex2.xlsx", "/reports/tables/annex2.pdf", "/reports/tables/summary.pdf",
          "/reports/tables/checks.pdf"]


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(text.split())  # the words in reading order; spacing follows the widths of the figures


def body(resp, url: str) -> str:
    if resp.mimetype == "application/pdf":
        return pdf_text(resp.data)
    if url.endswith(".xlsx"):
        return xlsx_text(resp.data)
    return resp.get_data(as_text=True)


def redraft(app, session, world) -> int:
    """The evaluator re-generates the draft report with the figures recomputed; the version's id."""
    client = client_for(app, world.evaluator)
    resp = client.post(f"/reports/enterprise/{world.ent_a.id}/draft", data={"recompute": "1"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    session.expire_all()
    session.rollback()
    return session.scalars(select(ReportVersion.id).join(Report).where(Report.enterprise_id == world.ent_a.id)
                           .order_by(ReportVersion.id.desc())).first()


def snapshot(app, session, world) -> dict:
    version = redraft(app, session, world)
    out = {}
    for role in ROLES:
        client = client_for(app, world.users()[role])
        for url in [f"/reports/versions/{version}/pdf", *TABLES]:
            resp = client.get(url)
            out[(role, url.replace(str(version), "V"))] = (resp.status_code,
                                                            body(resp, url) if resp.status_code == 200 else "")
    return out


def answer(app, session, world, count):
    """``count`` answers, each followed by the check the public answer path runs once it has replied."""
    for _ in range(count):
        add_fixed(session, world, world.ent_a, 1, **ODD)
        with app.app_context():
            releases.after_answer(session, world.campaign.id, world.ent_a.id, "worker")


@pytest.fixture
def assessed(app, session, world, answered):
    campaign = world.campaign
    make_assessment(session, campaign, world.ent_a, levels("full"), confirmed=True)
    make_assessment(session, campaign, world.ent_a, levels("full"), kind="external", evaluator=world.evaluator)
    session.commit()
    with app.app_context():  # the answers so far are published (their answer path would have done it)
        releases.refresh_all(session, campaign.id)
        session.rollback()


def test_one_answer_changes_no_report_or_table_and_five_move_the_scored_report(app, session, world, assessed):
    before = snapshot(app, session, world)
    shown = {key for key, (status, _) in before.items() if status == 200}
    pdf = "/reports/versions/V/pdf"
    assert {role for role, url in shown if url == pdf} == {"evaluator", "district_a", "city"}  # drafts: staff
    assert {role for role, url in shown if url in TABLES} == {"district_a", "district_b", "city"}
    assert "问卷" in before[("city", pdf)][1]  # the survey part is printed: a test of nothing would pass too
    answer(app, session, world, 1)
    after = snapshot(app, session, world)
    for key in before:
        assert before[key][0] == after[key][0], key
        assert normalised(before[key][1]) == normalised(after[key][1]), key
        assert SECRET not in after[key][1], key
    answer(app, session, world, 4)
    released = snapshot(app, session, world)
    assert before[("city", pdf)][1] != released[("city", pdf)][1]  # the new release reaches the scored report
    assert SECRET not in released[("city", pdf)][1]
