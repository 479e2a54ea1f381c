"""Route × role matrix for the registry: every endpoint, the six roles, GET and POST.

Forbidden POSTs answer 403 (or a 400 refusal when the role may use the page
but not for that object) and change nothing; see also test_registry_scope.py.
"""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.evalsite.access_matrix import LOGIN, Case, assert_matrix
from tests.evalsite.test_registry_helpers import contract, contract_form, csv_bytes, enterprise_form, good_row, meeting

ALL = ("anon", "ent_a", "ent_b", "district_other", "evaluator", "city")


def exp(*values):
    return dict(zip(ALL, values))


CITY_ONLY = exp(LOGIN, 403, 403, 403, 403, 200)
ADMINS = exp(LOGIN, 403, 403, 200, 403, 200)
A_EDIT_POST = exp(LOGIN, 403, 403, 403, 403, 302)


def _contract(world, session):
    session.rollback()  # leave the old read snapshot (SQLite WAL)
    if not getattr(world, "contract_a", None):
        world.contract_a = contract(session, world.ent_a).id
        session.commit()


def _fresh_contract(world, session):
    session.rollback()  # leave the old read snapshot (SQLite WAL)
    world.tmp_contract = contract(session, world.ent_a, title="待删除合同").id
    session.commit()


def _meeting(world, session):
    session.rollback()  # leave the old read snapshot (SQLite WAL)
    _contract(world, session)
    from evalsite.models import CollectiveContract

    world.tmp_meeting = meeting(session, session.get(CollectiveContract, world.contract_a)).id
    session.commit()


def _fresh_enterprise(world, session):
    session.rollback()  # leave the old read snapshot (SQLite WAL)
    from tests.conftest import Factory
    import random

    ent = Factory(session, random.Random()).enterprise(world.unit_a, name="待登记企业")
    world.tmp_code = ent.credit_code
    session.commit()


def _enrolment_a(world, session):
    session.rollback()  # leave the old read snapshot (SQLite WAL)
    from evalsite.models import Enrolment

    world.enrol_a = session.scalar(select(Enrolment.id).where(Enrolment.enterprise_id == world.ent_a.id))
    session.rollback()


def _fresh_user(world, session):
    session.rollback()  # leave the old read snapshot (SQLite WAL)
    from tests.conftest import Factory
    import random

    user = Factory(session, random.Random()).user(f"tmp{random.randrange(10**9)}", "evaluator", unit=world.unit_a)
    world.tmp_user = user.id
    session.commit()


def _csv(world):
    return {"file": (io.BytesIO(csv_bytes([good_row(501)])), "qiye.csv")}


def _contracts_csv(world):
    from tests.evalsite.test_import_contracts import _csv, row

    return {"file": (io.BytesIO(_csv([row(world.ent_a.credit_code)])), "hetong.csv")}


