"""Moving files into the store: the migration that empties the PDF columns, and ``flask storage-migrate``."""
from __future__ import annotations

import datetime as dt
import hashlib
import os

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from evalsite.db import normalise_url
from evalsite.storage import current_storage, storage_from_settings

from .test_migrations import _alembic_config, empty_database_url  # noqa: F401  (the fixture)

REVISION = "01ca9dcd2eaa"
REPORT_PDF = b"%PDF-1.4 issued report " + os.urandom(16)
LETTER_PDF = b"%PDF-1.4 issued letter " + os.urandom(16)


def _rows_before_the_move(url: str) -> None:
    """An issued report version and an issued letter whose PDFs are still in the binary columns."""
    now, today = dt.datetime(2021, 6, 1, 8), dt.date(2021, 6, 1)
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        def insert(table, **values):
            cols = ", ".join(values)
            conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({', '.join(':' + c for c in values)})"), values)

        insert("reporting_unit", id=1, code="U1", name="环翠区", kind="district", sort_order=0)
        insert("enterprise", id=1, name="测试企业", credit_code="91371000MA3C000000", unit_id=1, headcount=150,
               unionised=True, above_size=True, normally_operating=True, created_at=now, updated_at=now)
        insert("campaign", id=1, code="2021", name="2021 集中要约行动", start_date=today, end_date=today,
               target_establishment_rate=0.8, target_wage_rate=0.8, min_headcount=100, is_current=True,
               created_at=now, updated_at=now)
        insert("report", id=1, campaign_id=1, enterprise_id=1, kind="evaluation", number="WH2021-0001",
               created_at=now)
        insert("report_version", id=1, report_id=1, version=1, status="issued", data="{}", drafted_at=now,
               pdf=REPORT_PDF, sha256=hashlib.sha256(REPORT_PDF).hexdigest(), verify_code="ABCDEFGHJK", issue_date=today, issued_at=now)
        insert("rectification_item", id=1, report_id=1, campaign_id=1, enterprise_id=1, code="P1", subject="",
               severity="medium", title="未按期答复", description="", requirement="", owner="both", deadline=today,
               status="open", late=False, returned_count=0, created_at=now)
        insert("escalation_letter", id=1, item_id=1, enterprise_id=1, campaign_id=1, kind="opinion",
               status="issued", revision=2, number="威工意〔2021〕1号", number_year=2021, number_seq=1,
               addressee="测试企业", issued_at=today, response_deadline=today, pdf=LETTER_PDF)
    engine.dispose()


def test_the_migration_moves_pdfs_into_the_store_and_back(app, empty_database_url):  # noqa: F811
    cfg = _alembic_config(empty_database_url)
    before = ScriptDirectory.from_config(cfg).get_revision(REVISION).down_revision
    command.upgrade(cfg, before)
    _rows_before_the_move(empty_database_url)
    with app.app_context():  # the migration puts the bytes into this app's store
        command.upgrade(cfg, "head")
        store = current_storage()
    engine = create_engine(normalise_url(empty_database_url))
    with engine.connect() as conn:
        sha = conn.execute(text("SELECT sha256 FROM report_version WHERE id = 1")).scalar_one()
        letter_sha = conn.execute(text("SELECT pdf_sha256 FROM escalation_letter WHERE id = 1")).scalar_one()
        columns = set(conn.execute(text("SELECT * FROM report_version")).keys())
    assert sha == hashlib.sha256(REPORT_PDF).hexdigest() and store.get(sha) == REPORT_PDF
    assert store.get(letter_sha) == LETTER_PDF
    assert "pdf" not in columns
    with app.app_context():
        command.downgrade(cfg, before)
    with engine.connect() as conn:
        assert bytes(conn.execute(text("SELECT pdf FROM report_version WHERE id = 1")).scalar_one()) == REPORT_PDF
        assert bytes(conn.execute(text("SELECT pdf FROM escalation_letter WHERE id = 1")).scalar_one()) == LETTER_PDF
    engine.dispose()


def _old_evidence(session, world, upload_dir, name, data, sha=None):
    from evalsite.models import Evidence

    os.makedirs(upload_dir, exist_ok=True)
    if data is not None:
        with open(os.path.join(upload_dir, name), "wb") as fh:
            fh.write(data)
    session.add(Evidence(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, indicator="B6",
                         filename="决议.pdf", stored_name=name, size=len(data or b""),
                         sha256=sha or hashlib.sha256(data).hexdigest(), content_type="application/pdf"))


def test_storage_migrate_copies_old_uploads_once_and_reports_what_it_could_not(app, world, session, tmp_path):
    upload_dir = app.config["UPLOAD_DIR"]
    good, other = b"%PDF-1.4 old upload " + os.urandom(8), b"%PDF-1.4 second " + os.urandom(8)
    _old_evidence(session, world, upload_dir, "a1.pdf", good)
    _old_evidence(session, world, upload_dir, "a2.pdf", other)
    _old_evidence(session, world, upload_dir, "a3.pdf", good)  # the same bytes twice: one object
    session.commit()
    store = storage_from_settings(app.config)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["storage-migrate"])
    assert first.exit_code == 0, first.output
    assert "文件共 3 个：复制 2，已在存储中 1，找不到 0，内容与校验值不符 0" in first.output
    assert store.get(hashlib.sha256(good).hexdigest()) == good and store.get(hashlib.sha256(other).hexdigest()) == other

    again = runner.invoke(args=["storage-migrate"])
    assert again.exit_code == 0 and "复制 0，已在存储中 3" in again.output

    _old_evidence(session, world, upload_dir, "gone.pdf", None, sha="1" * 64)
    _old_evidence(session, world, upload_dir, "edited.pdf", b"%PDF-1.4 edited", sha="2" * 64)
    session.commit()
    broken = runner.invoke(args=["storage-migrate"])
    assert broken.exit_code == 1
    assert "找不到 1，内容与校验值不符 1" in broken.output and "evidence#" in broken.output
    assert not store.exists("2" * 64)


def test_storage_migrate_copies_issued_pdfs_from_the_old_local_folder(app, world, session, tmp_path):
    """A site moving from the local folder to S3 (or to another folder) brings its issued PDFs along."""
    from evalsite.models import ReportVersion
    from evalsite.reports import workflow
    from evalsite.storage import LocalStorage
    from tests.evalsite.test_reports_workflow import make_result

    make_result(session, world.campaign, world.ent_a)
    session.commit()
    old = tmp_path / "old-files"
    with app.test_request_context():
        from evalsite.db import db
        from evalsite.models import Campaign, Enterprise, User

        s = db.session
        v = workflow.draft_report(s, s.get(Campaign, world.campaign.id), s.get(Enterprise, world.ent_a.id),
                                  s.get(User, world.district_a.id))
        workflow.approve(s, v, s.get(User, world.city.id))
        workflow.issue(s, v, s.get(User, world.district_a.id))
        s.commit()
        pdf, key = v.pdf, v.sha256
        LocalStorage(old).put(pdf)  # the old folder holds it ...
        current_storage().delete(key)  # ... the configured store does not yet
    result = app.test_cli_runner().invoke(args=["storage-migrate", "--from-dir", str(old)])
    assert result.exit_code == 0, result.output
    assert "复制 1" in result.output
    session.expire_all()
    assert session.get(ReportVersion, v.id).pdf == pdf
