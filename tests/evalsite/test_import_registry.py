"""Registry import: every bad row gets its own Chinese message and nothing is saved; encodings; confirm; re-import."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from evalsite.creditcode import ALPHABET
from evalsite.models import AuditEntry, Enterprise
from evalsite.registry.importer import ImportFileError, read_table
from tests.evalsite.test_registry_helpers import HEADER, code, csv_bytes, fresh, good_row, xlsx_bytes


def _upload(client, data: bytes, name="qiye.xlsx"):
    return client.post("/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _count(session):
    fresh(session)
    return session.scalar(select(func.count()).select_from(Enterprise))


def _bad_rows():
    c = code(7)
    wrong_check = c[:17] + next(ch for ch in ALPHABET if ch != c[17])
    return {
        "企业名称不能为空": ["", code(1), "环翠区", "制造业", 100, "是", "是"],
        "统一社会信用代码不能为空": ["缺代码公司", "", "环翠区", "制造业", 100, "是", "是"],
        "统一社会信用代码应为18位，当前为10位": ["短代码公司", "9137100212", "环翠区", "制造业", 100, "是", "是"],
        "含有不允许的字符：I": ["坏字符公司", "91371002IIIIIIII1X", "环翠区", "制造业", 100, "是", "是"],
        "校验位错误": ["校验位公司", wrong_check, "环翠区", "制造业", 100, "是", "是"],
        "与第2行重复": ["重复公司", None, "环翠区", "制造业", 100, "是", "是"],  # code filled below
        "所属区市“火星区”不存在": ["未知区公司", code(3), "火星区", "制造业", 100, "是", "是"],
        "行业“炼金术”不存在": ["未知行业公司", code(4), "环翠区", "炼金术", 100, "是", "是"],
        "职工人数应为正整数，当前为“12.5”": ["人数公司", code(5), "环翠区", "制造业", 12.5, "是", "是"],
        "职工人数应为正整数，当前为“0”": ["零人公司", code(6), "环翠区", "制造业", 0, "是", "是"],
        "是否建会应填写“是”或“否”，当前为“有”": ["建会公司", code(8), "环翠区", "制造业", 100, "有", "是"],
        "企业名称过长": ["长" * 201, code(9), "环翠区", "制造业", 100, "是", "是"],
        "工会主席电话格式不正确": ["电话公司", code(10), "环翠区", "制造业", 100, "是", "是", "王五", "call me"],
    }


def test_ten_kinds_of_bad_rows_each_with_its_message_and_nothing_saved(app, world, session, login_as):
    good = good_row(100)
    bad = _bad_rows()
    bad["与第2行重复"][1] = good[1]
    rows = [good] + list(bad.values())
    before = _count(session)
    client = login_as(world.city)
    resp = _upload(client, xlsx_bytes(rows))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    for message in bad:
        assert message in html, message
    assert html.count('<ul class="error">') == len(bad)
    assert "确认导入" not in html
    assert client.post("/import/confirm").status_code == 400  # nothing parked
    assert _count(session) == before


def test_preview_then_confirm_writes_in_one_go(app, world, session, login_as):
    client = login_as(world.city)
    rows = [good_row(201), good_row(202, unit="371003", industry="制造业"), good_row(203)]
    rows[0][1] = rows[0][1].lower()
    resp = _upload(client, xlsx_bytes(rows))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "将新增 3 家" in html and "确认导入" in html and "已将小写" in html
    assert _count(session) == 3  # nothing yet
    done = client.post("/import/confirm", follow_redirects=True)
    assert "新增 3 家，更新 0 家，未变 0 家" in done.get_data(as_text=True)
    assert _count(session) == 6
    ent = session.scalar(select(Enterprise).where(Enterprise.credit_code == code(202)))
    assert ent.unit_id == world.unit_b.id and ent.headcount == 150 and ent.union_chair == "张三"
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "registry_import")).details["counts"][
        "created"] == 3
    assert client.post("/import/confirm").status_code == 400  # the parked file is gone


def test_confirm_is_all_or_nothing(app, world, session, login_as, monkeypatch):
    from evalsite.registry import import_service

    client = login_as(world.city)
    _upload(client, xlsx_bytes([good_row(301), good_row(302)]))
    original = import_service.record

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_service, "record", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/import/confirm").status_code == 500
    monkeypatch.setattr(import_service, "record", original)
    assert _count(session) == 3


def test_reimport_updates_by_code(app, world, session, login_as):
    client = login_as(world.city)
    existing = [world.ent_a.name, world.ent_a.credit_code, "环翠区", "制造业", 320, "是", "是"]
    changed = [world.ent_a2.name, world.ent_a2.credit_code, "环翠区", "制造业", 999, "是", "否"]
    rows = [existing + [""] * 5, changed + [""] * 5, good_row(401)]
    resp = _upload(client, csv_bytes(rows), "qiye.csv")
    assert "将新增 1 家，更新 1 家，1 家无变化" in resp.get_data(as_text=True)
    client.post("/import/confirm")
    assert _count(session) == 4
    assert session.get(Enterprise, world.ent_a2.id).headcount == 999
    assert session.get(Enterprise, world.ent_a.id).headcount == 320


def test_district_admin_imports_only_own_unit(app, world, session, login_as):
    client = login_as(world.district_b)
    row_a = [world.ent_a.name, world.ent_a.credit_code, "文登区", "制造业", 10, "是", "是"]
    resp = _upload(client, csv_bytes([good_row(501), row_a]), "x.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "不在您管理的范围内" in html and "已登记在环翠区，您不能修改" in html


def test_gb18030_and_bom_csv(app, world, login_as):
    client = login_as(world.city)
    rows = [good_row(601, name="威海荣盛精密机械有限公司")]
    for encoding in ("gb18030", "utf-8-sig", "utf-8"):
        resp = _upload(client, csv_bytes(rows, encoding), "名录.csv")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, (encoding, html)
        assert "威海荣盛精密机械有限公司" in html and "将新增 1 家" in html


def test_read_table_pure():
    header, rows = read_table("a.csv", csv_bytes([good_row(1)], "gb18030"))
    assert header == HEADER and rows[0][0] == 2 and rows[0][1]["企业名称"] == "威海测试1有限公司"


def test_bad_files_are_400_with_chinese_message(app, world, login_as):
    client = login_as(world.city)
    cases = {
        "只支持 .xlsx 或 .csv 文件": (b"hello", "a.pdf"),
        "文件为空": (b"", "a.csv"),
        "不支持旧版 Excel": (b"\xd0\xcf\x11\xe0rest", "a.xls"),
        "文件可能已损坏": (b"PK\x03\x04broken", "a.xlsx"),
        "前15行中找不到表头": (csv_bytes([["x"]], header=["甲", "乙"]), "a.csv"),
        "缺少必填列：所属区市、职工人数": (csv_bytes([], header=["企业名称", "统一社会信用代码", "行业", "是否建会", "是否规上"]),
                                     "a.csv"),
        "只有表头": (csv_bytes([]), "a.csv"),
        "文件过大": (b"a" * (5 * 1024 * 1024 + 1), "a.csv"),
    }
    for message, (data, name) in cases.items():
        resp = _upload(client, data, name)
        assert resp.status_code == 400, message
        assert message in resp.get_data(as_text=True), message
    assert client.post("/import", data={}, content_type="multipart/form-data").status_code == 400


def test_template_download(app, world, login_as):
    from openpyxl import load_workbook

    data = login_as(world.district_a).get("/import/template.xlsx").data
    wb = load_workbook(io.BytesIO(data))
    assert [c.value for c in wb["企业名录"][1]] == HEADER
    assert wb["企业名录"]["B2"].value and "填写说明" in wb.sheetnames
    _, rows = read_table("t.xlsx", data)
    assert len(rows) == 1


def test_import_errors_raise_for_unreadable_csv():
    import pytest

    with pytest.raises(ImportFileError):
        read_table("a.csv", b"\x00\x01,\x02\n")


def test_corrections_sheet_lists_each_rows_errors_for_fixing(app, world, session, login_as):
    from openpyxl import load_workbook

    good = good_row(100)
    bad = _bad_rows()
    bad["与第2行重复"][1] = good[1]
    client = login_as(world.city)
    assert _upload(client, xlsx_bytes([good] + list(bad.values()))).status_code == 400
    resp = client.get("/import/corrections.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("错误说明", "企业名称", "统一社会信用代码")
    assert rows[1][0] in (None, "")  # the good row: no error
    messages = [r[0] or "" for r in rows[2:]]
    for expected, message in zip(bad, messages):
        assert expected in message
    assert client.post("/import/confirm").status_code == 400  # a bad file can never be confirmed
    assert _count(session) == 3


def test_corrections_sheet_needs_an_upload_first(app, world, login_as):
    client = login_as(world.city)
    resp = client.get("/import/corrections.xlsx")
    assert resp.status_code == 404 and "没有可下载的错误清单" in resp.get_data(as_text=True)


def test_the_parked_upload_waits_in_the_file_store_not_on_this_machine(app, world, session, login_as):
    """Preview and confirmation may reach different web processes: the parked file is in the shared store."""
    import hashlib
    import os

    from evalsite.storage import storage_from_settings

    client = login_as(world.city)
    data = xlsx_bytes([good_row(211)])
    assert _upload(client, data).status_code == 200
    parked = storage_from_settings(app.config, area="parked")
    key = hashlib.sha256(data).hexdigest()
    assert parked.get(key) == data
    assert not os.path.exists(os.path.join(app.config["UPLOAD_DIR"], "imports"))
    assert client.post("/import/confirm").status_code == 302
    assert not parked.exists(key)  # gone once imported
