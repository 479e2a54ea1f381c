"""``flask import-registry FILE [--dry-run]``: same checks as the web import, exit codes."""
from __future__ import annotations

from sqlalchemy import func, select

from evalsite.models import Enterprise
from tests.evalsite.test_registry_helpers import csv_bytes, fresh, good_row, xlsx_bytes


def _count(session):
    fresh(session)
    return session.scalar(select(func.count()).select_from(Enterprise))


def test_bad_rows_exit_1_and_write_nothing(app, world, session, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes([good_row(1), ["", good_row(2)[1], "火星区", "制造业", "abc", "是", "是"]]))
    result = app.test_cli_runner().invoke(args=["import-registry", str(path)])
    assert result.exit_code == 1
    assert "第3行" in result.output and "企业名称不能为空" in result.output and "火星区" in result.output
    assert "职工人数应为正整数" in result.output and "未写入任何数据" in result.output
    assert _count(session) == 3


def test_dry_run_then_import_then_reimport(app, world, session, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes(csv_bytes([good_row(11), good_row(12)], "gb18030"))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-registry", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "将新增 2 家" in dry.output
    assert _count(session) == 3
    done = runner.invoke(args=["import-registry", str(path)])
    assert done.exit_code == 0 and "新增 2 家，更新 0 家，未变 0 家" in done.output
    assert _count(session) == 5
    again = runner.invoke(args=["import-registry", str(path)])
    assert again.exit_code == 0 and "新增 0 家，更新 0 家，未变 2 家" in again.output


def test_unreadable_file_exit_1(app, world, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.4")
    result = app.test_cli_runner().invoke(args=["import-registry", str(path)])
    assert result.exit_code == 1 and "只支持 .xlsx 或 .csv 文件" in result.output


def test_renames_and_moves_need_accept_changes(app, world, session, tmp_path):
    path = tmp_path / "move.csv"
    path.write_bytes(csv_bytes([["威海甲机械集团有限公司", world.ent_a.credit_code, "文登区", "制造业", 320, "是", "是"]]))
    runner = app.test_cli_runner()
    held = runner.invoke(args=["import-registry", str(path)])
    assert held.exit_code == 0 and "所属区市：环翠区 → 文登区" in held.output and "1 家改名或迁区未应用" in held.output
    fresh(session)
    assert session.get(Enterprise, world.ent_a.id).unit_id == world.unit_a.id
    done = runner.invoke(args=["import-registry", str(path), "--accept-changes"])
    assert done.exit_code == 0 and "更新 1 家" in done.output
    fresh(session)
    assert session.get(Enterprise, world.ent_a.id).unit_id == world.unit_b.id
