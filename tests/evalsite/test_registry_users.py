"""Account administration: who may create what, deactivation ends sessions, password reset, audit log."""
from __future__ import annotations

from sqlalchemy import select

from evalsite.auth.passwords import verify_password
from evalsite.models import AuditEntry, User
from tests.evalsite.test_registry_helpers import fresh


def _form(**kw):
    data = {"username": "newuser", "display_name": "新用户", "role": "evaluator", "unit_id": "0",
            "enterprise_code": "", "side": "", "password": "Harbour-Gull-Quiet-58"}
    data.update(kw)
    return data


def _user(session, username):
    fresh(session)
    return session.scalar(select(User).where(User.username == username))


def test_district_admin_cannot_create_city_admin(app, world, session, login_as):
    resp = login_as(world.district_a).post("/users/new", data=_form(role="city_admin"))
    assert resp.status_code == 400 and "您无权创建“市级管理员”账号" in resp.get_data(as_text=True)
    assert _user(session, "newuser") is None


def test_district_admin_cannot_create_user_for_other_unit(app, world, session, login_as):
    client = login_as(world.district_a)
    resp = client.post("/users/new", data=_form(unit_id=str(world.unit_b.id)))
    assert resp.status_code == 400 and "只能为本单位创建账号" in resp.get_data(as_text=True)
    resp = client.post("/users/new", data=_form(role="enterprise", enterprise_code=world.ent_b.credit_code,
                                                side="union"))
    assert resp.status_code == 400 and "不属于本单位" in resp.get_data(as_text=True)
    assert _user(session, "newuser") is None


def test_district_admin_creates_evaluator_and_enterprise_account(app, world, session, login_as):
    client = login_as(world.district_a)
    assert client.post("/users/new", data=_form(unit_id=str(world.unit_a.id))).status_code == 302
    user = _user(session, "newuser")
    assert user.role == "evaluator" and user.unit_id == world.unit_a.id
    assert verify_password(user.password_hash, "Harbour-Gull-Quiet-58")
    resp = client.post("/users/new", data=_form(username="ent_new", role="enterprise",
                                                enterprise_code=world.ent_a.credit_code, side="management"))
    assert resp.status_code == 302
    ent_user = _user(session, "ent_new")
    assert ent_user.enterprise_id == world.ent_a.id and ent_user.side == "management"
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "user_create",
                                                   AuditEntry.object_id == str(ent_user.id))) is not None


def test_create_user_validation_messages(app, world, login_as):
    client = login_as(world.city)
    resp = client.post("/users/new", data=_form(username="city", role="enterprise", password="abcdefghijkl",
                                                enterprise_code=""))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "密码太容易被猜出" in html  # a 12-letter run: long enough, still guessable
    resp = client.post("/users/new", data=_form(username="city", role="enterprise", enterprise_code="", side=""))
    html = resp.get_data(as_text=True)
    assert "用户名 city 已存在" in html and "统一社会信用代码不能为空" in html and "须选择职工方或企业方" in html
    assert 'value="新用户"' in html
    resp = client.post("/users/new", data=_form(password="short1"))
    assert "至少需要12个字符" in resp.get_data(as_text=True)


def test_user_list_scoped(app, world, login_as):
    html = login_as(world.district_a).get("/users").get_data(as_text=True)
    assert "ent_a_union" in html and "evaluator" in html
    assert "ent_b_union" not in html and "district_b" not in html and ">city<" not in html
    assert login_as(world.district_a).get(f"/users/{world.ent_b_union.id}/edit").status_code == 403
    assert login_as(world.district_a).get(f"/users/{world.city.id}/password").status_code == 403


def test_deactivation_ends_sessions_and_reactivation(app, world, session, login_as):
    from tests.conftest import login

    victim = app.test_client()
    login(victim, world.ent_a_mgmt)
    assert victim.get(f"/enterprises/{world.ent_a.id}").status_code == 200
    admin = login_as(world.district_a)
    assert admin.post(f"/users/{world.ent_a_mgmt.id}/deactivate").status_code == 302
    user = _user(session, "ent_a_mgmt")
    assert not user.active and user.session_version == 2
    resp = victim.get(f"/enterprises/{world.ent_a.id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert admin.post(f"/users/{world.ent_a_mgmt.id}/reactivate").status_code == 302
    user = _user(session, "ent_a_mgmt")
    assert user.active and user.session_version == 3
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(user.id))).all()
    assert "user_deactivate" in actions and "user_reactivate" in actions


def test_cannot_deactivate_self(app, world, login_as):
    assert login_as(world.district_a).post(f"/users/{world.district_a.id}/deactivate").status_code == 409


def test_reset_password_ends_sessions(app, world, session, login_as):
    from tests.conftest import login

    victim = app.test_client()
    login(victim, world.evaluator)
    admin = login_as(world.city)
    bad = admin.post(f"/users/{world.evaluator.id}/password", data={"new": "Chengshan-Cape-Dawn-4", "confirm": "Other123"})
    assert bad.status_code == 400 and "两次输入的新密码不一致" in bad.get_data(as_text=True)
    assert admin.post(f"/users/{world.evaluator.id}/password",
                      data={"new": "Chengshan-Cape-Dawn-4", "confirm": "Chengshan-Cape-Dawn-4"}).status_code == 302
    user = _user(session, "evaluator")
    assert verify_password(user.password_hash, "Chengshan-Cape-Dawn-4")
    assert victim.get("/enterprises").status_code == 302


def test_edit_user(app, world, session, login_as):
    client = login_as(world.city)
    resp = client.post(f"/users/{world.evaluator.id}/edit", data={"display_name": "评估员甲", "unit_id": "0"})
    assert resp.status_code == 400 and "请选择所属单位" in resp.get_data(as_text=True)
    resp = client.post(f"/users/{world.evaluator.id}/edit",
                       data={"display_name": "评估员甲", "unit_id": str(world.unit_b.id)})
    assert resp.status_code == 302
    user = _user(session, "evaluator")
    assert user.display_name == "评估员甲" and user.unit_id == world.unit_b.id


def test_audit_log_newest_first_filtered(app, world, session, login_as):
    client = login_as(world.city)
    client.post(f"/users/{world.evaluator.id}/deactivate")
    client.post(f"/users/{world.evaluator.id}/reactivate")
    html = client.get("/audit").get_data(as_text=True).split("<tbody>")[1]
    assert html.index("<td>重新启用账号</td>") < html.index("<td>停用账号</td>")  # labelled, newest first
    assert "user_reactivate" not in html and "user_deactivate" not in html
    only = client.get("/audit?action=user_deactivate").get_data(as_text=True).split("<tbody>")[1]
    assert "启用账号" not in only and "停用账号 evaluator" in only
    assert "停用账号" not in client.get("/audit?user=nobody").get_data(as_text=True).split("<tbody>")[1]
    assert login_as(world.district_a).get("/audit").status_code == 403
