"""Answer exports (CSV with BOM, XLSX write-only), scoped, suppressed and formula-safe.

An enterprise's answers of one audience are exported only from the minimum
group size up, as on screen. Rows are ordered by the random submission key so
their order says nothing about when anybody answered.
"""
from __future__ import annotations

import csv
import io
import tempfile
from typing import Iterator

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys import load_settings

from ..models import Campaign, Enterprise, Submission
from ..models.surveys import AUDIENCES as AUDIENCE_LABELS
from ..spreadsheets import neutralise
from .surveys import definition_by_hash, pinned_definition

def _labels(session, digest: str, code: str, value):
    definition = definition_by_hash(session, digest)
    try:
        question = definition.question(code) if definition else None
    except KeyError:
        question = None
    if question is None or not question.options:
        return value
    values = value if isinstance(value, list) else [value]
    labels = [(question.option(str(v)).label if question.option(str(v)) else str(v)) for v in values]
    return "；".join(labels)


def header_and_codes(session: Session, campaign: Campaign, audience: str) -> tuple[list[str], list[str]]:
    definition = pinned_definition(session, campaign, audience)
    codes = [q.code for q in definition.questions] if definition else []
    return ["企业", "统一社会信用代码", "问卷", "问卷版本", "提交日期", *codes], codes


def rows(session: Session, campaign: Campaign, audience: str, enterprise_ids) -> Iterator[list]:
    """Export rows for enterprises (a select of ids) having at least the minimum group of answers."""
    minimum = load_settings().min_group_size
    _, codes = header_and_codes(session, campaign, audience)
    big_enough = (select(Submission.enterprise_id).where(Submission.campaign_id == campaign.id,
                                                         Submission.audience == audience,
                                                         Submission.enterprise_id.in_(enterprise_ids))
                  .group_by(Submission.enterprise_id).having(func.count() >= minimum))
    stmt = (select(Enterprise.name, Enterprise.credit_code, Submission.definition_hash, Submission.submitted_on,
                   Submission.answers)
            .join(Enterprise, Enterprise.id == Submission.enterprise_id)
            .where(Submission.campaign_id == campaign.id, Submission.audience == audience,
                   Submission.enterprise_id.in_(big_enough))
            .order_by(Enterprise.name, Submission.submission_key))
    for name, credit, digest, day, answers in session.execute(stmt.execution_options(yield_per=500)):
        answers = answers or {}
        values = [_labels(session, digest, c, answers[c]) if c in answers else "" for c in codes]
        yield [neutralise(v) for v in (name, credit, AUDIENCE_LABELS[audience], digest[:12], day.isoformat(), *values)]


def csv_chunks(header: list[str], data: Iterator[list]) -> Iterator[str]:
    """UTF-8 with BOM so Excel opens Chinese text correctly; yielded in chunks."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")
    writer.writerow([neutralise(h) for h in header])
    for count, row in enumerate(data, 1):
        writer.writerow(row)
        if count % 200 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def xlsx_file(sheets: list[tuple[str, list[str], Iterator[list]]]):
    """A write-only workbook saved to a spooled temporary file (read back in chunks)."""
    wb = Workbook(write_only=True)
    for title, header, data in sheets:
        ws = wb.create_sheet(title)
        ws.append([neutralise(h) for h in header])
        for row in data:
            ws.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out