ROUTES = [
    Case("registry.enterprise_list", lambda w: "/enterprises", exp(LOGIN, 302, 302, 200, 200, 200)),
    Case("registry.enterprise_mine", lambda w: "/enterprises/mine", exp(LOGIN, 302, 302, 302, 302, 302)),
    Case("registry.enterprise_export", lambda w: "/enterprises/export.xlsx", exp(LOGIN, 403, 403, 200, 200, 200)),
    Case("registry.enterprise_detail", lambda w: f"/enterprises/{w.ent_a.id}", exp(LOGIN, 200, 403, 403, 200, 200)),
    Case("registry.enterprise_detail", lambda w: "/enterprises/999999", exp(LOGIN, 404, 404, 404, 404, 404),
         note="unknown id"),
    Case("registry.hub", lambda w: f"/enterprises/{w.ent_a.id}/campaigns/{w.campaign.id}",
         exp(LOGIN, 200, 403, 403, 200, 200)),
    Case("registry.hub", lambda w: f"/enterprises/999999/campaigns/{w.campaign.id}", exp(LOGIN, 404, 404, 404, 404, 404),
         note="unknown enterprise"),
    Case("registry.hub", lambda w: f"/enterprises/{w.ent_a.id}/campaigns/999999", exp(LOGIN, 404, 404, 404, 404, 404),
         note="unknown campaign"),
    Case("registry.hub_current", lambda w: f"/enterprises/{w.ent_a.id}/hub", exp(LOGIN, 200, 403, 403, 200, 200)),
    Case("registry.enterprise_new", lambda w: "/enterprises/new", ADMINS),
    Case("registry.enterprise_new", lambda w: "/enterprises/new", exp(LOGIN, 403, 403, 400, 403, 302), method="POST",
         data=lambda w: enterprise_form(w.unit_a.id, w.industry.id), note="district_other: unit A not offered"),
    Case("registry.enterprise_edit", lambda w: f"/enterprises/{w.ent_a.id}/edit", CITY_ONLY),
    Case("registry.enterprise_edit", lambda w: f"/enterprises/{w.ent_a.id}/edit", A_EDIT_POST, method="POST",
         data=lambda w: enterprise_form(w.unit_a.id, w.industry.id, name="改名", credit_code=w.ent_a.credit_code)),
    Case("registry.contract_new", lambda w: f"/enterprises/{w.ent_a.id}/contracts/new", CITY_ONLY),
    Case("registry.contract_new", lambda w: f"/enterprises/{w.ent_a.id}/contracts/new", A_EDIT_POST, method="POST",
         data=lambda w: contract_form()),
    Case("registry.contract_detail", lambda w: f"/contracts/{w.contract_a}", exp(LOGIN, 200, 403, 403, 200, 200),
         setup=_contract),
    Case("registry.contract_edit", lambda w: f"/contracts/{w.contract_a}/edit", CITY_ONLY, setup=_contract),
    Case("registry.contract_edit", lambda w: f"/contracts/{w.contract_a}/edit", A_EDIT_POST, method="POST",
         data=lambda w: contract_form(title="改过的合同"), setup=_contract),
    Case("registry.contract_delete", lambda w: f"/contracts/{w.tmp_contract}/delete", A_EDIT_POST, method="POST",
         setup=_fresh_contract),
    Case("registry.meeting_add", lambda w: f"/contracts/{w.contract_a}/meetings", A_EDIT_POST, method="POST",
         data=lambda w: {"date": "2021-03-16", "online": "y"}, setup=_contract),
    Case("registry.meeting_update", lambda w: f"/meetings/{w.tmp_meeting}", A_EDIT_POST, method="POST",
         data=lambda w: {"date": "2021-03-17"}, setup=_meeting),
    Case("registry.meeting_delete", lambda w: f"/meetings/{w.tmp_meeting}/delete", A_EDIT_POST, method="POST",
         setup=_meeting),
    Case("registry.area_contract_list", lambda w: "/area-contracts", ADMINS),
    Case("registry.area_contract_new", lambda w: "/area-contracts/new", ADMINS),
    Case("registry.area_contract_new", lambda w: "/area-contracts/new", exp(LOGIN, 403, 403, 400, 403, 302),
         method="POST", data=lambda w: contract_form(scope="industry", unit_id=str(w.unit_a.id), industry_id="0",
                                                      coverage_codes=w.ent_a.credit_code),
         note="district_other: unit A and enterprise A are outside their scope"),
    Case("registry.campaign_list", lambda w: "/campaigns", ADMINS),
    Case("registry.campaign_detail", lambda w: f"/campaigns/{w.campaign.id}", ADMINS),
    Case("registry.campaign_new", lambda w: "/campaigns/new", CITY_ONLY),
    Case("registry.campaign_new", lambda w: "/campaigns/new", A_EDIT_POST, method="POST",
         data=lambda w: {"code": "2022-JZYY", "name": "2022年行动", "start_date": "2022-03-01",
                         "end_date": "2022-04-15", "target_establishment_pct": "80", "target_wage_pct": "90",
                         "min_headcount": "100"}),
    Case("registry.campaign_edit", lambda w: f"/campaigns/{w.campaign.id}/edit", CITY_ONLY),
    Case("registry.campaign_edit", lambda w: f"/campaigns/{w.campaign.id}/edit", A_EDIT_POST, method="POST",
         data=lambda w: {"code": "2021-JZYY", "name": "改名行动", "start_date": "2021-03-01",
                         "end_date": "2021-04-15", "target_establishment_pct": "80", "target_wage_pct": "90",
                         "min_headcount": "100", "is_current": "y"}),
    Case("registry.enrol_default", lambda w: f"/campaigns/{w.campaign.id}/enrol-default",
         exp(LOGIN, 403, 403, 302, 403, 302), method="POST"),
    Case("registry.enrol_add", lambda w: f"/campaigns/{w.campaign.id}/enrol", exp(LOGIN, 403, 403, 400, 403, 302),
         method="POST", data=lambda w: {"credit_code": w.tmp_code}, setup=_fresh_enterprise,
         note="district_other: enterprise outside their unit"),
    Case("registry.enrol_remove", lambda w: f"/campaigns/{w.campaign.id}/enrolments/{w.enrol_a}/delete",
         exp(LOGIN, 403, 403, 403, 403, 302), method="POST", setup=_enrolment_a),
    Case("registry.user_list", lambda w: "/users", ADMINS),
    Case("registry.user_new", lambda w: "/users/new", ADMINS),
    Case("registry.user_new", lambda w: "/users/new", exp(LOGIN, 403, 403, 400, 403, 302), method="POST",
         data=lambda w: {"username": "newent", "display_name": "新企业用户", "role": "enterprise", "unit_id": "0",
                         "enterprise_code": w.ent_a.credit_code, "side": "union", "password": "Harbour-Gull-Quiet-58"},
         note="district_other: enterprise A is not in their unit"),
    Case("registry.user_edit", lambda w: f"/users/{w.ent_a_mgmt.id}/edit", CITY_ONLY),
    Case("registry.user_edit", lambda w: f"/users/{w.ent_a_mgmt.id}/edit", A_EDIT_POST, method="POST",
         data=lambda w: {"display_name": "改名", "side": "management", "unit_id": "0"}),
    Case("registry.user_deactivate", lambda w: f"/users/{w.tmp_user}/deactivate", A_EDIT_POST, method="POST",
         setup=_fresh_user),
    Case("registry.user_reactivate", lambda w: f"/users/{w.tmp_user}/reactivate", A_EDIT_POST, method="POST",
         setup=_fresh_user),
    Case("registry.user_reset_password", lambda w: f"/users/{w.ent_a_mgmt.id}/password", CITY_ONLY),
    Case("registry.user_reset_password", lambda w: f"/users/{w.ent_a_mgmt.id}/password", A_EDIT_POST,
         method="POST", data=lambda w: {"new": "Chengshan-Cape-Dawn-4", "confirm": "Chengshan-Cape-Dawn-4"}),
    Case("registry.user_reset_mfa", lambda w: f"/users/{w.ent_a_mgmt.id}/mfa/reset", A_EDIT_POST, method="POST"),
    Case("registry.user_end_sessions", lambda w: f"/users/{w.ent_a_mgmt.id}/sessions/end", A_EDIT_POST,
         method="POST"),
    Case("registry.audit_log", lambda w: "/audit", CITY_ONLY),
    Case("registry.import_upload", lambda w: "/import", ADMINS),
    Case("registry.import_upload", lambda w: "/import", exp(LOGIN, 403, 403, 400, 403, 200), method="POST",
         data=_csv, note="district_other: a row of unit A is outside their scope"),
    Case("registry.import_confirm", lambda w: "/import/confirm", exp(LOGIN, 403, 403, 400, 403, 400), method="POST",
         note="nothing parked in this session: 400"),
    Case("registry.import_template", lambda w: "/import/template.xlsx", ADMINS),
    Case("registry.import_contracts_upload", lambda w: "/import/contracts", ADMINS),
    Case("registry.import_contracts_upload", lambda w: "/import/contracts", exp(LOGIN, 403, 403, 400, 403, 200),
         method="POST", data=_contracts_csv, note="district_other: enterprise A is outside their scope (row error)"),
    Case("registry.import_contracts_confirm", lambda w: "/import/contracts/confirm",
         exp(LOGIN, 403, 403, 400, 403, 400), method="POST", note="nothing parked in this session: 400"),
    Case("registry.import_contracts_template", lambda w: "/import/contracts/template.xlsx", ADMINS),
    Case("registry.import_contracts_corrections", lambda w: "/import/contracts/corrections.xlsx",
         exp(LOGIN, 403, 403, 404, 403, 404)),
    # nothing uploaded in this session: admins get a Chinese 404, others are refused before that
    Case("registry.import_corrections", lambda w: "/import/corrections.xlsx",
         exp(LOGIN, 403, 403, 404, 403, 404)),
]


def test_registry_routes_by_role(app, world, session):
    assert_matrix(app, world, session, ROUTES)
