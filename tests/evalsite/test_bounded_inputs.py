"""Numbers outside the database's range are refused with a 404/400, never a driver error (500).

The sweep of issue 12 found 500s for ids ≥ 2^63 on SQLite and ≥ 2^31 on
PostgreSQL on about 40 routes, for ``?campaign=2147483648`` and for
``wage_increase_pct=NaN``. Run this file with ``TEST_DATABASE_URL`` set to
check PostgreSQL too.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms import DecimalField, FloatField, IntegerField
from wtforms.validators import NumberRange

import evalsite
from evalsite.inputs import MAX_ID, MIN_INT, DbInteger, Finite
from tests.conftest import login
from tests.evalsite.test_registry_helpers import contract_form

HUGE_IDS = [0, 2**31, 2**31 + 7, 2**63, 2**64, 10**30, "9" * 5000]


def _id_rules(app):
    for rule in app.url_map.iter_rules():
        names = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if names:
            yield rule, names


def _url(rule, names, value) -> str:
    url = rule.rule
    for name in names:
        url = url.replace(f"<int:{name}>", str(value))
    return url


def test_every_int_rule_uses_the_bounded_converter(app):
    rules = list(_id_rules(app))
    assert len(rules) >= 40
    assert all(type(rule._converters[n]).__name__ == "IdConverter" for rule, names in rules for n in names)


@pytest.mark.parametrize("who", ["anon", "city", "district_b", "evaluator", "ent_a_union"])
def test_ids_outside_the_integer_range_are_404_on_every_route(app, world, who):
    client = app.test_client()
    if who != "anon":
        login(client, getattr(world, who))
    wrong = []
    for rule, names in _id_rules(app):
        method = "GET" if "GET" in rule.methods else "POST"
        for value in HUGE_IDS:
            url = _url(rule, names, value)
            status = client.open(url, method=method).status_code
            if status != 404:
                wrong.append(f"{method} {url[:60]}: {status}")
        if who == "city":  # the largest id that fits: the view answers (404: no such row), not the driver
            status = client.open(_url(rule, names, MAX_ID), method=method).status_code
            if status >= 500:
                wrong.append(f"{method} {rule.rule} at 2^31-1: {status}")
    assert wrong == []


def test_arabic_indic_digits_are_not_ids(app, world, login_as):
    client = login_as(world.city)
    assert client.get("/enterprises/\u0661").status_code == 404


@pytest.mark.parametrize("url", [
    "/surveys/?campaign=2147483648", "/surveys/?campaign=9223372036854775808", "/surveys/?page=2147483648",
    "/surveys/?unit=99999999999999999999", "/surveys/export.csv?enterprise=2147483648",
    "/enterprises?unit=9223372036854775808", "/enterprises?industry=2147483648", "/enterprises?page=-3",
    "/users?unit=2147483648", "/area-contracts?unit=2147483648", "/area-contracts?industry=1e9",
    "/assessments/assignments?unit=2147483648", "/assessments/assignments?page=9223372036854775808",
    "/dashboard/enterprises?key=enrolled&unit=2147483648", "/dashboard/enterprises?key=enrolled&page=0",
    "/reports/?campaign=2147483648", "/assessments/analysis?campaign=99999999999999999999999",
])
def test_integer_parameters_outside_the_range_are_a_chinese_400(app, world, login_as, url):
    client = login_as(world.city)
    resp = client.get(url)
    assert resp.status_code == 400, (url, resp.status_code)
    page = resp.get_data(as_text=True)
    assert "之间的整数" in page


def test_integer_form_values_outside_the_range_are_a_chinese_400(app, world, login_as):
    client = login_as(world.city)
    resp = client.post("/assessments/assignments", data={"enterprise_id": str(2**63), "evaluator_id": "1"})
    assert resp.status_code == 400 and "之间的整数" in resp.get_data(as_text=True)
    resp = client.post(f"/reports/enterprise/{world.ent_a.id}/draft", data={"campaign": str(2**63)})
    assert resp.status_code == 400 and "之间的整数" in resp.get_data(as_text=True)


def test_values_inside_the_range_still_filter(app, world, login_as):
    client = login_as(world.city)
    page = client.get(f"/enterprises?unit={world.unit_b.id}").get_data(as_text=True)
    assert world.ent_b.name in page and world.ent_a.name not in page
    assert client.get("/enterprises?unit=").status_code == 200  # the empty "全部" option


@pytest.mark.parametrize("value", ["NaN", "nan", "sNaN", "Infinity", "-inf", "1e400"])
def test_not_a_number_in_the_contract_form_is_refused_and_nothing_saved(app, world, session, login_as, value):
    from sqlalchemy import func, select

    from evalsite.models import CollectiveContract

    client = login_as(world.city)
    resp = client.post(f"/enterprises/{world.ent_a.id}/contracts/new",
                       data=contract_form(title="保留的标题", wage_increase_pct=value))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "保留的标题" in page
    assert "NaN" in page or "数值过大" in page
    assert session.scalar(select(func.count()).select_from(CollectiveContract)) == 0


@pytest.mark.parametrize("field, value, message", [
    ("term_years", "NaN", "不接受 NaN"), ("min_wage", "Infinity", "不接受 NaN"),
    ("piece_rate", "1e12", "数值过大"), ("wage_increase_pct", "123456", "数值过大"),
    ("covered_workers", str(2**31), "数值超出范围"), ("worker_reps", str(2**63), "数值超出范围"),
])
def test_every_number_of_the_contract_form_is_bounded(app, world, login_as, field, value, message):
    client = login_as(world.city)
    resp = client.post(f"/enterprises/{world.ent_a.id}/contracts/new", data=contract_form(**{field: value}))
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_not_a_number_in_the_campaign_targets_is_refused(app, world, login_as, value):
    client = login_as(world.city)
    resp = client.post("/campaigns/new", data={"code": "2030-X", "name": "测试行动", "start_date": "2030-01-01",
                                              "end_date": "2030-12-31", "target_establishment_pct": value,
                                              "target_wage_pct": "90", "min_headcount": "100"})
    assert resp.status_code == 400 and "不接受 NaN" in resp.get_data(as_text=True)


def _form_classes():
    for info in pkgutil.walk_packages(evalsite.__path__, "evalsite."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                yield cls


def _bounded(field_cls, validators) -> bool:
    validators = list(validators)
    if field_cls in (DecimalField, FloatField):  # NaN must be refused before NumberRange compares it
        finite = [i for i, v in enumerate(validators) if isinstance(v, Finite)]
        ranges = [i for i, v in enumerate(validators) if isinstance(v, NumberRange)]
        return bool(finite) and all(finite[0] < i for i in ranges)
    if any(isinstance(v, DbInteger) for v in validators):
        return True
    if field_cls is IntegerField:  # a NumberRange with both ends inside the column's range is enough
        return any(isinstance(v, NumberRange) and v.min is not None and v.max is not None
                   and MIN_INT <= v.min and v.max <= MAX_ID for v in validators)
    return False


def test_every_number_field_of_every_form_is_bounded():
    checked, unbounded = 0, []
    for cls in _form_classes():
        for name, unbound in vars(cls).items():
            field_cls = getattr(unbound, "field_class", None)
            if field_cls in (IntegerField, DecimalField, FloatField):
                checked += 1
                validators = unbound.kwargs.get("validators") or (unbound.args[1:2] or [()])[0] or ()
                if not _bounded(field_cls, validators):
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked >= 15
    assert unbounded == [], "number fields without Finite/DbInteger: " + ", ".join(unbounded)
