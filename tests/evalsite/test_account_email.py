"""One's own e-mail address on the account page: every role, only one's own, the current password, validation,
CSRF, the audit entry, and the notification mail that then goes to the new address (a real local SMTP server)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from evalsite import create_app
from evalsite.models import AuditEntry, User
from tests.conftest import PASSWORD, login
from tests.evalsite.test_inbox import _mails_to, app_config, smtp  # noqa: F401  (the SMTP fixtures)

ROLES = ["city", "district_a", "evaluator", "ent_a_union", "ent_a_mgmt"]


def _email(session, user):
    session.expire_all()
    session.rollback()
    return session.get(User, user.id).email


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sets_and_clears_only_its_own_address(app, world, session, login_as, who):
    me = getattr(world, who)
    other = world.district_b
    other.email = "district_b@example.cn"
    session.commit()
    client = login_as(me)
    page = client.get("/account").data.decode()
    assert "我的账号" in page and "电子邮箱" in page and me.username in page
    resp = client.post("/account", data={"email": f" {who}@new.example.cn ", "current": PASSWORD,
                                         "user_id": other.id, "id": other.id})  # a foreign id is not read
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/account")
    assert _email(session, me) == f"{who}@new.example.cn"
    assert _email(session, other) == "district_b@example.cn"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "email_change")).one()
    assert entry.object_id in (str(me.id), me.id) and entry.details["changes"]["email"] == [None, f"{who}@new.example.cn"]
    assert "已保存" in client.get("/account").data.decode()
    cleared = client.post("/account", data={"email": "", "current": PASSWORD})
    assert cleared.status_code == 303 and _email(session, me) is None


def test_a_wrong_password_changes_nothing_and_is_audited(app, world, session, login_as):
    world.evaluator.email = "old@example.cn"
    session.commit()
    client = login_as(world.evaluator)
    resp = client.post("/account", data={"email": "thief@example.cn", "current": "not-my-password"})
    page = resp.data.decode()
    assert resp.status_code == 400 and "当前密码不正确" in page and 'value="thief@example.cn"' in page
    assert _email(session, world.evaluator) == "old@example.cn"
    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("email_change%"))).all() == [
        "email_change_refused"]
    missing = client.post("/account", data={"email": "thief@example.cn"})
    assert missing.status_code == 400 and "请输入当前密码" in missing.data.decode()
    assert _email(session, world.evaluator) == "old@example.cn"


@pytest.mark.parametrize("bad", ["zhangsan", "a@b", "two words@example.cn", "x@@example.cn",
                                 "a" * 250 + "@example.cn", "<script>@x.cn"])
def test_a_bad_address_is_a_chinese_400_that_keeps_what_was_typed(app, world, session, login_as, bad):
    client = login_as(world.ent_a_mgmt)
    resp = client.post("/account", data={"email": bad, "current": PASSWORD})
    page = resp.data.decode()
    assert resp.status_code == 400 and "请填写有效的电子邮箱地址" in page
    assert "已填写的内容已保留" in page and ('value="' + bad.replace("<", "&lt;").replace(">", "&gt;")) in page
    assert _email(session, world.ent_a_mgmt) is None


def test_anonymous_is_sent_to_the_login(client, world):
    assert client.get("/account").status_code in (302, 401)
    resp = client.post("/account", data={"email": "x@example.cn", "current": PASSWORD})
    assert resp.status_code in (302, 401)


def test_csrf_is_required(app_config, world, session):  # noqa: F811
    app_config = {**app_config, "WTF_CSRF_ENABLED": True}
    client = create_app(app_config).test_client()
    login(client, world.ent_a_union)
    refused = client.post("/account", data={"email": "x@example.cn", "current": PASSWORD})
    assert refused.status_code == 400 and _email(session, world.ent_a_union) is None
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                      client.get("/account").data.decode())
    resp = client.post("/account", data={"email": "x@example.cn", "current": PASSWORD,
                                         "csrf_token": token.group(1) or token.group(2)})
    assert resp.status_code == 303 and _email(session, world.ent_a_union) == "x@example.cn"


def test_notifications_then_go_to_the_new_address(app, world, session, login_as, smtp):  # noqa: F811
    from evalsite.db import db
    from evalsite.notifier import notify

    for who in ROLES:
        user = getattr(world, who)
        user.email = f"{who}@old.example.cn"
    session.commit()
    for who in ROLES:
        resp = login_as(getattr(world, who)).post("/account", data={"email": f"{who}@new.example.cn",
                                                                    "current": PASSWORD})
        assert resp.status_code == 303
    with app.app_context():
        notify(db.session, [getattr(world, who).id for who in ROLES], "assignment", "测试通知")
        db.session.commit()
    for who in ROLES:
        assert len(_mails_to(smtp, f"{who}@new.example.cn")) == 1
        assert _mails_to(smtp, f"{who}@old.example.cn") == []
    # and a real workflow step: the district assigns the evaluator, whose mail goes to the new address
    resp = login_as(world.district_a).post("/assessments/assignments", data={
        "enterprise_id": world.ent_a2.id, "evaluator_id": world.evaluator.id})
    assert resp.status_code == 302
    assert len(_mails_to(smtp, "evaluator@new.example.cn")) == 2
