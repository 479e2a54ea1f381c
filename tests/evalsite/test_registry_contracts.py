"""Contract data-entry rules (every error and warning) and the contract, coverage and meeting pages."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from evalsite.models import BargainingMeeting, CollectiveContract, ContractCoverage
from evalsite.registry.contract_rules import check
from tests.evalsite.test_registry_helpers import fresh, contract, contract_form, meeting

D = dt.date
LAWFUL = dict(kind="wage", offer_date=D(2021, 3, 1), reply_date=D(2021, 3, 10), worker_reps=3, employer_reps=3,
              congress_date=D(2021, 3, 25), congress_members=60, congress_present=50, congress_in_favour=45,
              signing_date=D(2021, 3, 26), submitted_date=D(2021, 3, 30), effective_date=D(2021, 4, 14),
              term_years=Decimal(1), wage_increase_pct=Decimal("5"), min_wage=Decimal("2100"))


def test_lawful_contract_has_no_errors_or_warnings():
    result = check(LAWFUL, new_form=True)
    assert result.ok and result.warnings == []


@pytest.mark.parametrize("change, field, message", [
    ({"congress_present": 61}, "congress_present", "出席人数不能多于"),
    ({"congress_in_favour": 51}, "congress_in_favour", "赞成人数不能多于出席人数"),
    ({"worker_reps": -1}, "worker_reps", "不能为负数"),
    ({"covered_workers": -3}, "covered_workers", "不能为负数"),
    ({"min_wage": Decimal("-1")}, "min_wage", "不能为负数"),
    ({"reply_date": D(2021, 2, 27)}, "reply_date", "答复日期不能早于要约日期"),
    ({"signing_date": D(2021, 3, 20), "submitted_date": None, "effective_date": None}, "signing_date",
     "签订日期不能早于职代会"),
    ({"submitted_date": D(2021, 3, 25)}, "submitted_date", "报送人社部门审查的日期不能早于签订日期"),
    ({"effective_date": D(2021, 3, 20)}, "effective_date", "生效日期不能早于签订日期"),
    ({"term_years": Decimal(0)}, "term_years", "合同期限应大于0年且不超过10年"),
    ({"term_years": Decimal(11)}, "term_years", "合同期限应大于0年且不超过10年"),
    ({"wage_increase_pct": Decimal("-51")}, "wage_increase_pct", "-50% 至 100%"),
    ({"wage_increase_pct": Decimal("101")}, "wage_increase_pct", "-50% 至 100%"),
    ({"covered_workers": 10, "covered_new_form_workers": 11}, "covered_new_form_workers", "新就业形态劳动者数不能多于"),
])
def test_impossible_values_are_errors(change, field, message):
    result = check({**LAWFUL, **change})
    assert not result.ok
    assert any(message in m for m in result.errors[field]), result.errors


def test_coverage_count_below_linked_enterprises_is_an_error():
    assert "覆盖企业数不能少于" in check({**LAWFUL, "covered_enterprises": 2}, linked_enterprises=3).errors[
        "covered_enterprises"][0]


@pytest.mark.parametrize("change, text", [
    ({"reply_date": D(2021, 3, 25)}, "第32条"),
    ({"worker_reps": 2, "employer_reps": 2}, "不少于3人"),
    ({"worker_reps": 5, "employer_reps": 4}, "人数不相等"),
    ({"congress_present": 39, "congress_in_favour": 35}, "不足应到60人的三分之二"),
    ({"congress_in_favour": 30}, "未超过全体60人的半数"),
    ({"submitted_date": D(2021, 4, 10), "effective_date": D(2021, 4, 25)}, "第42条"),
    ({"term_years": Decimal(5)}, "第38条"),
    ({"term_years": Decimal("0.5")}, "第38条"),
    ({"wage_increase_pct": None, "min_wage": None, "piece_rate": None}, "工资专项集体合同未填写任何工资数额"),
    ({"min_wage": Decimal("1800")}, "低于当地最低工资"),
])
def test_legal_deviations_are_warnings(change, text):
    result = check({**LAWFUL, **change}, new_form=True)
    assert result.ok, result.errors
    assert any(text in w for w in result.warnings), result.warnings


def test_min_wage_warning_only_for_new_forms_and_configurable():
    low = {**LAWFUL, "min_wage": Decimal("1800")}
    assert not any("最低工资" in w for w in check(low, new_form=False).warnings)
    assert not any("最低工资" in w for w in check(low, new_form=True, local_min_wage=1700).warnings)


def test_create_contract_saves_and_flashes_warnings(app, world, session, login_as):
    client = login_as(world.city)
    resp = client.post(f"/enterprises/{world.ent_a.id}/contracts/new",
                       data=contract_form(reply_date="2021-03-30", congress_date="2021-03-31",
                                          signing_date="2021-04-01", submitted_date="2021-04-02",
                                          effective_date="2021-04-17"), follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "集体合同已保存" in html and "第32条" in html
    assert "有效期至2024年4月16日" in html            # 3 years from 2021-04-17, by the calendar
    fresh(session)
    c = session.scalar(select(CollectiveContract))
    assert c.enterprise_id == world.ent_a.id and c.reply_date == D(2021, 3, 30) and c.congress_members == 60


def test_contract_form_errors_next_to_fields_and_nothing_saved(app, world, session, login_as):
    client = login_as(world.city)
    resp = client.post(f"/enterprises/{world.ent_a.id}/contracts/new",
                       data=contract_form(title="保留标题", congress_present="70", reply_date="2021-02-01",
                                          term_years="12", wage_increase_pct="abc"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    for message in ("出席人数不能多于", "不是有效的小数"):
        assert message in html
    assert 'value="保留标题"' in html and 'value="70"' in html
    fresh(session)
    assert session.scalar(select(func.count()).select_from(CollectiveContract)) == 0
    resp = client.post(f"/enterprises/{world.ent_a.id}/contracts/new",
                       data=contract_form(congress_present="70", reply_date="2021-02-01", term_years="12"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "答复日期不能早于要约日期" in html and "合同期限应大于0年且不超过10年" in html


def test_area_contract_coverage_picker(app, world, session, login_as):
    client = login_as(world.city)
    bad = world.ent_a.credit_code[:17] + ("0" if world.ent_a.credit_code[17] != "0" else "1")
    resp = client.post("/area-contracts/new", data=contract_form(
        scope="industry", unit_id=str(world.unit_a.id), industry_id=str(world.industry.id),
        coverage_codes=f"{world.ent_a.credit_code}\n{bad}\n91371002XXXX\n" + "9" * 17 + "0"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "第2行" in html and "校验位错误" in html and "第3行" in html and "应为18位" in html
    resp = client.post("/area-contracts/new", data=contract_form(
        scope="regional", unit_id=str(world.unit_a.id), industry_id="0", covered_enterprises="12",
        coverage_codes=f"{world.ent_a.credit_code}\n{world.ent_a2.credit_code.lower()}\n\n{world.ent_a.credit_code}"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    fresh(session)
    c = session.scalar(select(CollectiveContract).where(CollectiveContract.scope == "regional"))
    assert {cov.enterprise_id for cov in c.coverage} == {world.ent_a.id, world.ent_a2.id}
    assert c.covered_enterprises == 12 and c.enterprise_id is None
    listing = client.get("/area-contracts").get_data(as_text=True)
    assert c.title in listing
    detail = login_as(world.ent_a_union).get(f"/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert c.title in detail


def test_district_coverage_limited_to_own_unit(app, world, session, login_as):
    resp = login_as(world.district_a).post("/area-contracts/new", data=contract_form(
        scope="industry", unit_id=str(world.unit_a.id), industry_id="0",
        coverage_codes=f"{world.ent_a.credit_code}\n{world.ent_b.credit_code}"))
    assert resp.status_code == 400 and "不在您管理的范围内" in resp.get_data(as_text=True)
    fresh(session)
    assert session.scalar(select(func.count()).select_from(ContractCoverage)) == 0


def test_meetings_add_edit_delete(app, world, session, login_as):
    c = contract(session, world.ent_a)
    m = meeting(session, c)
    session.commit()
    client = login_as(world.district_a)
    assert client.post(f"/contracts/{c.id}/meetings", data={"date": "2021-03-18", "online": "y"}).status_code == 302
    bad = client.post(f"/contracts/{c.id}/meetings", data={"date": "2021-13-45"})
    assert bad.status_code == 400 and "不是有效的日期值" in bad.get_data(as_text=True)
    assert client.post(f"/meetings/{m.id}", data={"date": "2021-03-16", "notes": "第二轮"}).status_code == 302
    fresh(session)
    rows = session.scalars(select(BargainingMeeting).order_by(BargainingMeeting.date)).all()
    assert [(r.date, r.online) for r in rows] == [(D(2021, 3, 16), False), (D(2021, 3, 18), True)]
    assert client.post(f"/meetings/{m.id}/delete").status_code == 302
    fresh(session)
    assert session.scalar(select(func.count()).select_from(BargainingMeeting)) == 1
    detail = client.get(f"/contracts/{c.id}").get_data(as_text=True)
    assert "协商会议（1 次）" in detail


def test_delete_contract(app, world, session, login_as):
    c = contract(session, world.ent_a)
    meeting(session, c)
    session.commit()
    assert login_as(world.city).post(f"/contracts/{c.id}/delete").status_code == 302
    fresh(session)
    assert session.scalar(select(func.count()).select_from(CollectiveContract)) == 0
    assert session.scalar(select(func.count()).select_from(BargainingMeeting)) == 0


def test_legal_clocks_come_from_the_region_rules_file():
    import datetime as dt

    from evalsite.registry.contract_rules import check
    from scoring.procedure import region_rules

    values = {"offer_date": dt.date(2021, 3, 1), "reply_date": dt.date(2021, 3, 18)}  # 17 days
    assert not any("答复" in w for w in check(values).warnings)  # 山东: 20 days
    shanghai = check(values, rules=region_rules("上海"))  # 15 days
    assert any("超过15日" in w for w in shanghai.warnings)


def test_local_minimum_wage_follows_the_signing_date():
    import datetime as dt

    from evalsite.registry.contract_rules import check

    before = {"min_wage": 2000, "signing_date": dt.date(2021, 4, 1)}
    after = {"min_wage": 2000, "signing_date": dt.date(2022, 4, 1)}
    assert not any("最低工资" in w for w in check(before, new_form=True).warnings)  # 1910 then
    assert any("最低工资" in w for w in check(after, new_form=True).warnings)  # 2100 from 2021-10-01


def test_contract_starting_on_the_31st_is_in_force_to_the_day_before_the_anniversary(session):
    c = CollectiveContract(kind="wage", title="合同", review_result="no_objection",
                           effective_date=D(2021, 3, 31), term_years=Decimal(1))
    assert c.expiry_date == D(2022, 3, 30)
    assert c.in_force(D(2022, 3, 30)) and not c.in_force(D(2022, 3, 31))
