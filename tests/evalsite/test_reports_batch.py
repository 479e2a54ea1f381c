"""Batch rendering: CLI with a progress bar, resumable, files by credit code (the web path: test_batch_reports)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from evalsite.models import ReportVersion
from evalsite.reports import workflow as S
from tests.evalsite.test_reports_workflow import make_result, today  # noqa: F401


def _approved(app, world, session):
    for ent in (world.ent_a, world.ent_a2, world.ent_b):
        make_result(session, world.campaign, ent, problems=[])
    with app.test_request_context():
        from evalsite.db import db
        from evalsite.models import Campaign, Enterprise, User

        s = db.session
        city, district = s.get(User, world.city.id), s.get(User, world.district_a.id)
        for ent_id in (world.ent_a.id, world.ent_a2.id):
            v = S.draft_report(s, s.get(Campaign, world.campaign.id), s.get(Enterprise, ent_id), district)
            S.approve(s, v, city)
        s.commit()


def test_render_reports_cli_is_resumable(app, world, session, tmp_path, today):  # noqa: F811
    _approved(app, world, session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["render-reports", "--campaign", world.campaign.code, "--out", str(tmp_path),
                                 "--workers", "2", "--as", "district_a"])
    assert result.exit_code == 0, result.output
    assert "已出具 2 份" in result.output
    files = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert files == sorted(f"{e.credit_code}.pdf" for e in (world.ent_a, world.ent_a2))
    session.expire_all(); session.rollback()
    issued = session.scalars(select(ReportVersion).where(ReportVersion.status == "issued")).all()
    assert len(issued) == 2 and all(v.pdf == (tmp_path / f"{v.report.enterprise.credit_code}.pdf").read_bytes()
                                    for v in issued)
    # a second run (as after an interruption) adds nothing
    again = runner.invoke(args=["render-reports", "--campaign", world.campaign.code, "--as", "district_a"])
    assert again.exit_code == 0 and "已出具 0 份" in again.output
    assert session.scalar(select(func.count(ReportVersion.id))) == 2
    # --draft-all drafts the enterprise that had a result but no report, as a watermarked preview
    drafts = runner.invoke(args=["render-reports", "--draft-all", "--out", str(tmp_path / "d"), "--as", "district_a"])
    assert drafts.exit_code == 0 and "新建草稿 1 份" in drafts.output, drafts.output
    assert (tmp_path / "d" / f"{world.ent_b.credit_code}-草稿.pdf").exists()


def test_interrupted_batch_keeps_reserved_codes(app, world, session, today):  # noqa: F811
    _approved(app, world, session)
    from evalsite.reports.batch import run_batch

    with app.app_context():
        from evalsite.db import db
        from evalsite.models import Campaign

        calls = []

        def stop(done, total):
            calls.append(done)
            if done == 1:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            run_batch(db.session, db.session.get(Campaign, world.campaign.id), workers=1, progress=stop)
    session.expire_all(); session.rollback()
    states = sorted(v.status for v in session.scalars(select(ReportVersion)))
    assert states == ["approved", "issued"]
    codes = {v.id: v.verify_code for v in session.scalars(select(ReportVersion))}
    assert app.test_cli_runner().invoke(args=["render-reports", "--as", "district_a"]).exit_code == 0
    session.expire_all(); session.rollback()
    after = {v.id: (v.status, v.verify_code) for v in session.scalars(select(ReportVersion))}
    assert all(s == "issued" for s, _ in after.values()) and {k: c for k, (_, c) in after.items()} == codes
