"""Imports: read an uploaded XLSX/CSV file into rows (no database access here).

``read_sheet`` turns the bytes into a ``Sheet`` (header found among the first
rows, data rows as {heading: text}, warnings) or raises ``ImportFileError``
with a Chinese message (the view answers 400). Only filled rows count: cell
borders drawn down to row 25,000 cost nothing. The registry's row rules are
in ``import_rows``, the contracts' in ``contract_import``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

from .import_aliases import vocabulary
from .import_header import ImportFileError, Sheet, TableSpec, locate

__all__ = ["HEADERS", "REQUIRED", "REGISTRY", "ImportFileError", "read_sheet", "read_table", "decode_csv"]

HEADERS = ("企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数", "是否建会", "是否规上",
           "工会主席", "工会主席电话", "人事联系人", "人事联系电话", "地址")
REQUIRED = HEADERS[:7]
REGISTRY = TableSpec("企业名录", HEADERS, REQUIRED, "统一社会信用代码")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000  # filled rows
MAX_MERGES = 5000
MAX_COLUMNS = 200  # merged ranges are filled no further right than this


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 1e15:  # Excel keeps 15 digits: show what the clerk saw ("9.13710E+17")
            return f"{value:.5E}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _too_many() -> ImportFileError:
    return ImportFileError(f"行数过多（有内容的行超过{MAX_ROWS}行），请拆分后分批导入")


def _merged_ranges(ws) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only sheet as (min_col, min_row, max_col, max_row), 1-based."""
    from openpyxl.utils import range_boundaries
    from openpyxl.xml.functions import iterparse

    ranges = []
    try:
        with ws._get_source() as src:  # read-only sheets do not parse <mergeCells>
            for _, element in iterparse(src):
                if element.tag.endswith("}mergeCell") and element.get("ref"):
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                    if min_col is not None and min_col <= MAX_COLUMNS:
                        ranges.append((min_col, min_row, min(max_col or min_col, MAX_COLUMNS), max_row))
                    if len(ranges) > MAX_MERGES:
                        break
                element.clear()
    except Exception:  # noqa: BLE001 - a damaged <mergeCells> only loses the merge information
        return []
    return sorted((r for r in ranges if None not in r), key=lambda r: (r[1], r[0]))


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    from .xlsx_reading import check_workbook

    check_workbook(data)  # a DTD, or too many rows, columns or cells: refused before openpyxl parses
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏，请用 Excel 另存为 .xlsx 后重试") from exc
    try:
        ws = wb.worksheets[0]
        merges, active, top_left = _merged_ranges(ws), [], {}
        rows = []
        for line, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_text(v) for v in row]
            while merges and merges[0][1] <= line:
                active.append(merges.pop(0))
            active = [m for m in active if m[3] >= line]
            for min_col, min_row, max_col, _ in active:  # a merged cell's value in every cell it covers
                key = (min_row, min_col)
                if line == min_row:
                    top_left[key] = cells[min_col - 1] if min_col - 1 < len(cells) else ""
                if top_left.get(key):
                    cells.extend([""] * (max_col - len(cells)))
                    for c in range(min_col - 1, max_col):
                        cells[c] = cells[c] or top_left[key]
            if any(cells):
                rows.append((line, cells))
                if len(rows) > MAX_ROWS + 20:
                    raise _too_many()
        return rows
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - an untrusted file's damaged sheet XML: a 400, never a 500
        raise ImportFileError("无法读取该 Excel 文件的工作表内容，文件可能已损坏，请用 Excel 另存为 .xlsx 后重试") from exc
    finally:
        wb.close()


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (what Chinese Excel writes)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030 编码")


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode_csv(data)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        table = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError("CSV 文件格式有误，无法解析") from exc
    rows = [(i, row) for i, row in enumerate(table, start=1) if any(row)]
    if len(rows) > MAX_ROWS + 20:
        raise _too_many()
    return rows


def read_grid(filename: str, data: bytes, what: str = "企业名录") -> list[tuple[int, list[str]]]:
    """The filled rows of the first sheet (or the CSV) as (line number, cell texts)."""
    if not data:
        raise ImportFileError(f"文件为空，请选择填好的{what}文件")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"文件过大（超过{MAX_BYTES // 1024 // 1024}MB），请拆分后分批导入")
    ext = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if ext == "xls" or data[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后上传")
    if ext in ("csv", "txt"):
        return _read_csv(data)
    if ext == "xlsx":
        raise ImportFileError("无法读取该 Excel 文件，文件可能已损坏，请用 Excel 另存为 .xlsx 后重试")
    raise ImportFileError("只支持 .xlsx 或 .csv 文件，请使用下载的导入模板")


def read_sheet(filename: str, data: bytes, spec: TableSpec = REGISTRY) -> Sheet:
    sheet = locate(read_grid(filename, data, spec.what), spec, vocabulary())
    if len(sheet.rows) > MAX_ROWS:
        raise _too_many()
    return sheet


def read_table(filename: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Registry header and data rows as (line number, {heading: text})."""
    sheet = read_sheet(filename, data, REGISTRY)
    return sheet.header, sheet.rows
