"""Four eyes: the drafter does not approve, the approver does not issue alone; settings relax it."""
from __future__ import annotations

import pytest

from evalsite import four_eyes as F
from tests.evalsite.confirm_support import confirmed_post


def test_drafter_may_not_approve_by_default():
    with pytest.raises(F.FourEyesRefused) as exc:
        F.check_can_approve(7, 7, config={})
    assert "起草" in str(exc.value) and "四眼原则" in str(exc.value) and exc.value.status == 403
    F.check_can_approve(7, 8, config={})  # another person: fine


def test_approver_may_not_issue_alone_by_default():
    with pytest.raises(F.FourEyesRefused) as exc:
        F.check_can_issue(3, 3, config={})
    assert "审核" in str(exc.value) and "出具" in str(exc.value)
    F.check_can_issue(3, 4, config={})


def test_approver_may_issue_when_the_setting_says_so():
    relaxed = {"FOUR_EYES_APPROVER_MAY_ISSUE": True}
    F.check_can_issue(3, 3, config=relaxed)
    with pytest.raises(F.FourEyesRefused):  # the drafter still cannot approve
        F.check_can_approve(3, 3, config=relaxed)


def test_four_eyes_off_allows_one_person():
    off = {"FOUR_EYES": False}
    F.check_can_approve(1, 1, config=off)
    F.check_can_issue(1, 1, config=off)


def test_unknown_people_are_not_refused():
    F.check_can_approve(None, 1, config={})
    F.check_can_issue(None, 1, config={})
    F.check_can_issue(1, None, config={})  # a CLI batch issue


@pytest.mark.parametrize("raw,expected", [("0", False), ("off", False), ("1", True), ("yes", True),
                                          ("nonsense", True)])
def test_setting_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv("FOUR_EYES", raw)
    assert F.enabled(config={}) is expected
    assert F.enabled(config={"FOUR_EYES": False}) is False  # the app config wins


def test_setting_read_from_the_app_config(app):
    with app.app_context():
        assert F.enabled() is True and F.approver_may_issue() is False
        app.config["FOUR_EYES_APPROVER_MAY_ISSUE"] = True
        assert F.approver_may_issue() is True


# ---------------------------------------------------------------- on report versions, through the pages
def _draft(login_as, session, world, user):
    from sqlalchemy import select

    from evalsite.models import ReportVersion

    assert login_as(user).post(f"/reports/enterprise/{world.ent_a.id}/draft").status_code == 302
    session.expire_all(); session.rollback()
    return session.scalar(select(ReportVersion).order_by(ReportVersion.id.desc()))


def test_report_drafter_cannot_approve_and_approver_cannot_issue(app, world, session, login_as):
    from evalsite.models import ReportVersion
    from tests.evalsite.test_reports_workflow import make_result

    make_result(session, world.campaign, world.ent_a)
    v = _draft(login_as, session, world, world.district_a)
    admin = login_as(world.district_a)
    page = admin.get(f"/reports/versions/{v.id}").data.decode()
    assert "须由另一位管理员审核" in page and "审核通过</button>" not in page
    resp = confirmed_post(admin, f"/reports/versions/{v.id}/approve")
    assert resp.status_code == 403 and "起草人不能审核" in resp.data.decode()
    session.expire_all(); session.rollback()
    assert session.get(ReportVersion, v.id).status == "draft"
    city = login_as(world.city)
    assert confirmed_post(city, f"/reports/versions/{v.id}/approve").status_code == 302
    assert "须由另一位管理员（例如起草人）出具" in city.get(f"/reports/versions/{v.id}").data.decode()
    resp = confirmed_post(city, f"/reports/versions/{v.id}/issue")
    assert resp.status_code == 403 and "审核人不能独自出具" in resp.data.decode()
    session.expire_all(); session.rollback()
    assert session.get(ReportVersion, v.id).status == "approved"
    assert confirmed_post(login_as(world.district_a), f"/reports/versions/{v.id}/issue").status_code == 302
    session.expire_all(); session.rollback()
    v = session.get(ReportVersion, v.id)
    assert v.status == "issued" and {v.drafted_by_id, v.issued_by_id} == {world.district_a.id}
    assert v.approved_by_id == world.city.id


def test_relaxed_settings_let_one_person_do_more(app, world, session, login_as):
    from evalsite.models import ReportVersion
    from tests.evalsite.test_reports_workflow import make_result

    make_result(session, world.campaign, world.ent_a)
    app.config["FOUR_EYES_APPROVER_MAY_ISSUE"] = True
    v = _draft(login_as, session, world, world.evaluator)
    city = login_as(world.city)
    assert confirmed_post(city, f"/reports/versions/{v.id}/approve").status_code == 302
    assert confirmed_post(city, f"/reports/versions/{v.id}/issue").status_code == 302
    app.config["FOUR_EYES"] = False
    v2 = _draft(login_as, session, world, world.city)
    assert confirmed_post(city, f"/reports/versions/{v2.id}/approve").status_code == 302
    session.expire_all(); session.rollback()
    assert session.get(ReportVersion, v.id).status == "issued"
    assert session.get(ReportVersion, v2.id).status == "approved"
