"""Changing an id in a URL never shows or changes another enterprise's data."""
from __future__ import annotations

from sqlalchemy import func, select

from evalsite.models import AuditEntry, CollectiveContract, Enterprise
from tests.evalsite.test_registry_helpers import fresh, contract, contract_form, enterprise_form


def test_other_district_admin_gets_403_on_a(app, world, login_as):
    client = login_as(world.district_b)
    assert client.get(f"/enterprises/{world.ent_a.id}").status_code == 403
    assert client.get(f"/enterprises/{world.ent_a.id}/edit").status_code == 403
    assert client.get(f"/enterprises/{world.ent_b.id}").status_code == 200


def test_enterprise_b_gets_403_on_a_and_its_contracts(app, world, session, login_as):
    c = contract(session, world.ent_a)
    session.commit()
    client = login_as(world.ent_b_union)
    resp = client.get(f"/enterprises/{world.ent_a.id}")
    assert resp.status_code == 403 and "威海甲机械有限公司" not in resp.get_data(as_text=True)
    assert client.get(f"/contracts/{c.id}").status_code == 403
    assert client.get(f"/enterprises/{world.ent_b.id}").status_code == 200


def test_evaluator_sees_only_assigned(app, world, login_as):
    client = login_as(world.evaluator)
    assert client.get(f"/enterprises/{world.ent_a.id}").status_code == 200
    assert client.get(f"/enterprises/{world.ent_a2.id}").status_code == 403
    assert client.get(f"/enterprises/{world.ent_b.id}").status_code == 403


def test_forbidden_posts_change_nothing(app, world, session, login_as):
    c = contract(session, world.ent_a)
    session.commit()
    changes = select(func.count()).select_from(AuditEntry).where(AuditEntry.action != "access_denied")
    audit_before = session.scalar(changes)
    for user in (world.district_b, world.ent_b_union, world.ent_a_union, world.evaluator):
        client = login_as(user)
        edit = client.post(f"/enterprises/{world.ent_a.id}/edit", data=enterprise_form(
            world.unit_b.id, world.industry.id, name="被篡改", credit_code=world.ent_a.credit_code))
        assert edit.status_code == 403
        assert client.post(f"/contracts/{c.id}/edit", data=contract_form(title="被篡改")).status_code == 403
        assert client.post(f"/contracts/{c.id}/delete").status_code == 403
        assert client.post(f"/enterprises/{world.ent_a.id}/contracts/new", data=contract_form()).status_code == 403
    fresh(session)
    assert session.get(Enterprise, world.ent_a.id).name == "威海甲机械有限公司"
    assert session.get(CollectiveContract, c.id).title == "威海甲机械有限公司集体合同"
    assert session.scalar(select(func.count()).select_from(CollectiveContract)) == 1
    assert session.scalar(changes) == audit_before  # no change recorded...
    refusals = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "access_denied")
    assert session.scalar(refusals) == 16  # ...and every refusal is (ASVS V16)


def test_district_admin_cannot_move_enterprise_to_other_unit(app, world, session, login_as):
    resp = login_as(world.district_a).post(f"/enterprises/{world.ent_a.id}/edit", data=enterprise_form(
        world.unit_b.id, world.industry.id, credit_code=world.ent_a.credit_code))
    assert resp.status_code == 400
    fresh(session)
    assert session.get(Enterprise, world.ent_a.id).unit_id == world.unit_a.id


def test_unknown_ids_are_404(app, world, login_as):
    client = login_as(world.city)
    for url in ("/enterprises/99999", "/enterprises/99999/edit", "/contracts/99999", "/campaigns/99999",
                "/users/99999/edit"):
        assert client.get(url).status_code == 404, url
