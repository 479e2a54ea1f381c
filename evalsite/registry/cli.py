"""``flask --app evalsite import-registry FILE`` and ``import-contracts FILE`` (``--dry-run``): the web imports from a shell."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Optional

import click
from flask.cli import with_appcontext

from ..db import db, writing
from . import contract_import_service, import_service
from .import_preview import Preview
from .importer import ImportFileError


def _tally(counts: dict, noun: str, what: str = "") -> str:
    return f"新增 {counts['created']} {noun}，更新 {counts['updated']} {noun}，未变 {counts['unchanged']} {noun}{what}"


def _import_file(path: str, dry_run: bool, preview, write, name_column: str,
                 before_rows: Optional[Callable[[Preview], None]] = None) -> Preview:
    """The steps both commands share: check every row and report; unless ``--dry-run``, write it
    all in one committed transaction. Exit 1 on an unreadable file or any bad row (nothing written)."""
    data, name = Path(path).read_bytes(), Path(path).name
    try:
        with writing():
            result = preview(db.session, name, data)
            for warning in result.warnings:
                click.echo(f"提示：{warning}", err=True)
            if before_rows:
                before_rows(result)
            for row in result.bad_rows:
                click.echo(f"第{row.line}行 {row.raw.get(name_column, '')}：" + "；".join(row.errors), err=True)
            if not result.ok:
                click.echo(f"共 {len(result.bad_rows)} 行有错误，未写入任何数据。", err=True)
                sys.exit(1)
            if not dry_run:
                write(db.session, result, name)
                db.session.commit()
    except ImportFileError as exc:
        click.echo(f"文件无法导入：{exc}", err=True)
        sys.exit(1)
    return result


@click.command("import-registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查，不写入数据库")
@click.option("--accept-changes", is_flag=True, help="同时应用文件中的企业改名和迁区（否则这些企业不修改）")
@with_appcontext
def import_registry_command(path, dry_run, accept_changes):
    """Import an enterprise registry (XLSX or CSV); exit code 1 when any row is bad."""
    def ticks(result: Preview) -> None:
        if accept_changes:
            result.accepted = frozenset(r.key for r in result.needing_tick)
        for row in result.needing_tick:
            changes = "；".join(f"{c.label}：{c.old} → {c.new}" for c in row.changes if c.needs_tick)
            verdict = "将应用" if accept_changes else "未加 --accept-changes，不修改"
            click.echo(f"第{row.line}行 {row.key}：{changes}（{verdict}）", err=True)

    counts = _import_file(path, dry_run, import_service.preview, import_service.write, "企业名称", ticks).counts
    if dry_run:
        click.echo(f"检查通过（未写入）：将{_tally(counts, '家')}。")
    else:
        click.echo(f"导入完成：{_tally(counts, '家')}"
                   + (f"，{counts['held']} 家改名或迁区未应用" if counts["held"] else "") + "。")


@click.command("import-contracts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查，不写入数据库")
@with_appcontext
def import_contracts_command(path, dry_run):
    """Import enterprise collective contracts with their bargaining records (XLSX or CSV); exit 1 on any bad row."""
    counts = _import_file(path, dry_run, contract_import_service.preview, contract_import_service.write,
                          "统一社会信用代码").counts
    tally = _tally(counts, "份", "集体合同")
    click.echo(f"检查通过（未写入）：将{tally}。" if dry_run else f"导入完成：{tally}。")
