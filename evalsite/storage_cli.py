"""``flask storage-migrate`` copies files kept before the file store (or in another folder) into it;
``flask storage-gc`` deletes the stored files no row refers to (the rules are in ``evalsite/storage_gc.py``).

Evidence uploaded before ``evalsite/storage.py`` lived as ``UPLOAD_DIR/<stored_name>``; a site moving from
the local folder to S3 has every object in ``STORAGE_DIR``. The command walks every row that refers to a
file (evidence, rectification evidence, issued report versions, issued letters), and for each one the
configured store lacks, copies it from the old place if its bytes still hash to the row's SHA-256.
Running it again copies nothing new (the store is keyed by that hash), so it is safe to repeat.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .storage import LocalStorage, Storage, StorageError, current_storage, sha256_hex


@dataclass
class MigrationCounts:
    copied: int = 0
    present: int = 0  # already in the store
    missing: list = field(default_factory=list)  # (what, key): found nowhere
    mismatched: list = field(default_factory=list)  # (what, key): an old file whose bytes are not the row's

    @property
    def total(self) -> int:
        return self.copied + self.present + len(self.missing) + len(self.mismatched)


def referenced_files(session) -> Iterable[tuple[str, str, Optional[str]]]:
    """(what, SHA-256, old name in UPLOAD_DIR or None) for every file a row refers to."""
    from .models import EscalationLetter, Evidence, RectificationEvidence, ReportVersion

    for model, label in ((Evidence, "evidence"), (RectificationEvidence, "rectification_evidence")):
        for row_id, key, name in session.execute(select(model.id, model.sha256, model.stored_name)
                                                 .order_by(model.id)):
            yield f"{label}#{row_id}", key, name
    for row_id, key in session.execute(select(ReportVersion.id, ReportVersion.sha256)
                                       .where(ReportVersion.sha256.is_not(None)).order_by(ReportVersion.id)):
        yield f"report_version#{row_id}", key, None
    for row_id, key in session.execute(select(EscalationLetter.id, EscalationLetter.pdf_sha256)
                                       .where(EscalationLetter.pdf_sha256.is_not(None)).order_by(EscalationLetter.id)):
        yield f"escalation_letter#{row_id}", key, None


def _old_bytes(key: str, name: Optional[str], upload_dir: Optional[Path], old_store: Optional[LocalStorage]):
    """The bytes found in the old places, or None; a name is only ever a plain file name."""
    if name and upload_dir is not None:
        path = upload_dir / os.path.basename(name)
        if path.is_file():
            return path.read_bytes()
    if old_store is not None:
        try:
            return old_store._path(key).read_bytes()
        except (FileNotFoundError, StorageError):
            return None
    return None


def migrate_files(session, storage: Storage, upload_dir: Optional[str], old_dir: Optional[str]) -> MigrationCounts:
    """Copy into ``storage`` every referenced file it lacks, from ``upload_dir`` or the folder ``old_dir``."""
    counts = MigrationCounts()
    upload = Path(upload_dir) if upload_dir else None
    old_store = LocalStorage(old_dir) if old_dir else None
    done: set[str] = set()
    for what, key, name in referenced_files(session):
        if key in done or storage.exists(key):
            counts.present += 1
            continue
        data = _old_bytes(key, name, upload, old_store)
        if data is None:
            counts.missing.append((what, key))
        elif sha256_hex(data) != key:
            counts.mismatched.append((what, key))
        else:
            storage.put(data)
            counts.copied += 1
        done.add(key)
    return counts


def _same_folder(storage: Storage, folder: str) -> bool:
    return isinstance(storage, LocalStorage) and Path(folder).resolve() == storage.root.resolve()


@click.command("storage-migrate")
@click.option("--upload-dir", default=None, help="旧的证明材料目录（默认 UPLOAD_DIR）")
@click.option("--from-dir", "from_dir", default=None,
              help="旧的本地文件存储目录（默认 STORAGE_DIR；当前存储就是它时跳过）")
@with_appcontext
def storage_migrate(upload_dir, from_dir):
    """把旧的本地文件（证明材料、本地存储中的报告与文书 PDF）复制到当前配置的文件存储；可重复运行。"""
    from .db import db

    storage = current_storage()
    upload_dir = upload_dir or current_app.config.get("UPLOAD_DIR")
    from_dir = from_dir or current_app.config.get("STORAGE_DIR")
    if from_dir and _same_folder(storage, from_dir):
        from_dir = None
    try:
        counts = migrate_files(db.session, storage, upload_dir, from_dir)
    except StorageError as exc:
        raise click.ClickException(f"文件存储无法访问：{exc}") from exc
    click.echo(f"文件共 {counts.total} 个：复制 {counts.copied}，已在存储中 {counts.present}，"
               f"找不到 {len(counts.missing)}，内容与校验值不符 {len(counts.mismatched)}")
    for what, key in counts.missing[:50]:
        click.echo(f"  找不到：{what}（{key}）")
    for what, key in counts.mismatched[:50]:
        click.echo(f"  内容与校验值不符，未复制：{what}（{key}）")
    if counts.missing or counts.mismatched:
        raise SystemExit(1)


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} 字节"


@click.command("storage-gc")
@click.option("--older-than", "older_than", type=click.FloatRange(min=1), default=24.0, show_default=True,
              help="只删除早于这么多小时写入、且没有任何记录引用的文件（上传先存文件后提交记录，故至少 1 小时）")
@click.option("--scratch-older-than", "scratch_older_than", type=click.FloatRange(min=1), default=None,
              help="暂存区（待确认的导入文件）删除早于这么多小时的文件（默认 24）")
@click.option("--job-file-days", "job_days", type=click.FloatRange(min=1), default=None,
              help="批量任务的文件在任务完成后保留的天数（默认 JOB_FILE_DAYS，7 天）")
@click.option("--dry-run", is_flag=True, help="只列出将删除的文件，不做任何修改")
@click.option("--force", is_flag=True, help="没有任何记录引用文件时也删除（空数据库或换了数据库时请勿使用）")
@with_appcontext
def storage_gc(older_than, scratch_older_than, job_days, dry_run, force):
    """删除没有任何记录引用、且已过宽限期的存储文件；过期的批量任务文件与暂存区的旧文件一并清理。"""
    from . import storage_gc as gc
    from .db import db
    from .storage import scratch_storage

    job_days = job_days or float(current_app.config.get("JOB_FILE_DAYS") or 7)
    before = gc.job_files_before(job_days)
    try:
        expired = gc.expire_job_files(db.session, before, dry_run=dry_run)
        db.session.commit()  # a command, not a request: the expired keys are forgotten before their files go
        referenced = gc.referenced_keys(db.session, jobs_expiring_before=before if dry_run else None)
        db.session.rollback()  # ends the read
        kept = gc.collect(current_storage(), referenced, older_than, dry_run=dry_run, force=force)
        scratch = gc.collect(scratch_storage(), set(), scratch_older_than or gc.SCRATCH_HOURS,
                             dry_run=dry_run, force=True)
    except gc.NothingReferenced as exc:
        raise click.ClickException(str(exc)) from exc
    except StorageError as exc:
        raise click.ClickException(f"文件存储无法访问：{exc}") from exc
    verb = "将删除" if dry_run else "删除"
    click.echo(f"{'（演练，未做任何修改）' if dry_run else ''}批量任务文件过期 {expired} 个（保留 {job_days:g} 天）")
    click.echo(f"文件存储共 {kept.objects} 个：被引用 {kept.referenced}，未引用但未满 {older_than:g} 小时 {kept.young}，"
               f"{verb} {kept.deleted}（{_size(kept.freed)}）")
    click.echo(f"暂存区共 {scratch.objects} 个：{verb} {scratch.deleted}（{_size(scratch.freed)}）")
    if dry_run:
        for key, size in kept.keys:
            click.echo(f"  {verb}：{key}（{_size(size)}）")
        for key, size in scratch.keys:
            click.echo(f"  {verb}（暂存区）：{key}（{_size(size)}）")
        if kept.deleted > len(kept.keys) or scratch.deleted > len(scratch.keys):
            click.echo(f"  …… 只列出前 {gc.KEYS_LISTED} 个")


def register_cli(app) -> None:
    app.cli.add_command(storage_migrate)
    app.cli.add_command(storage_gc)
