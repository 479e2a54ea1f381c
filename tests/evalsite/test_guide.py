"""操作指南: a guide per role, linked from the header of every page; the new-user form starts with the least role."""
from __future__ import annotations

import pytest

from evalsite.main.views_guide import GUIDE_KEYS, guides


def test_every_role_has_a_guide_with_steps():
    data = guides()
    assert set(GUIDE_KEYS) <= set(data)
    assert all(len(data[k]["steps"]) >= 4 for k in GUIDE_KEYS)


@pytest.mark.parametrize("who,title", [("city", "市级管理员操作指南"), ("district_a", "区级管理员操作指南"),
                                       ("evaluator", "评估员操作指南"), ("ent_a_union", "企业职工方（工会）操作指南"),
                                       ("ent_a_mgmt", "企业方操作指南")])
def test_each_role_reaches_its_own_guide_from_the_header(login_as, world, who, title):
    client = login_as(getattr(world, who))
    for page in ("/", "/reports/"):
        assert 'href="/guide"' in client.get(page).get_data(as_text=True)
    text = client.get("/guide").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in text and "其他角色的操作指南" in text


def test_guide_links_only_to_pages_that_exist(login_as, world):
    text = login_as(world.evaluator).get("/guide").get_data(as_text=True)
    assert 'href="/assessments/evaluator"' in text and "同意企业自评" in text


def test_new_user_form_starts_with_the_least_powerful_role(login_as, world):
    for admin in (world.city, world.district_a):
        page = login_as(admin).get("/users/new").get_data(as_text=True)
        assert 'selected value="enterprise"' in page
        assert 'selected value="city_admin"' not in page
