"""Over the whole demo: every problem of every issued report has exactly one rectification item,
and every version prints the deadline stored on that item."""
from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter

from sqlalchemy import delete, select

from evalsite.demo import seed
from evalsite.models import EscalationLetter, RectificationEvent, RectificationItem, Report, ReportVersion
from evalsite.pdf.common import fmt_date
from evalsite.reports import workflow as S
from scoring.problems import instance_key


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_every_demo_problem_has_exactly_one_item_with_the_printed_deadline(app, session):
    with app.app_context():
        seed(session, enterprises=80)
    versions = session.scalars(select(ReportVersion).join(Report).where(
        Report.kind == "evaluation", ReportVersion.status.in_(("issued", "superseded", "revoked")))).all()
    assert len(versions) >= 20
    items = session.scalars(select(RectificationItem)).all()
    per_report = Counter((i.report_id, i.code, i.subject) for i in items)
    assert max(per_report.values()) == 1
    tracked = {(i.report_id, i.code, i.subject): i for i in items}
    several = 0
    for v in versions:
        problems = v.data["problems"]
        keys = [instance_key(p["code"], p.get("indicator")) for p in problems]
        assert len(set(keys)) == len(keys), v.report.number
        several += len(keys) - len({k[0] for k in keys})
        for p, key in zip(problems, keys):
            item = tracked[(v.report_id, *key)]
            assert p["deadline"] == item.deadline.isoformat(), (v.report.number, key)
        # the report and its item list count the same things
        assert len({(i.code, i.subject) for i in items if i.report_id == v.report_id}) >= len(keys)
    assert several > 0, "the demo should have a problem code firing on two indicators"
    for i in items:
        assert any(instance_key(p["code"], p.get("indicator")) == (i.code, i.subject)
                   for v in versions if v.report_id == i.report_id for p in v.data["problems"])


def test_a_corrected_version_prints_the_tracked_deadlines(app, session):
    with app.app_context():
        seed(session, enterprises=60)
    superseded = session.scalar(select(ReportVersion).where(ReportVersion.status == "superseded"))
    assert superseded is not None
    newer = session.get(ReportVersion, superseded.superseded_by_id)
    assert newer.issue_date > superseded.issue_date
    items = session.scalars(select(RectificationItem).where(RectificationItem.report_id == newer.report_id)).all()
    assert items
    text = _pdf_text(newer.pdf).replace(" ", "")
    for item in items:
        assert fmt_date(item.deadline) in text
    # issued two days later, the correction still prints the first version's deadlines
    first = {instance_key(p["code"], p.get("indicator")): p["deadline"] for p in superseded.data["problems"]}
    second = {instance_key(p["code"], p.get("indicator")): p["deadline"] for p in newer.data["problems"]}
    common = first.keys() & second.keys()
    assert common and all(first[k] == second[k] for k in common)
    assert newer.issue_date - superseded.issue_date == dt.timedelta(days=2)
    # a draft correction previews the same deadlines
    with app.test_request_context():
        draft = S.draft_report(session, newer.report.campaign, newer.report.enterprise, None)
        later = S.preview_data(session, draft, newer.issue_date + dt.timedelta(days=40))
    previewed = {instance_key(p["code"], p.get("indicator")): p["deadline"] for p in later["problems"]}
    assert all(previewed[k] == second[k] for k in previewed.keys() & second.keys())


def test_sync_command_adds_the_items_a_per_code_loop_left_out(app, session):
    with app.app_context():
        seed(session, enterprises=60)
    items = session.scalars(select(RectificationItem)).all()
    # as before one item per code: drop the second instance of each code (and its history)
    lettered = set(session.scalars(select(EscalationLetter.item_id)))
    revoked = set(session.scalars(select(ReportVersion.report_id).where(ReportVersion.status == "revoked")))
    seen, gone = set(), []
    for item in sorted(items, key=lambda i: i.id):  # a revoked report gets no new obligations: left alone
        if ((item.report_id, item.code) in seen and item.status == "open" and item.id not in lettered
                and item.report_id not in revoked):
            gone.append(item.id)
        seen.add((item.report_id, item.code))
    session.execute(delete(RectificationEvent).where(RectificationEvent.item_id.in_(gone)))
    session.execute(delete(RectificationItem).where(RectificationItem.id.in_(gone)))
    session.commit()
    dropped = len(gone)
    assert dropped > 0
    result = app.test_cli_runner().invoke(args=["sync-rectification-items"])
    assert result.exit_code == 0, result.output
    assert f"新建整改项 {dropped} 项" in result.output
    session.expire_all()
    assert len(session.scalars(select(RectificationItem)).all()) == len(items)
    again = app.test_cli_runner().invoke(args=["sync-rectification-items"])
    assert "新建整改项 0 项" in again.output
