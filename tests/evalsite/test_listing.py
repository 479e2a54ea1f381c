"""The one listing helper (evalsite/listing.py): search, sorting, filters, page size, bad parameters, export."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from evalsite.db import db
from evalsite.domain_errors import DomainError
from evalsite.listing import Column, Filter, Listing
from evalsite.models import Enterprise
from evalsite.registry.lists import ENTERPRISES


def _names(lq_args, app, stmt=None):
    with app.test_request_context("/"):
        lq = ENTERPRISES.parse(MultiDict(lq_args))
        rows = db.session.scalars(ENTERPRISES.apply(stmt if stmt is not None else select(Enterprise), lq)).all()
        return [e.name for e in rows]


def _status(app, args) -> int:
    with app.test_request_context("/"):
        try:
            ENTERPRISES.parse(MultiDict(args))
        except DomainError as e:  # abort_zh raises the domain error of its status
            return e.status
        except HTTPException as e:
            return e.code
    return 200


def test_search_by_name_or_credit_code_prefix_any_case(app, world):
    assert _names({"q": "甲机械"}, app) == [world.ent_a.name]
    assert _names({"q": world.ent_b.credit_code[:10].lower()}, app) == [world.ent_b.name]
    assert _names({"q": world.ent_b.credit_code[3:12]}, app) == []  # a code matches from its start only
    assert _names({"q": "%"}, app) == []  # LIKE wildcards are text


def test_sort_by_column_and_direction(app, world):
    asc = _names({"sort": "headcount", "dir": "asc"}, app)
    assert asc == [world.ent_a2.name, world.ent_b.name, world.ent_a.name]
    assert _names({"sort": "headcount", "dir": "desc"}, app) == asc[::-1]
    assert _names({"sort": "headcount"}, app) == asc[::-1]  # counts sort largest first by default
    # the default order (district, then name) for an unknown column or direction: old links still open
    default = _names({}, app)
    assert default == [world.ent_a2.name, world.ent_a.name, world.ent_b.name]
    assert _names({"sort": "nonsense"}, app) == default
    assert _names({"sort": "headcount", "dir": "sideways"}, app) == asc[::-1]


def test_filters_district_industry_bool_choice(app, world, factory):
    other = factory.industry("快递", new_form=True)
    courier = factory.enterprise(world.unit_b, name="快递企业", industry=other, headcount=1200, unionised=False)
    factory.session.commit()
    assert set(_names({"unit": str(world.unit_b.id)}, app)) == {world.ent_b.name, courier.name}
    assert _names({"industry": str(other.id)}, app) == [courier.name]
    assert _names({"unionised": "0"}, app) == [courier.name]
    assert _names({"size": "1000"}, app) == [courier.name]
    assert _names({"newform": "1", "unit": str(world.unit_a.id)}, app) == []
    assert _names({"unit": ""}, app) == _names({}, app)  # "全部"


@pytest.mark.parametrize("args", [
    {"page": "x"}, {"page": "0"}, {"page": "99999999999"}, {"per_page": "30"}, {"per_page": "abc"},
    {"format": "csv"}, {"unit": "abc"}, {"unit": "2147483648"}, {"unionised": "yes"}, {"size": "huge"},
])
def test_bad_parameters_are_a_chinese_400(app, world, args):
    assert _status(app, args) == 400


def test_bad_parameter_message_is_chinese_and_names_the_parameter(app, world, login_as):
    resp = login_as(world.city).get("/enterprises?per_page=30")
    assert resp.status_code == 400 and "每页条数" in resp.get_data(as_text=True)
    resp = login_as(world.city).get("/enterprises?unionised=maybe")
    assert resp.status_code == 400 and "已建会" in resp.get_data(as_text=True)


def test_page_size_and_last_page(app, world, factory):
    for i in range(45):
        factory.enterprise(world.unit_a, name=f"批量{i:02d}")
    factory.session.commit()
    with app.test_request_context("/"):
        for size, pages in ((20, 3), (50, 1), (100, 1)):
            lq = ENTERPRISES.parse(MultiDict({"per_page": str(size)}))
            items, page = ENTERPRISES.page(ENTERPRISES.apply(select(Enterprise), lq), lq)
            assert page.pages == pages and page.total == 48 and len(items) == min(size, 48)
        lq = ENTERPRISES.parse(MultiDict({"page": "9"}))  # past the end: the last page
        items, page = ENTERPRISES.page(ENTERPRISES.apply(select(Enterprise), lq), lq)
        assert page.page == 3 and len(items) == 8


def test_python_rows_search_sort_filter(app, world):
    rows = [SimpleNamespace(name=n, code=c, unit=u, count=k) for n, c, u, k in (
        ("甲公司", "91371000AAA", 1, 7), ("乙公司", "91371000BBB", 2, None), ("丙公司", "92370000CCC", 1, 12))]
    lst = Listing("测试", [Column("name", "名称", value=lambda r: r.name),
                         Column("count", "数量", value=lambda r: r.count, desc_first=True)],
                  [Filter("unit", "区市", "id", [(1, "一"), (2, "二")], test=lambda r, v: r.unit == v)],
                  search_rows=lambda r: (r.name, r.code), rows=True)
    with app.test_request_context("/"):
        def names(args):
            return [r.name for r in lst.apply_rows(rows, lst.parse(MultiDict(args)))]
        assert names({"q": "91371000b"}) == ["乙公司"]
        assert names({"q": "丙"}) == ["丙公司"]
        assert names({"sort": "count"}) == ["丙公司", "甲公司", "乙公司"]  # empty cells last
        assert names({"sort": "count", "dir": "asc"}) == ["甲公司", "丙公司", "乙公司"]
        assert names({"unit": "1", "sort": "name"}) == sorted(["甲公司", "丙公司"])


def test_export_holds_exactly_the_filtered_rows_of_every_page(app, world, factory):
    for i in range(30):
        factory.enterprise(world.unit_a, name=f"导出企业{i:02d}", headcount=100 + i)
    factory.enterprise(world.unit_a, name="=HYPERLINK(\"x\")导出企业")
    factory.session.commit()
    with app.test_request_context("/"):
        lq = ENTERPRISES.parse(MultiDict({"q": "导出企业", "sort": "headcount", "dir": "asc"}))
        stmt = ENTERPRISES.apply(select(Enterprise), lq)
        shown, page = ENTERPRISES.page(stmt, lq)
        assert page.pages == 2
        wb = load_workbook(io.BytesIO(ENTERPRISES.xlsx_response(stmt).data))
    sheet = list(wb.active.iter_rows(values_only=True))
    assert sheet[0][:2] == ("企业名称", "统一社会信用代码")
    names = [r[0] for r in sheet[1:]]
    assert len(names) == 31 and names[:20] == [e.name for e in shown]  # all pages, in the page's order
    assert "'=HYPERLINK(\"x\")导出企业" in names  # neutralised, never a formula


def test_export_through_the_page_matches_the_list(app, world, factory, login_as):
    client = login_as(world.district_a)
    resp = client.get("/enterprises/export.xlsx?q=威海&sort=name")
    wb = load_workbook(io.BytesIO(resp.data))
    names = [r[0] for r in list(wb.active.iter_rows(values_only=True))[1:]]
    assert sorted(names) == sorted([world.ent_a.name, world.ent_a2.name])  # the district's scope only
    resp = client.get("/enterprises?q=威海&format=xlsx")
    assert resp.status_code == 302 and "export.xlsx" in resp.headers["Location"]


def test_sortable_headers_and_page_sizes_on_the_page(app, world, factory, login_as):
    for i in range(25):
        factory.enterprise(world.unit_a, name=f"页面企业{i:02d}")
    factory.session.commit()
    page = login_as(world.city).get("/enterprises?sort=name&dir=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "dir=desc" in page  # a second click reverses
    assert "per_page=50" in page and "format=xlsx" in page
