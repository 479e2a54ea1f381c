"""Enterprise list (search, filters, paging, sorting), forms, credit-code normalisation, audit."""
from __future__ import annotations

import random

from sqlalchemy import func, select

from evalsite.creditcode import ALPHABET, check_character, org_check_character
from evalsite.models import AuditEntry, Enterprise
from tests.evalsite.test_registry_helpers import fresh, code, enterprise_form


def _many(factory, world, n=30):
    for i in range(n):
        factory.enterprise(world.unit_a, name=f"批量企业{i:02d}", headcount=50 + i * 40, unionised=i % 3 != 0)
    factory.session.commit()


def test_list_paginates_20_per_page(app, world, factory, login_as):
    _many(factory, world)
    client = login_as(world.city)
    first = client.get("/enterprises").get_data(as_text=True)
    assert first.count("<tr><td><a href=\"/enterprises/") == 20
    assert "第 1 / 2 页，共 33 条" in first
    second = client.get("/enterprises?page=2").get_data(as_text=True)
    assert "第 2 / 2 页" in second and second.count("<tr><td><a href=\"/enterprises/") == 13
    fifty = client.get("/enterprises?per_page=50").get_data(as_text=True)
    assert fifty.count("<tr><td><a href=\"/enterprises/") == 33 and "共 33 条" in fifty


def test_search_by_name_and_code(app, world, login_as):
    client = login_as(world.city)
    page = client.get("/enterprises?q=甲机械").get_data(as_text=True)
    assert "威海甲机械有限公司" in page and "文登丙纺织有限公司" not in page
    by_code = client.get("/enterprises?q=" + world.ent_b.credit_code[:12].lower()).get_data(as_text=True)
    assert "文登丙纺织有限公司" in by_code and "威海甲机械有限公司" not in by_code


def test_filters_size_band_unionised_unit_newform(app, world, factory, login_as):
    small = factory.enterprise(world.unit_a, name="小微企业", headcount=40, unionised=False)
    courier = factory.enterprise(world.unit_b, name="快递企业", headcount=1200,
                                 industry=factory.industry("快递", new_form=True))
    factory.session.commit()
    client = login_as(world.city)
    lt100 = client.get("/enterprises?size=lt100").get_data(as_text=True)
    assert small.name in lt100 and "威海甲机械有限公司" not in lt100
    big = client.get("/enterprises?size=1000").get_data(as_text=True)
    assert courier.name in big and small.name not in big
    band = client.get("/enterprises?size=300_999").get_data(as_text=True)
    assert "威海甲机械有限公司" in band and "威海乙食品有限公司" not in band
    not_union = client.get("/enterprises?unionised=0").get_data(as_text=True)
    assert small.name in not_union and "威海甲机械有限公司" not in not_union
    unit_b = client.get(f"/enterprises?unit={world.unit_b.id}").get_data(as_text=True)
    assert "文登丙纺织有限公司" in unit_b and "威海甲机械有限公司" not in unit_b
    new_form = client.get("/enterprises?newform=1").get_data(as_text=True)
    assert courier.name in new_form and small.name not in new_form
    above = client.get("/enterprises?above=0").get_data(as_text=True)
    assert "威海甲机械有限公司" not in above


def test_sort_by_headcount(app, world, login_as):
    page = login_as(world.city).get("/enterprises?sort=headcount").get_data(as_text=True)
    assert page.index("威海甲机械") < page.index("文登丙纺织") < page.index("威海乙食品")


def test_scoped_lists(app, world, login_as):
    district = login_as(world.district_a).get("/enterprises").get_data(as_text=True)
    assert "威海甲机械有限公司" in district and "文登丙纺织有限公司" not in district
    evaluator = login_as(world.evaluator).get("/enterprises").get_data(as_text=True)
    assert "威海甲机械有限公司" in evaluator and "威海乙食品有限公司" not in evaluator


