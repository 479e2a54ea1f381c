"""Contracts import: template with drop-downs, preview, the typed-contract rules, scope, confirm in one go, CLI."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from evalsite.models import AuditEntry, BargainingMeeting, CollectiveContract
from evalsite.registry.contract_import import HEADERS
from tests.evalsite.test_registry_helpers import code, contract, fresh, xlsx_bytes

LAWFUL = {"合同种类": "工资专项集体合同", "要约方": "企业工会", "要约日期": "2021-03-02", "书面答复日期": "2021/3/10",
          "是否书面答复": "是", "职工方代表人数": "5", "企业方代表人数": "5", "职代会审议日期": "2021年3月25日",
          "职代会应到人数": "60", "出席人数": "52", "赞成人数": "50", "签订日期": "2021-03-26",
          "报送审查日期": "2021-03-30", "审查结果": "无异议（已生效）", "生效日期": "2021-04-14", "合同期限（年）": "1年",
          "工资调整幅度（%）": "5%", "最低工资标准（元/月）": "2,200元", "协商会议日期": "2021-03-15、2021-03-20（线上）"}


def row(ent_code: str, **changes) -> list[str]:
    values = {"统一社会信用代码": ent_code, **LAWFUL, **changes}
    return [str(values.get(h, "")) for h in HEADERS]


def _csv(rows, encoding="utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([list(HEADERS), *rows])
    return buf.getvalue().encode(encoding)


def _upload(client, data: bytes, name="hetong.xlsx"):
    return client.post("/import/contracts", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _contracts(session, enterprise):
    fresh(session)
    return session.scalars(select(CollectiveContract).where(CollectiveContract.enterprise_id == enterprise.id)).all()


def test_preview_then_confirm_saves_contracts_with_their_bargaining_record(app, world, session, login_as):
    client = login_as(world.city)
    rows = [row(world.ent_a.credit_code), row(world.ent_b.credit_code, 合同种类="综合", **{"合同期限（年）": "3"})]
    resp = _upload(client, xlsx_bytes(rows, header=list(HEADERS)))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, html
    assert "将新增 2 份" in html and "合同种类“综合”按“综合集体合同”导入" in html
    assert _contracts(session, world.ent_a) == []  # nothing before confirmation
    done = client.post("/import/contracts/confirm", follow_redirects=True)
    assert "新增 2 份" in done.get_data(as_text=True)
    (c,) = _contracts(session, world.ent_a)
    assert (c.kind, c.offer_by, c.review_result, c.term_years, c.min_wage) == (
        "wage", "enterprise_union", "no_objection", Decimal("1.0"), Decimal("2200.00"))
    assert c.title == "威海甲机械有限公司2021年工资专项集体合同" and c.unit_id == world.unit_a.id
    assert c.covered_workers == 320 and c.reply_date == dt.date(2021, 3, 10)
    assert [(m.date, m.online) for m in c.meetings] == [(dt.date(2021, 3, 15), False), (dt.date(2021, 3, 20), True)]
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "contract_create")) == 2
    assert client.post("/import/contracts/confirm").status_code == 400  # the parked file is gone


def test_rows_are_checked_by_the_same_rules_as_a_typed_contract(app, world, session, login_as):
    client = login_as(world.city)
    ent = world.ent_a.credit_code
    rows = [row(ent, 合同名称="甲", 出席人数="61"), row(ent, 合同名称="乙", 书面答复日期="2021-02-27"),
            row(ent, 合同名称="丙", **{"合同期限（年）": "11"}), row(ent, 合同名称="丁", 书面答复日期="2021-04-02"),
            row(ent, 合同名称="戊", 签订日期="2021-02-30"), row(ent, 合同名称="己", 合同种类="劳动合同"),
            row(ent, 合同名称="庚", 职工方代表人数="②"), row(code(5)), row("913710001234567"),
            row(ent, 合同名称="甲")]
    resp = _upload(client, _csv(rows), "h.csv")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    for message in ("出席人数不能多于职代会（职工大会）应到人数", "答复日期不能早于要约日期", "合同期限应大于0年且不超过10年",
                    "签订日期“2021-02-30”不是有效的日期", "合同种类“劳动合同”不存在",
                    "职工方代表人数应为不小于0的整数，当前为“②”", "平台内没有统一社会信用代码为", "这是15位的旧工商注册号",
                    "与第2行是同一企业的同名合同"):
        assert message in html, message
    assert "收到要约后第31天才答复，超过" in html  # a lawful-procedure deviation is a warning on its row
    assert _contracts(session, world.ent_a) == []


def test_reimport_updates_the_same_contract_and_shows_the_changes(app, world, session, login_as):
    old = contract(session, world.ent_a, title="甲公司工资专项集体合同", kind="wage", term_years=Decimal(1))
    session.commit()
    client = login_as(world.city)
    html = _upload(client, xlsx_bytes([row(world.ent_a.credit_code, 合同名称="甲公司工资专项集体合同", 出席人数="55")],
                                      header=list(HEADERS))).get_data(as_text=True)
    assert "更新 1 份" in html and "出席人数：（空） → 55" in html
    client.post("/import/contracts/confirm")
    (c,) = _contracts(session, world.ent_a)
    assert c.id == old.id and c.congress_present == 55 and len(c.meetings) == 2


def test_district_admin_imports_only_for_their_own_enterprises(app, world, session, login_as):
    client = login_as(world.district_b)
    html = _upload(client, xlsx_bytes([row(world.ent_b.credit_code), row(world.ent_a.credit_code)],
                                      header=list(HEADERS))).get_data(as_text=True)
    assert "该企业（威海甲机械有限公司）登记在环翠区，不在您管理的范围内，不能为其导入集体合同" in html
    assert html.count('<ul class="error">') == 1


def test_title_rows_notes_and_the_corrections_sheet(app, world, session, login_as):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2021年集体合同汇总表"])
    ws.append(list(HEADERS))
    ws.append(row(world.ent_a.credit_code, 赞成人数="99"))
    ws.append(["注：日期均为公历。"])
    buf = io.BytesIO()
    wb.save(buf)
    client = login_as(world.city)
    html = _upload(client, buf.getvalue()).get_data(as_text=True)
    assert "已跳过表头上方的1行标题" in html and "第4行是表格下方的说明文字" in html
    sheet = load_workbook(io.BytesIO(client.get("/import/contracts/corrections.xlsx").data)).active
    first = [c.value for c in sheet[2]]
    assert "赞成人数不能多于出席人数" in first[0] and first[1] == world.ent_a.credit_code


def test_contracts_template_has_drop_downs_and_reads_back(app, world, login_as):
    client = login_as(world.district_a)
    data = client.get("/import/contracts/template.xlsx").data
    wb = load_workbook(io.BytesIO(data))
    ws = wb["集体合同"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    columns = {HEADERS[ws[str(dv.sqref).split(":")[0]].column - 1] for dv in ws.data_validations.dataValidation}
    assert columns == {"合同种类", "要约方", "审查结果", "是否书面答复", "首席代表是否工会主席"}
    assert "工资专项集体合同" in [c.value for c in wb["选项"]["A"]]
    resp = _upload(client, data)  # the example row is read (its code is not registered: a row error)
    assert "平台内没有统一社会信用代码为 913710024JURQ28301 的企业" in resp.get_data(as_text=True)


def test_import_contracts_cli(app, world, session, tmp_path):
    path = tmp_path / "h.csv"
    path.write_bytes(_csv([row(world.ent_a.credit_code)], "gb18030"))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-contracts", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "将新增 1 份" in dry.output and _contracts(session, world.ent_a) == []
    done = runner.invoke(args=["import-contracts", str(path)])
    assert done.exit_code == 0 and "新增 1 份" in done.output
    assert len(_contracts(session, world.ent_a)) == 1
    assert session.scalar(select(func.count()).select_from(BargainingMeeting)) == 2
    path.write_bytes(_csv([row("bad")]))
    bad = runner.invoke(args=["import-contracts", str(path)])
    assert bad.exit_code == 1 and "未写入任何数据" in bad.output


def test_enterprise_accounts_of_both_sides_and_evaluators_are_refused(app, world, session):
    from tests.conftest import login

    for user in (world.ent_a_union, world.ent_a_mgmt, world.evaluator):
        client = app.test_client()
        login(client, user)
        for method, url in (("GET", "/import/contracts"), ("POST", "/import/contracts"),
                            ("POST", "/import/contracts/confirm"), ("GET", "/import/contracts/template.xlsx"),
                            ("GET", "/import/contracts/corrections.xlsx"), ("POST", "/import"),
                            ("GET", "/import/template.xlsx")):
            assert client.open(url, method=method).status_code == 403, (user.username, url)


def test_confirm_is_all_or_nothing(app, world, session, login_as, monkeypatch):
    from evalsite.registry import contract_import_service

    client = login_as(world.city)
    _upload(client, xlsx_bytes([row(world.ent_a.credit_code), row(world.ent_b.credit_code)], header=list(HEADERS)))

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(contract_import_service, "record", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/import/contracts/confirm").status_code == 500
    assert _contracts(session, world.ent_a) == [] and _contracts(session, world.ent_b) == []
    assert session.scalar(select(func.count()).select_from(BargainingMeeting)) == 0
