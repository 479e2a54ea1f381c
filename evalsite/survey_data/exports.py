"""De-identified row-level exports for administrators: CSV (BOM), XLSX, SPSS .sav, Stata .dta.

Only published answers (``Submission.release_no`` set) are exported, so a
download moves only with a release, like every page. The table itself comes
from ``surveys.deidentify``: no date, no id, rows in an order independent of
time, k-anonymous background answers within each enterprise, enterprises
below the minimum left out, free text on its own sheet (XLSX only) carrying
nothing but the enterprise. Text cells are neutralised against spreadsheet
formulas.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import defaultdict

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.deidentify import Table, deidentify

from ..models import Campaign, Enterprise, Submission
from ..models.surveys import AUDIENCES as AUDIENCE_LABELS
from ..spreadsheets import neutralise
from .store import pinned_definition


def published_groups(session: Session, campaign: Campaign, audience: str, enterprise_ids) -> dict[str, list]:
    """Enterprise name → its published answer sets (the names made unique with the credit code if needed)."""
    stmt = (select(Enterprise.id, Enterprise.name, Enterprise.credit_code, Submission.answers)
            .join(Enterprise, Enterprise.id == Submission.enterprise_id)
            .where(Submission.campaign_id == campaign.id, Submission.audience == audience,
                   Submission.release_no.is_not(None), Submission.enterprise_id.in_(enterprise_ids)))
    by_id: dict = defaultdict(list)
    names: dict = {}
    for eid, name, credit, answers in session.execute(stmt.execution_options(yield_per=1000)):
        by_id[eid].append(answers or {})
        names[eid] = (name, credit)
    taken = defaultdict(int)
    for name, _ in names.values():
        taken[name] += 1
    return {(name if taken[name] == 1 else f"{name}（{credit}）"): by_id[eid] for eid, (name, credit) in names.items()}


def build(session: Session, campaign: Campaign, audience: str, enterprise_ids, grant) -> Table | None:
    """The de-identified table of one questionnaire (None without a pinned definition)."""
    definition = pinned_definition(session, campaign, audience)
    if definition is None:
        return None
    groups = published_groups(session, campaign, audience, enterprise_ids)
    return deidentify(definition, groups, k=grant.k, min_group=grant.min_cell, min_text=grant.min_text)


def header(table: Table) -> list[str]:
    return [c.label for c in table.columns]


def csv_text(table: Table) -> str:
    """UTF-8 with BOM so Excel opens Chinese text correctly."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf)
    writer.writerow([neutralise(h) for h in header(table)])
    for row in table.labelled():
        writer.writerow([neutralise(v) for v in row])
    return buf.getvalue()


NOTE = ("本文件为去标识化数据，仅供统计分析：不含提交日期、编号和问卷版本；行的顺序与提交顺序无关；"
        "每家企业内背景信息（岗位、工龄、用工形式、会员身份等）的每种组合至少{k}份，否则已合并或不显示；"
        "答卷不足{m}份的企业未导出；意见原文单独成表，无法与答卷对应。下载已记入操作日志。")


def xlsx_file(tables: dict, grant):
    """A write-only workbook (rows per questionnaire, free text apart, a note) in a spooled temporary file."""
    wb = Workbook(write_only=True)
    note = wb.create_sheet("说明")
    note.append([NOTE.format(k=grant.k, m=grant.min_cell)])
    for audience, table in tables.items():
        if table is None:
            continue
        ws = wb.create_sheet(AUDIENCE_LABELS[audience])
        ws.append([neutralise(h) for h in header(table)])
        for row in table.labelled():
            ws.append([neutralise(v) for v in row])
        texts = wb.create_sheet(AUDIENCE_LABELS[audience] + "意见原文")
        texts.append(["企业", "题目", "意见原文"])
        for enterprise, code, text in table.comments:
            texts.append([neutralise(enterprise), code, neutralise(text)])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out


def _frame(table: Table):
    import pandas as pd

    data = {c.name: [row[i] for row in table.rows] for i, c in enumerate(table.columns)}
    frame = pd.DataFrame(data, columns=[c.name for c in table.columns])
    for c in table.columns[1:]:
        frame[c.name] = pd.to_numeric(frame[c.name], errors="coerce").astype("float64")
    labels = {c.name: {float(k): v for k, v in c.value_labels.items()} for c in table.columns if c.value_labels}
    return frame, [c.label for c in table.columns], labels


def statistics_file(table: Table, kind: str) -> bytes:
    """SPSS (``sav``) or Stata (``dta``) bytes with variable and value labels, via pyreadstat."""
    import pyreadstat

    frame, column_labels, value_labels = _frame(table)
    fd, path = tempfile.mkstemp(suffix="." + kind)
    os.close(fd)
    try:
        if kind == "sav":
            pyreadstat.write_sav(frame, path, column_labels=column_labels, variable_value_labels=value_labels)
        else:
            pyreadstat.write_dta(frame, path, column_labels=[label[:80] for label in column_labels],
                                 variable_value_labels={k: {int(c): v[:80] for c, v in labels.items()}
                                                        for k, labels in value_labels.items()})
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)
