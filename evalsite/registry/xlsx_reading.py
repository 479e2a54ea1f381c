"""Checks on an uploaded XLSX before openpyxl reads it: no DTD, bounded size, rows, columns and cells.

``check_workbook(data)`` raises ``ImportFileError`` (a Chinese 400) when

- any XML part of the zip declares a DTD (``<!DOCTYPE``; entity expansion and
  external entities start there: no Excel or WPS file ever has one);
- the parts would unpack to more than ``MAX_UNPACKED`` bytes (a zip bomb);
- a worksheet declares or holds more than ``MAX_COLUMNS`` columns, a row
  number above ``MAX_ROW_NUMBER``, more than ``MAX_CELLS`` cells, or more
  cells in one row than ``MAX_COLUMNS``.

The worksheets are read as a stream (expat, one event at a time) and the check
stops at the first cell over a limit, so a 117 KB file holding one row of
1,000,000 cells is refused after 201 cells instead of costing 17 s of
openpyxl. The declared ``<dimension>`` matters too: openpyxl's read-only mode
pads every row to its width and the sheet to its height, so a lying
``A1:XFD1048576`` would make a three-cell file expand to 17·10⁹ cells.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.parsers import expat

from .import_header import ImportFileError

MAX_UNPACKED = 100 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROW_NUMBER = 100_000
MAX_CELLS = 600_000
_CHUNK = 64 * 1024
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.I)
_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.I)
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def _error(message: str) -> ImportFileError:
    """The importer's error: the view answers 400 with the message."""
    return ImportFileError(message)


DAMAGED = "无法读取该 Excel 文件，文件可能已损坏，请用 Excel 另存为 .xlsx 后重试"
DTD = ("该 Excel 文件含有文档类型定义（DTD），出于安全原因不予读取；"
       "正常由 Excel 或 WPS 保存的文件不会包含 DTD，请用 Excel 打开后另存为 .xlsx 再上传")
TOO_WIDE = f"工作表列数过多（超过{MAX_COLUMNS}列），请删除多余的列，或只保留导入所需的列后重新上传"
TOO_LONG = f"工作表行号超出范围（超过第{MAX_ROW_NUMBER:,}行），请删除多余的行后另存为新文件再上传"
TOO_MANY = f"工作表单元格过多（超过{MAX_CELLS:,}个），请拆分后分批导入"
TOO_BIG = f"Excel 文件解压后超过{MAX_UNPACKED // 1024 // 1024}MB，请拆分后分批导入"


class _Stop(Exception):
    """Raised inside expat handlers: the first element after the prolog, or a limit reached."""

    def __init__(self, message: str | None = None):
        super().__init__(message)
        self.message = message


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _ref(value: str | None) -> tuple[int, int] | None:
    m = _REF.match(value or "")
    return (_column_number(m.group(1)), int(m.group(2))) if m else None


class _SheetCounter:
    """Expat handlers counting a worksheet's rows and cells; ``_Stop(message)`` at the first excess."""

    def __init__(self):
        self.cells = self.in_row = 0

    def start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self.cells += 1
            self.in_row += 1
            if self.in_row > MAX_COLUMNS:
                raise _Stop(TOO_WIDE)
            if self.cells > MAX_CELLS:
                raise _Stop(TOO_MANY)
            ref = _ref(attrs.get("r"))
            if ref and ref[0] > MAX_COLUMNS:
                raise _Stop(TOO_WIDE)
        elif local == "row":
            self.in_row = 0
            number = attrs.get("r", "")
            if number.isdigit() and (len(number) > 7 or int(number) > MAX_ROW_NUMBER):
                raise _Stop(TOO_LONG)
        elif local == "dimension":
            for corner in (attrs.get("ref") or "").split(":"):
                ref = _ref(corner)
                if ref and ref[0] > MAX_COLUMNS:
                    raise _Stop(TOO_WIDE)
                if ref and ref[1] > MAX_ROW_NUMBER:
                    raise _Stop(TOO_LONG)


def _refuse_doctype(*_args) -> None:
    raise _Stop(DTD)


def _scan(stream, whole: bool) -> str | None:
    """Feed one XML part to expat (the prolog only unless ``whole``: a worksheet has every cell
    counted); the refusal message, or None."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    if whole:
        parser.StartElementHandler = _SheetCounter().start
    else:
        def first_element(*_args):
            raise _Stop()
        parser.StartElementHandler = first_element
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop as stop:
        return stop.message
    except expat.ExpatError:
        return DAMAGED
    return None


def check_workbook(data: bytes) -> None:
    """Refuse (ImportFileError, Chinese) a workbook with a DTD or beyond the size limits; else None."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _error(DAMAGED) from exc
    with zf:
        infos = zf.infolist()
        if sum(info.file_size for info in infos) > MAX_UNPACKED:
            raise _error(TOO_BIG)
        for info in infos:
            if not _XML_PART.search(info.filename):
                continue
            try:
                with zf.open(info) as stream:
                    problem = _scan(stream, whole=bool(_WORKSHEET.match(info.filename)))
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError,
                    ValueError) as exc:
                raise _error(DAMAGED) from exc
            if problem:
                raise _error(problem)