def test_enterprise_user_lands_on_own_detail(app, world, login_as):
    client = login_as(world.ent_a_union)
    resp = client.get("/enterprises/mine")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/enterprises/{world.ent_a.id}")
    assert client.get("/enterprises").headers["Location"].endswith("/enterprises/mine")
    detail = client.get(f"/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "威海甲机械有限公司" in detail and "编辑企业信息" not in detail


def test_create_enterprise_and_audit(app, world, session, login_as):
    client = login_as(world.city)
    resp = client.post("/enterprises/new", data=enterprise_form(world.unit_a.id, world.industry.id,
                                                                union_chair_phone="0631-5201234"))
    assert resp.status_code == 302
    fresh(session)
    ent = session.scalar(select(Enterprise).where(Enterprise.name == "威海新建机械有限公司"))
    assert ent.credit_code == code(99) and ent.headcount == 150 and ent.unionised and not ent.above_size
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise_create"))
    assert entry.object_id == str(ent.id) and entry.username == "city"


def test_form_errors_are_chinese_400_and_keep_values(app, world, session, login_as):
    client = login_as(world.city)
    before = session.scalar(select(func.count()).select_from(Enterprise))
    resp = client.post("/enterprises/new", data=enterprise_form(
        world.unit_a.id, world.industry.id, name="保留的企业名", credit_code="91371002ABC", headcount="-5",
        union_chair_phone="电话"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "统一社会信用代码应为18位，当前为11位" in html
    assert "职工人数应为正整数" in html and "电话号码格式不正确" in html
    assert 'value="保留的企业名"' in html and 'value="91371002ABC"' in html
    bad_int = client.post("/enterprises/new", data=enterprise_form(world.unit_a.id, world.industry.id, headcount="abc"))
    assert bad_int.status_code == 400 and "不是有效的整数" in bad_int.get_data(as_text=True)
    fresh(session)
    assert session.scalar(select(func.count()).select_from(Enterprise)) == before


def test_bad_check_character_and_duplicate_code(app, world, login_as):
    client = login_as(world.city)
    good = code(5)
    wrong = good[:17] + next(ch for ch in ALPHABET if ch != good[17])
    html = client.post("/enterprises/new", data=enterprise_form(world.unit_a.id, world.industry.id,
                                                                credit_code=wrong)).get_data(as_text=True)
    assert "校验位错误" in html
    dup = client.post("/enterprises/new", data=enterprise_form(world.unit_a.id, world.industry.id,
                                                               credit_code=world.ent_b.credit_code))
    assert dup.status_code == 400 and "已登记为“文登丙纺织有限公司”" in dup.get_data(as_text=True)


def test_lower_case_full_width_code_is_normalised_with_note(app, world, session, login_as):
    client = login_as(world.city)
    good = code(11)
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in good[:4]) + good[4:].lower()
    resp = client.post("/enterprises/new", data=enterprise_form(world.unit_a.id, world.industry.id,
                                                                credit_code=full_width), follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "已将小写或全角字符转换为标准格式" in html and good in html
    fresh(session)
    assert session.scalar(select(Enterprise).where(Enterprise.credit_code == good)) is not None


def test_organisation_code_warning_is_flashed_but_saved(app, world, session, login_as):
    rng = random.Random(3)
    while True:
        org = "".join(rng.choice("0123456789") for _ in range(8))
        bad17 = next(c for c in "0123456789" if c != org_check_character(org))
        first17 = "91371002" + org + bad17
        legacy = first17 + check_character(first17)
        break
    resp = login_as(world.city).post("/enterprises/new", data=enterprise_form(
        world.unit_a.id, world.industry.id, credit_code=legacy), follow_redirects=True)
    assert "组织机构代码部分" in resp.get_data(as_text=True)
    fresh(session)
    assert session.scalar(select(Enterprise).where(Enterprise.credit_code == legacy)) is not None


def test_edit_records_changes(app, world, session, login_as):
    client = login_as(world.district_a)
    resp = client.post(f"/enterprises/{world.ent_a.id}/edit", data=enterprise_form(
        world.unit_a.id, world.industry.id, name="威海甲机械股份有限公司", credit_code=world.ent_a.credit_code,
        headcount="333"))
    assert resp.status_code == 302
    fresh(session)
    ent = session.get(Enterprise, world.ent_a.id)
    assert ent.name == "威海甲机械股份有限公司" and ent.headcount == 333
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "enterprise_update"))
    assert entry.details["changes"]["headcount"] == [320, 333]


def test_export_is_scoped_and_neutralises_formulas(app, world, factory, login_as):
    import io

    from openpyxl import load_workbook

    factory.enterprise(world.unit_a, name="=HYPERLINK(\"http://x\")有限公司")
    factory.session.commit()
    data = login_as(world.district_a).get("/enterprises/export.xlsx").data
    ws = load_workbook(io.BytesIO(data)).active
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert "文登丙纺织有限公司" not in names and "威海甲机械有限公司" in names
    assert "'=HYPERLINK(\"http://x\")有限公司" in names
    assert [c.value for c in ws[1]][:3] == ["企业名称", "统一社会信用代码", "所属区市"]
