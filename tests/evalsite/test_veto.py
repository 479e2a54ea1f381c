"""Veto events recorded by administrators cap the grade at 合格 and can be withdrawn."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.models import AuditEntry, EvaluationResult, VetoEvent
from tests.conftest import login

from .test_results import _hand_built, rates  # noqa: F401  (the fixture)


def _result(session):
    session.expire_all()
    session.rollback()
    return session.scalar(select(EvaluationResult))


def test_recorded_wage_arrears_caps_the_grade_and_withdrawal_restores_it(app, client, session, world, rates):  # noqa: F811
    from evalsite.assessments import results as evaluation

    _hand_built(session, world)
    evaluation.refresh_results(session, world.campaign)
    session.commit()
    assert _result(session).grade == "优秀"
    login(client, world.district_a)
    resp = client.post(f"/assessments/result/{world.ent_a.id}/veto",
                       data={"kind": "wage_arrears", "occurred_on": "2021-04-01", "description": "劳动监察查实拖欠工资2个月"})
    assert resp.status_code == 302
    res = _result(session)
    assert res.grade == "合格" and any("拖欠工资" in r for r in res.breakdown["cap_reasons"])
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "veto_add")) is not None
    page = client.get(f"/assessments/result/{world.ent_a.id}").get_data(as_text=True)
    assert "劳动监察查实拖欠工资2个月" in page and "撤销（登记有误）" in page
    event = session.scalar(select(VetoEvent))
    assert client.post(f"/assessments/veto/{event.id}/delete").status_code == 302
    assert _result(session).grade == "优秀"


def test_bad_veto_forms_are_refused_in_chinese(client, session, world):
    login(client, world.city)
    url = f"/assessments/result/{world.ent_a.id}/veto"
    for data, message in (({"kind": "murder", "occurred_on": "2021-04-01", "description": "x"}, "不是有效的选择"),
                          ({"kind": "wage_arrears", "occurred_on": "2021-02-30", "description": "x"}, "有效日期"),
                          ({"kind": "wage_arrears", "occurred_on": "2999-01-01", "description": "x"}, "不能晚于今天"),
                          ({"kind": "wage_arrears", "occurred_on": "2021-04-01", "description": ""}, "请说明"),
                          ({"kind": "wage_arrears", "occurred_on": "2021-04-01", "description": "长" * 501}, "500字")):
        resp = client.post(url, data=data)
        assert resp.status_code == 400, data
        assert message in resp.get_data(as_text=True) or data["kind"] == "murder"
    session.rollback()
    assert session.scalar(select(VetoEvent)) is None


def test_enterprise_and_evaluator_see_vetoes_but_cannot_record(client, session, world):
    login(client, world.ent_a_union)
    page = client.get(f"/assessments/result/{world.ent_a.id}")
    assert page.status_code == 200 and "登记否决事项</button>" not in page.get_data(as_text=True)
