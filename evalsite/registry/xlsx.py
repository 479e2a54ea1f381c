"""The import template and the registry export as XLSX (openpyxl).

Every text cell written goes through ``neutralise`` so that a value such as
``=HYPERLINK(...)`` typed into a name never runs as a formula in Excel.
"""
from __future__ import annotations

import io
from typing import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

from ..spreadsheets import neutralise
from .importer import HEADERS, REQUIRED

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


def corrections_workbook(rows) -> bytes:
    """Every row of an import with a first column 错误说明, bad rows in red: fix in Excel, upload again."""
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor="FDECEC")
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header_row(ws, ("错误说明", *HEADERS))
    ws.column_dimensions["A"].width = 48
    for row in rows:
        ws.append([neutralise(v) for v in ("；".join(row.errors), *(row.raw.get(h, "") for h in HEADERS))])
        if row.errors:
            for cell in ws[ws.max_row]:
                cell.fill = red
    ws.freeze_panes = "C2"
    return _bytes(wb)


def template_workbook(unit_names: list[str], industry_names: list[str]) -> bytes:
    """Headers, one example row and an instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业名录"
    _header_row(ws, HEADERS)
    ws.append(["威海示例机械有限公司", "913710024JURQ28301", unit_names[0] if unit_names else "环翠区",
               industry_names[0] if industry_names else "制造业", 150, "是", "是", "张三", "0631-5201234",
               "李四", "13806301234", "威海市环翠区示例路1号"])
    ws["B2"].number_format = "@"
    help_ws = wb.create_sheet("填写说明")
    lines = [
        "企业名录导入说明",
        "1. 第一行为表头，请勿修改列名；每行一家企业，可另存为 CSV（UTF-8 或 GB18030 编码）。",
        "2. 必填列：" + "、".join(REQUIRED) + "。",
        "3. 统一社会信用代码为18位（不使用 I、O、Z、S、V），系统校验第18位校验码；小写或全角字符会自动转换。",
        "4. 所属区市填写单位名称或代码，可选：" + "、".join(unit_names),
        "5. 行业填写行业名称，可选：" + "、".join(industry_names),
        "6. 职工人数为正整数；是否建会、是否规上填写“是”或“否”。",
        "7. 已存在的统一社会信用代码将按本表更新；可选列留空时保留原值。",
        "8. 上传后先预览，逐行显示错误；确认后才写入，全部成功或全部不写入。",
        "9. 示例行（第2行）请在导入前删除。",
    ]
    for line in lines:
        help_ws.append([line])
    help_ws.column_dimensions["A"].width = 120
    return _bytes(wb)


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
