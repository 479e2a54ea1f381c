"""Password rules (ASVS V6.2) and the forced change after an administrator chose the password."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from evalsite.auth.common_passwords import common_passwords, generate
from evalsite.auth.passwords import MESSAGES, hash_password, password_problem
from evalsite.models import User
from tests.conftest import PASSWORD, login

GOOD = "Haibin-Road-Maple-31"


@pytest.mark.parametrize("password,rule", [
    ("short-Pw1!", "short"),
    ("x" * 129, "long"),
    ("Liwei2026-haibin", "username"),  # the username, whatever the case
    ("password1234", "common"),
    ("Password!2021", "common"),  # a common word with digits and signs around it
    ("qwertyuiop123", "common"),
    ("1qaz2wsx3edc4rfv", "weak"),  # keyboard run
    ("abcdefghijkl", "weak"),
    ("aaaaaaaaaaaa", "weak"),
])
def test_each_rule_refuses_with_a_chinese_message_naming_it(password, rule):
    assert password_problem(password, username="liwei2026") == MESSAGES[rule]


@pytest.mark.parametrize("password", [GOOD, "correct horse battery staple", "威海市总工会集体协商评估", "Demo-2021-weihai!"])
def test_long_uncommon_passwords_and_passphrases_pass(password):
    assert password_problem(password, username="liwei2026") is None


def test_the_current_password_cannot_be_kept():
    assert password_problem(GOOD, username="x", current_hash=hash_password(GOOD)) == MESSAGES["current"]


def test_the_display_name_counts_like_the_username():
    assert password_problem("Zhangweiming-1990", username="zw", other_inputs=("zhangweiming",)) == MESSAGES["weak"]


def test_the_bundled_list_of_common_passwords():
    words = common_passwords()
    assert len(words) >= 4000 and {"123456", "password", "qwerty", "iloveyou"} <= words
    shipped = (generate().splitlines())
    assert len(shipped) - 2 == len(words)  # the data file is what the generator writes


def test_change_form_names_the_rule(client, world):
    login(client, world.city)
    resp = client.post("/account/password", data={"current": PASSWORD, "new": "city-and-more-words",
                                                   "confirm": "city-and-more-words"})
    assert resp.status_code == 400 and "密码不能包含用户名" in resp.get_data(as_text=True)
    resp = client.post("/account/password", data={"current": PASSWORD, "new": PASSWORD, "confirm": PASSWORD})
    assert resp.status_code == 400 and "密码太容易被猜出" in resp.get_data(as_text=True)  # the fixtures' password
    page = client.get("/account/password").get_data(as_text=True)
    assert "至少12个字符" in page


def test_keeping_the_current_password_is_refused(client, world, session):
    user = session.get(User, world.city.id)
    user.password_hash = hash_password(GOOD)
    session.commit()
    login(client, world.city)
    resp = client.post("/account/password", data={"current": GOOD, "new": GOOD, "confirm": GOOD})
    assert resp.status_code == 400 and "新密码不能与当前密码相同" in resp.get_data(as_text=True)


def test_admin_reset_forces_a_change_at_next_login(app, world, session, login_as):
    admin = login_as(world.city)
    assert admin.post(f"/users/{world.evaluator.id}/password",
                      data={"new": GOOD, "confirm": GOOD}).status_code == 302
    session.expire_all()
    session.rollback()
    assert session.get(User, world.evaluator.id).must_change_password is True
    user_client = app.test_client()
    assert user_client.post("/login", data={"username": "evaluator", "password": GOOD}).status_code == 302
    for page in ("/", "/enterprises", "/assessments/"):
        resp = user_client.get(page)
        assert resp.status_code == 302 and resp.headers["Location"].endswith("/account/password"), page
    form = user_client.get("/account/password").get_data(as_text=True)
    assert "您的密码由管理员设置" in form
    assert user_client.post("/account/password", data={"current": GOOD, "new": GOOD, "confirm": GOOD}).status_code == 400
    mine = "Weihai-harbour-lighthouse-7"
    assert user_client.post("/account/password", data={"current": GOOD, "new": mine, "confirm": mine}).status_code == 302
    assert user_client.get("/enterprises").status_code == 200
    session.expire_all()
    session.rollback()
    assert session.get(User, world.evaluator.id).must_change_password is False


def test_a_new_account_changes_its_password_at_first_login(app, world, session, login_as):
    admin = login_as(world.city)
    resp = admin.post("/users/new", data={"username": "newbie", "display_name": "新评估员", "role": "evaluator",
                                          "unit_id": str(world.unit_a.id), "enterprise_code": "", "side": "",
                                          "password": GOOD})
    assert resp.status_code == 302
    session.rollback()
    assert session.scalar(select(User).where(User.username == "newbie")).must_change_password is True
    new = app.test_client()
    new.post("/login", data={"username": "newbie", "password": GOOD})
    assert new.get("/").headers["Location"].endswith("/account/password")
    assert new.post("/logout").status_code == 302  # logging out stays possible


def test_admin_cannot_set_a_password_containing_the_username(world, login_as):
    admin = login_as(world.city)
    resp = admin.post(f"/users/{world.evaluator.id}/password",
                      data={"new": "Evaluator-harbour-77", "confirm": "Evaluator-harbour-77"})
    assert resp.status_code == 400 and "密码不能包含用户名" in resp.get_data(as_text=True)
