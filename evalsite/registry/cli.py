"""``flask --app evalsite import-registry FILE`` and ``import-contracts FILE`` (``--dry-run``): the web imports from a shell."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..db import db, writing
from . import import_service
from .importer import ImportFileError


@click.command("import-registry")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查，不写入数据库")
@click.option("--accept-changes", is_flag=True, help="同时应用文件中的企业改名和迁区（否则这些企业不修改）")
@with_appcontext
def import_registry_command(path, dry_run, accept_changes):
    """Import an enterprise registry (XLSX or CSV); exit code 1 when any row is bad."""
    data = Path(path).read_bytes()
    try:
        with writing():
            result = import_service.preview(db.session, Path(path).name, data)
            if accept_changes:
                result.accepted = frozenset(r.key for r in result.needing_tick)
            for warning in result.warnings:
                click.echo(f"提示：{warning}", err=True)
            for row in result.needing_tick:
                changes = "；".join(f"{c.label}：{c.old} → {c.new}" for c in row.changes if c.needs_tick)
                verdict = "将应用" if accept_changes else "未加 --accept-changes，不修改"
                click.echo(f"第{row.line}行 {row.key}：{changes}（{verdict}）", err=True)
            for row in result.bad_rows:
                click.echo(f"第{row.line}行 {row.raw.get('企业名称', '')}：" + "；".join(row.errors), err=True)
            if not result.ok:
                click.echo(f"共 {len(result.bad_rows)} 行有错误，未写入任何数据。", err=True)
                sys.exit(1)
            counts = result.counts
            if dry_run:
                click.echo(f"检查通过（未写入）：将新增 {counts['created']} 家，更新 {counts['updated']} 家，"
                           f"未变 {counts['unchanged']} 家。")
                return
            import_service.write(db.session, result, Path(path).name)
            db.session.commit()
    except ImportFileError as exc:
        click.echo(f"文件无法导入：{exc}", err=True)
        sys.exit(1)
    click.echo(f"导入完成：新增 {counts['created']} 家，更新 {counts['updated']} 家，未变 {counts['unchanged']} 家"
               + (f"，{counts['held']} 家改名或迁区未应用" if counts["held"] else "") + "。")


@click.command("import-contracts")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="只检查，不写入数据库")
@with_appcontext
def import_contracts_command(path, dry_run):
    """Import enterprise collective contracts with their bargaining records (XLSX or CSV); exit 1 on any bad row."""
    from . import contract_import_service

    data = Path(path).read_bytes()
    try:
        with writing():
            result = contract_import_service.preview(db.session, Path(path).name, data)
            for warning in result.warnings:
                click.echo(f"提示：{warning}", err=True)
            for row in result.bad_rows:
                click.echo(f"第{row.line}行 {row.raw.get('统一社会信用代码', '')}：" + "；".join(row.errors), err=True)
            if not result.ok:
                click.echo(f"共 {len(result.bad_rows)} 行有错误，未写入任何数据。", err=True)
                sys.exit(1)
            counts = result.counts
            if dry_run:
                click.echo(f"检查通过（未写入）：将新增 {counts['created']} 份，更新 {counts['updated']} 份，"
                           f"未变 {counts['unchanged']} 份集体合同。")
                return
            contract_import_service.write(db.session, result, Path(path).name)
            db.session.commit()
    except ImportFileError as exc:
        click.echo(f"文件无法导入：{exc}", err=True)
        sys.exit(1)
    click.echo(f"导入完成：新增 {counts['created']} 份，更新 {counts['updated']} 份，未变 {counts['unchanged']} 份集体合同。")
