"""Hostile workbooks are refused with a Chinese 400 before openpyxl reads them (issue 12 item 3).

A DTD in any XML part (the sweep's 500), a 54 KB file holding one row of
1,000,000 cells (17 s of server time before), a lying ``<dimension>`` that
would make openpyxl pad three cells to the whole sheet, a zip bomb.
"""
from __future__ import annotations

import io
import time
import zipfile

import pytest

from evalsite.registry import xlsx_reading
from evalsite.registry.importer import ImportFileError
from evalsite.registry.xlsx_reading import check_workbook
from tests.evalsite.test_registry_helpers import good_row, xlsx_bytes

NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
PROLOG = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _with_part(name: str, body: bytes, data: bytes | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data or xlsx_bytes([good_row(1)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, body if info.filename == name else src.read(info))
    return out.getvalue()


def _sheet(inner: bytes, dimension: bytes = b"") -> bytes:
    return PROLOG + NS + dimension + b"<sheetData>" + inner + b"</sheetData></worksheet>"


def million_cell_row() -> bytes:
    return _with_part("xl/worksheets/sheet1.xml", _sheet(b"<row>" + b'<c t="n"><v>1</v></c>' * 1_000_000 + b"</row>"))


def _upload(client, data: bytes):
    return client.post("/import", data={"file": (io.BytesIO(data), "qiye.xlsx")}, content_type="multipart/form-data")


DTD_SHEET = _sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>').replace(
    NS, b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + NS)


def _with_doctype(xml: bytes) -> bytes:
    doctype = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        return xml[:end] + doctype + xml[end:]
    return doctype + xml


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml", "_rels/.rels",
                                  "[Content_Types].xml"])
def test_a_dtd_in_any_part_is_refused_with_a_chinese_400(client, world, login_as, part):
    client = login_as(world.city)
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([good_row(1)])))
    names = src.namelist()
    if part not in names:
        pytest.skip(f"{part} not written by this openpyxl")
    body = DTD_SHEET if part.endswith("sheet1.xml") else _with_doctype(src.read(part))
    resp = _upload(client, _with_part(part, body))
    assert resp.status_code == 400
    assert "文档类型定义（DTD）" in resp.get_data(as_text=True)


def test_a_dtd_in_utf16_is_found_too():
    body = DTD_SHEET.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    with pytest.raises(ImportFileError, match="DTD"):
        check_workbook(_with_part("xl/worksheets/sheet1.xml", body))


def test_a_million_cells_in_one_row_are_refused_in_milliseconds(client, world, login_as):
    data = million_cell_row()
    assert len(data) < 120 * 1024
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="列数过多"):
        check_workbook(data)
    assert time.perf_counter() - started < 3  # reading it all took 17 s; generous for a loaded CI machine
    client = login_as(world.city)
    started = time.perf_counter()
    resp = _upload(client, data)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 400 and "列数过多" in resp.get_data(as_text=True)
    assert elapsed < 3, elapsed  # was 17 s; the request includes the upload parsing on a shared machine


@pytest.mark.parametrize("sheet, message", [
    (_sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:XFD1048576"/>'), "列数过多"),
    (_sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:L1048576"/>'), "行号超出范围"),
    (_sheet(b'<row r="1"><c r="XFD1"><v>1</v></c></row>'), "列数过多"),
    (_sheet(b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'), "行号超出范围"),
])
def test_a_sheet_that_openpyxl_would_pad_to_millions_of_cells_is_refused(sheet, message):
    with pytest.raises(ImportFileError, match=message):
        check_workbook(_with_part("xl/worksheets/sheet1.xml", sheet))


def test_the_cell_cap_counts_while_streaming(monkeypatch):
    monkeypatch.setattr(xlsx_reading, "MAX_CELLS", 1000)
    rows = b"".join(b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>" for _ in range(101))
    with pytest.raises(ImportFileError, match="单元格过多"):
        check_workbook(_with_part("xl/worksheets/sheet1.xml", _sheet(rows)))


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setattr(xlsx_reading, "MAX_UNPACKED", 1024 * 1024)
    sheet = _sheet(b"<row><c><v>1</v></c></row>" + b" " * (2 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="解压后超过"):
        check_workbook(_with_part("xl/worksheets/sheet1.xml", sheet))


def test_ordinary_workbooks_pass_and_still_import(client, world, login_as):
    data = xlsx_bytes([good_row(i) for i in range(1, 40)])
    check_workbook(data)
    resp = _upload(login_as(world.city), data)
    assert resp.status_code == 200 and "39" in resp.get_data(as_text=True)


def test_a_questionnaire_alias_bomb_upload_is_a_chinese_400(client, world, login_as):
    from tests.surveys.test_yaml_limits import alias_bomb

    client = login_as(world.city)
    started = time.perf_counter()
    resp = client.post("/surveys/definitions/upload", data={"file": (io.BytesIO(alias_bomb().encode()), "bomb.yaml")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "展开别名后超过" in resp.get_data(as_text=True)
    assert time.perf_counter() - started < 2
