"""The registry import takes the files clerks really make (issue 10, item 8): each case of the issue's list."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from openpyxl.styles import Border, Side
from sqlalchemy import func, select

from evalsite.models import Enterprise
from tests.evalsite.test_registry_helpers import HEADER, code, csv_bytes, fresh, good_row, xlsx_bytes


def _upload(client, data: bytes, name="qiye.xlsx"):
    return client.post("/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _count(session):
    fresh(session)
    return session.scalar(select(func.count()).select_from(Enterprise))


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def units(world, factory, session):
    """The demo's real units beside the world's two, and the city itself."""
    made = {"city": factory.unit("威海市", code="371000", kind="city"),
            "rongcheng": factory.unit("荣成市", code="371082", kind="county_city"),
            "gaoqu": factory.unit("火炬高技术产业开发区", code="371071", kind="zone"),
            "jingqu": factory.unit("经济技术开发区", code="371072", kind="zone")}
    session.commit()
    return made


def test_title_rows_above_the_header_are_skipped_with_a_warning(app, world, session, login_as):
    wb = Workbook()
    ws = wb.active
    ws.append(["2021年威海市集体协商企业名录"])
    ws.merge_cells("A1:L1")
    ws.append(["填报单位：环翠区总工会", None, None, None, None, None, None, None, None, None, "单位：人"])
    ws.append(HEADER)
    ws.append(good_row(11))
    ws.append(good_row(12))
    resp = _upload(login_as(world.city), _save(wb))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "将新增 2 家" in html and "已跳过表头上方的2行标题" in html and "2021年威海市集体协商企业名录" in html


def test_notes_rows_under_the_table_are_skipped_with_a_warning(app, world, session, login_as):
    rows = [good_row(21), good_row(22), ["注：1. 职工人数为年末在岗人数；2. 是否规上按统计局口径。"], ["填表说明"],
            ["填表人：王五", "", "", "", "", "", "", "联系电话：0631-5201234"], ["合计", "", "", "", 300]]
    client = login_as(world.city)
    resp = _upload(client, xlsx_bytes(rows))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "将新增 2 家" in html
    for line in (4, 5, 6, 7):
        assert f"第{line}行是表格下方的说明文字" in html
    client.post("/import/confirm")
    assert _count(session) == 5


def _two_level_header(ws) -> None:
    top = ["企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数", "是否建会", "是否规上", "工会主席", None,
           "联系人", None, "地址"]
    sub = [None] * 7 + ["姓名", "电话", "姓名", "电话", None]
    ws.append(top)
    ws.append(sub)
    for col in "ABCDEFGL":
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("H1:I1")
    ws.merge_cells("J1:K1")


def test_merged_two_level_header_yields_both_contact_columns(app, world, session, login_as):
    wb = Workbook()
    ws = wb.active
    _two_level_header(ws)
    ws.append(["威海两级表头有限公司", code(31), "环翠区", "制造业", 88, "是", "否", "张主席", "0631-5200001",
               "李联系", "13806300002", "环翠区某路2号"])
    client = login_as(world.city)
    resp = _upload(client, _save(wb))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "以下列不是导入模板的列" not in html
    client.post("/import/confirm")
    fresh(session)
    ent = session.scalar(select(Enterprise).where(Enterprise.credit_code == code(31)))
    assert (ent.union_chair, ent.union_chair_phone, ent.hr_contact, ent.hr_contact_phone) == (
        "张主席", "0631-5200001", "李联系", "13806300002")


def test_two_level_header_in_a_csv_continues_the_parent_to_the_right(app, world, session, login_as):
    top = ["企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数", "是否建会", "是否规上", "联系人", "", "微信"]
    sub = [""] * 7 + ["姓名", "电话", ""]
    row = ["威海CSV两级有限公司", code(32), "环翠区", "制造业", "66", "是", "否", "赵六", "13806300003", "zl"]
    data = "\n".join(",".join(r) for r in (top, sub, row)).encode("utf-8")
    client = login_as(world.city)
    html = _upload(client, data, "x.csv").get_data(as_text=True)
    assert "以下列不是导入模板的列，已忽略：微信" in html
    client.post("/import/confirm")
    fresh(session)
    ent = session.scalar(select(Enterprise).where(Enterprise.credit_code == code(32)))
    assert (ent.hr_contact, ent.hr_contact_phone) == ("赵六", "13806300003")


def test_numbers_written_as_clerks_write_them(app, world, session, login_as):
    rows = [good_row(41, headcount="120人"), good_row(42, headcount='"1,200"'), good_row(43, headcount="１２０"),
            good_row(44, headcount="1.2万")]
    client = login_as(world.city)
    resp = _upload(client, csv_bytes(rows), "n.csv")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    client.post("/import/confirm")
    fresh(session)
    counts = {e.credit_code: e.headcount for e in session.scalars(select(Enterprise))}
    assert [counts[code(s)] for s in (41, 42, 43, 44)] == [120, 1200, 120, 12000]


def test_impossible_headcounts_are_row_errors_not_server_errors(app, world, session, login_as):
    client = login_as(world.city)
    rows = [good_row(51, headcount="②"), good_row(52, headcount="100000000000000000000"), good_row(53)]
    resp = _upload(client, csv_bytes(rows), "n.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "职工人数应为正整数，当前为“②”（“②”不是阿拉伯数字）" in html
    assert "职工人数应在1至1,000,000之间，当前为“100000000000000000000”" in html
    xlsx = xlsx_bytes([good_row(54, headcount=10 ** 20), good_row(55, headcount=1e20)])
    html = _upload(client, xlsx).get_data(as_text=True)
    assert html.count("职工人数应在1至1,000,000之间") == 2
    assert _count(session) == 3


def test_short_names_of_districts_and_industries_through_the_alias_table(app, world, session, units, login_as):
    rows = [good_row(61, unit="环翠"), good_row(62, unit="荣成"), good_row(63, unit="高区"),
            good_row(64, unit="经开区", industry="制造"), good_row(65, unit="威海市环翠区")]
    client = login_as(world.city)
    resp = _upload(client, csv_bytes(rows), "a.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "所属区市“高区”按“火炬高技术产业开发区”导入" in html and "行业“制造”按“制造业”导入" in html
    client.post("/import/confirm")
    fresh(session)
    unit_of = {e.credit_code: e.unit_id for e in session.scalars(select(Enterprise))}
    assert [unit_of[code(s)] for s in (61, 62, 63, 64, 65)] == [
        world.unit_a.id, units["rongcheng"].id, units["gaoqu"].id, units["jingqu"].id, world.unit_a.id]


def test_unknown_names_get_did_you_mean_suggestions(app, world, session, units, login_as):
    rows = [good_row(71, unit="环脆区"), good_row(72, industry="制造行业"), good_row(73, unit="火星区")]
    html = _upload(login_as(world.city), csv_bytes(rows), "a.csv").get_data(as_text=True)
    assert "所属区市“环脆区”不存在，您是不是要填“环翠区”" in html
    assert "行业“制造行业”不存在，您是不是要填“制造业”" in html
    assert "所属区市“火星区”不存在" in html


def test_the_city_itself_is_refused_as_a_district(app, world, session, units, login_as):
    html = _upload(login_as(world.city), csv_bytes([good_row(81, unit="威海市"), good_row(82, unit="371000")]),
                   "a.csv").get_data(as_text=True)
    assert html.count("是全市，企业须登记在一个区市、开发区或市直工会下") == 1
    assert "所属区市“371000”不存在" in html  # the city's code is no unit either
    assert _count(session) == 3


def test_credit_code_hints_for_spaces_old_numbers_and_scientific_notation(app, world, session, login_as):
    spaced = code(91)
    rows = [good_row(91), good_row(92), good_row(93), good_row(94)]
    rows[0][1] = f"{spaced[:4]} {spaced[4:10]} {spaced[10:]}"
    rows[1][1] = "371002000012345"
    rows[2][1] = "9.13710E+17"
    rows[3][1] = "MA3C4E5R-6"
    html = _upload(login_as(world.city), csv_bytes(rows), "c.csv").get_data(as_text=True)
    assert "已去除代码中的空格" in html
    assert "这是15位的旧工商注册号" in html
    assert "被 Excel 写成了科学计数法（9.13710E+17）" in html
    assert "这是9位的组织机构代码" in html
    numeric = xlsx_bytes([good_row(95)[:1] + [9.1371e17] + good_row(95)[2:]])
    assert "科学计数法（9.13710E+17）" in _upload(login_as(world.city), numeric).get_data(as_text=True)


def test_rename_or_move_needs_a_tick_and_is_not_applied_without_it(app, world, session, login_as):
    ent = world.ent_a
    row = ["威海甲机械集团有限公司", ent.credit_code, "文登区", "制造业", 320, "是", "是"]
    other = [world.ent_a2.name, world.ent_a2.credit_code, "环翠区", "制造业", 181, "是", "是"]
    client = login_as(world.city)
    html = _upload(client, csv_bytes([row, other]), "u.csv").get_data(as_text=True)
    assert "企业名称：威海甲机械有限公司 → 威海甲机械集团有限公司" in html
    assert "所属区市：环翠区 → 文登区" in html and "职工人数：180 → 181" in html
    assert f'name="accept" value="{ent.credit_code}"' in html and "未勾选的行不会作任何修改" in html
    assert html.count('name="accept"') == 1  # a headcount change needs no tick
    done = client.post("/import/confirm", follow_redirects=True).get_data(as_text=True)
    assert "有 1 家企业的改名或迁区未勾选确认" in done
    fresh(session)
    kept = session.get(Enterprise, ent.id)
    assert (kept.name, kept.unit_id) == ("威海甲机械有限公司", world.unit_a.id)
    assert session.get(Enterprise, world.ent_a2.id).headcount == 181
    _upload(client, csv_bytes([row]), "u.csv")
    client.post("/import/confirm", data={"accept": [ent.credit_code]})
    fresh(session)
    moved = session.get(Enterprise, ent.id)
    assert (moved.name, moved.unit_id) == ("威海甲机械集团有限公司", world.unit_b.id)


def test_formatted_but_empty_rows_down_to_25000_do_not_count(app, world, session, login_as):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for seed in range(101, 107):
        ws.append(good_row(seed))
    from openpyxl.cell import WriteOnlyCell

    thin = Side(style="thin")
    for _ in range(7, 25001):
        cells = []
        for _col in range(len(HEADER)):
            cell = WriteOnlyCell(ws)
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cells.append(cell)
        ws.append(cells)
    client = login_as(world.city)
    resp = _upload(client, _save(wb))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html[:2000]
    assert "将新增 6 家" in html and "行数过多" not in html
    client.post("/import/confirm")
    assert _count(session) == 9


def test_repeated_header_rows_are_skipped(app, world, session, login_as):
    html = _upload(login_as(world.city), xlsx_bytes([good_row(111), HEADER, good_row(112)])).get_data(as_text=True)
    assert "第3行是重复的表头，已跳过" in html and "将新增 2 家" in html


def test_a_damaged_sheet_inside_a_good_zip_is_a_400(app, world, session, login_as):
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([good_row(121)])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for item in source.infolist():
            body = source.read(item.filename)
            damaged.writestr(item, body[: len(body) // 2] if item.filename.endswith("sheet1.xml") else body)
    resp = _upload(login_as(world.city), out.getvalue())
    assert resp.status_code == 400 and "文件可能已损坏" in resp.get_data(as_text=True)


def test_a_district_merged_down_several_rows_applies_to_each(app, world, session, login_as):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for seed in (131, 132, 133):
        ws.append(good_row(seed, unit="文登区" if seed == 131 else None))
    ws.merge_cells("C2:C4")
    client = login_as(world.city)
    resp = _upload(client, _save(wb))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    client.post("/import/confirm")
    fresh(session)
    units = {session.scalar(select(Enterprise.unit_id).where(Enterprise.credit_code == code(s))) for s in (131, 132, 133)}
    assert units == {world.unit_b.id}
