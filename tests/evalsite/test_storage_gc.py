"""``flask storage-gc``: only objects no row refers to and older than the grace period go, on both backends;
expired job files become unreferenced by clearing their job's key; the scratch area is swept by age alone."""
from __future__ import annotations

import datetime as dt
import os
import re
import time

import pytest

from evalsite import storage_gc
from evalsite.db import Base
from evalsite.models import FILE_KEY_COLUMNS, Evidence, Job
from evalsite.models.base import utcnow

from .store_backends import backend, scratch_of  # noqa: F401  (the fixture)

# columns named like a file key that hold something else (kept in tables, or a hash of a secret)
NOT_FILE_KEYS = {
    ("campaign", "worker_definition_hash"), ("campaign", "employer_definition_hash"),  # survey definitions
    ("campaign", "indicator_system_hash"), ("indicator_system", "hash"), ("evaluation_result", "system_hash"),
    ("assessment", "system_hash"), ("survey_definition", "hash"), ("submission", "definition_hash"),
    ("submission", "submission_key"),  # the idempotency key of an answer
    ("message", "dedupe_key"),
    ("user_account", "password_hash"), ("user_session", "token_hash"), ("ballot_code", "code_hash"),
    ("recovery_code", "code_hash"),
}
LATER = 48 * 3600


