"""The registry export as XLSX (openpyxl), in the import layout (the templates: ``import_templates``).

Every text cell written goes through ``neutralise`` so that a value such as
``=HYPERLINK(...)`` typed into a name never runs as a formula in Excel.
"""
from __future__ import annotations

import io
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from ..spreadsheets import neutralise
from .importer import HEADERS

EXPORT_EXTRA = ("是否正常经营", "新业态")


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_row(ws, headers) -> None:
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, header in enumerate(headers):
        ws.column_dimensions[chr(ord("A") + i)].width = max(12, len(header) * 2 + 4)


def export_rows(enterprises: Iterable) -> Iterable[list]:
    for e in enterprises:
        yield [e.name, e.credit_code, e.unit.name if e.unit else "", e.industry.name if e.industry else "",
               e.headcount, "是" if e.unionised else "否", "是" if e.above_size else "否", e.union_chair or "",
               e.union_chair_phone or "", e.hr_contact or "", e.hr_contact_phone or "", e.address or "",
               "是" if e.normally_operating else "否", "是" if e.is_new_form else "否"]


def export_workbook(enterprises: Iterable) -> bytes:
    """The registry in the import layout (re-importable), plus two read-only columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header_row(ws, list(HEADERS) + list(EXPORT_EXTRA))
    for row in export_rows(enterprises):
        ws.append([neutralise(v) for v in row])
    return _bytes(wb)