def test_every_column_named_like_a_file_key_is_declared_or_known_to_hold_something_else():
    import evalsite.models  # noqa: F401  (the whole metadata)

    named = {(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns
             if re.search(r"(^|_)(sha256|key)$|hash", c.name)}
    declared = {(c.table.name, c.name) for c in FILE_KEY_COLUMNS}
    assert named - NOT_FILE_KEYS == declared, "a column holding a stored file's key goes in models/stored_files.py"
    assert not declared & NOT_FILE_KEYS


def _evidence(session, world, key, n):
    session.add(Evidence(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, indicator="B6",
                         filename="决议.pdf", stored_name=f"gc{n}-{key[:8]}.pdf", size=1, sha256=key,
                         content_type="application/pdf"))


def _job(session, world, key, finished_days_ago=0.0, name="汇总表.zip"):
    job = Job(kind="tables", requested_by_id=world.city.id, params={}, status="finished", total=1, done=1,
              refusals=[], fingerprint="f" * 64, result_key=key, result_name=name, result_type="application/zip",
              from_cache=False, finished_at=utcnow() - dt.timedelta(days=finished_days_ago))
    session.add(job)
    return job


def gc(app, *args):
    result = app.test_cli_runner().invoke(args=["storage-gc", *args])
    return result


def later(monkeypatch, seconds=LATER):
    """Every object is ``seconds`` older than it is (the S3 server cannot be told an object is old)."""
    monkeypatch.setattr(storage_gc, "_now", lambda: time.time() + seconds)


def test_only_old_unreferenced_objects_go_and_a_key_of_two_rows_stays_until_both_are_gone(
        app, backend, world, session, monkeypatch):  # noqa: F811
    shared = backend.put(b"%PDF-1.4 evidence uploaded by two sides " + os.urandom(8))
    job_file = backend.put(b"PK zip of a job " + os.urandom(8))
    orphan = backend.put(b"%PDF-1.4 replaced evidence " + os.urandom(1000))
    _evidence(session, world, shared, 1)
    _evidence(session, world, shared, 2)
    _job(session, world, job_file)
    session.commit()

    result = gc(app)
    assert result.exit_code == 0, result.output
    assert "删除 0" in result.output and "未满 24 小时 1" in result.output and backend.exists(orphan)

    later(monkeypatch)
    result = gc(app)
    assert result.exit_code == 0, result.output
    assert "共 3 个：被引用 2" in result.output and "删除 1（1.0 KB）" in result.output
    assert not backend.exists(orphan) and backend.exists(shared) and backend.exists(job_file)

    first, second = session.query(Evidence).order_by(Evidence.id).all()
    session.delete(first)
    session.commit()
    assert gc(app).exit_code == 0 and backend.exists(shared)  # the other row still refers to it
    session.delete(second)
    session.commit()
    assert gc(app).exit_code == 0 and not backend.exists(shared) and backend.exists(job_file)


def test_a_dry_run_lists_what_would_go_and_changes_nothing(app, backend, world, session, monkeypatch):  # noqa: F811
    kept = backend.put(b"kept " + os.urandom(8))
    orphan = backend.put(b"orphan " + os.urandom(8))
    old_job_file = backend.put(b"old job file " + os.urandom(8))
    _evidence(session, world, kept, 1)
    job = _job(session, world, old_job_file, finished_days_ago=30)
    session.commit()
    later(monkeypatch)
    result = gc(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "演练" in result.output and "批量任务文件过期 1 个" in result.output and "将删除 2" in result.output
    assert orphan in result.output and old_job_file in result.output and kept not in result.output
    assert backend.exists(orphan) and backend.exists(old_job_file)
    session.expire_all()
    session.rollback()
    assert session.get(Job, job.id).result_key == old_job_file


def test_an_expired_job_file_is_forgotten_then_deleted_unless_a_recent_reuse_refers_to_it(
        app, backend, world, session, monkeypatch, login_as):  # noqa: F811
    alone = backend.put(b"a file only an old job refers to " + os.urandom(8))
    reused = backend.put(b"a file a recent reuse refers to " + os.urandom(8))
    old = _job(session, world, alone, finished_days_ago=8)
    old_source = _job(session, world, reused, finished_days_ago=8)
    recent = _job(session, world, reused, finished_days_ago=1)
    young = _job(session, world, backend.put(b"a young job's file " + os.urandom(8)), finished_days_ago=6)
    session.commit()
    later(monkeypatch)
    result = gc(app)
    assert result.exit_code == 0, result.output
    assert "批量任务文件过期 2 个（保留 7 天）" in result.output
    session.expire_all()
    session.rollback()
    assert session.get(Job, old.id).result_key is None and session.get(Job, old_source.id).result_key is None
    assert session.get(Job, recent.id).result_key == reused and session.get(Job, young.id).result_key is not None
    assert not backend.exists(alone) and backend.exists(reused)

    client = login_as(world.city)
    resp = client.get(f"/batch/jobs/{old.id}/download")
    assert resp.status_code == 410 and "已过保留期" in resp.get_data(as_text=True)
    assert "已过保留期（7 天）" in client.get(f"/batch/jobs/{old.id}").get_data(as_text=True)
    resp = client.get(f"/batch/jobs/{recent.id}/download")
    assert resp.status_code == 200 and resp.headers["ETag"] == f'"{reused}"'


def test_a_reuse_takes_no_source_about_to_expire(app, backend, world, session):  # noqa: F811
    from evalsite import jobs
    from evalsite.models import User

    key = backend.put(b"cached " + os.urandom(8))
    _job(session, world, key, finished_days_ago=7 - 0.5 / 24)  # half an hour left
    session.commit()
    with app.test_request_context():
        from evalsite.db import db

        user = db.session.get(User, world.city.id)
        assert jobs.reuse(db.session, "tables", user, {}, "f" * 64) is None
        app.config["JOB_FILE_DAYS"] = 30
        assert jobs.reuse(db.session, "tables", user, {}, "f" * 64).result_key == key


def test_the_scratch_area_is_swept_by_age_alone(app, backend, world, session, monkeypatch):  # noqa: F811
    from evalsite.registry.import_flow import MAX_AGE

    assert storage_gc.SCRATCH_HOURS * 3600 >= MAX_AGE  # a parked import stays confirmable as long as it says
    scratch = scratch_of(app)
    kept = backend.put(b"referenced " + os.urandom(8))
    _evidence(session, world, kept, 1)
    session.commit()
    parked = scratch.put(b"an import waiting for its confirmation " + os.urandom(8))
    assert gc(app).exit_code == 0 and scratch.exists(parked)
    later(monkeypatch, 25 * 3600)
    result = gc(app, "--older-than", "48")
    assert result.exit_code == 0, result.output
    assert "暂存区共 1 个：删除 1" in result.output and not scratch.exists(parked) and backend.exists(kept)


def test_with_no_row_referring_to_any_file_nothing_is_deleted_without_force(
        app, backend, monkeypatch):  # noqa: F811
    orphan = backend.put(b"left over " + os.urandom(8))
    later(monkeypatch)
    result = gc(app)
    assert result.exit_code == 1 and "--force" in result.output and backend.exists(orphan)
    assert gc(app, "--force").exit_code == 0 and not backend.exists(orphan)


@pytest.mark.parametrize("option", ["--older-than", "--scratch-older-than"])
def test_a_grace_period_under_an_hour_is_refused(app, backend, option):  # noqa: F811
    result = gc(app, option, "0.5")
    assert result.exit_code == 2
