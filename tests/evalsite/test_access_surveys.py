"""Route × role matrix for the public survey pages and the survey administration."""
from __future__ import annotations

from surveys.definition import DEFINITIONS_DIR
from tests.evalsite.access_matrix import LOGIN, Case, assert_matrix

STATE: dict = {}
ALL_200 = {r: 200 for r in ("anon", "ent_a", "ent_b", "district_other", "evaluator", "city")}
CITY_ONLY = {"anon": LOGIN, "ent_a": 403, "ent_b": 403, "district_other": 403, "evaluator": 403}
OWN_A = {"anon": LOGIN, "ent_b": 403, "district_other": 403, "evaluator": 403}  # managers of enterprise A


def links(world, session):
    """Pinned definitions and current links of enterprise A (re-read before every role)."""
    from evalsite.models import Campaign
    from evalsite.survey_data import store as svc

    campaign = session.get(Campaign, world.campaign.id)
    svc.pin_defaults(session, campaign, only_missing=True)
    svc.ensure_links(session, campaign, [world.ent_a.id])
    session.commit()
    link = svc.current_link(session, campaign.id, world.ent_a.id, "worker")
    STATE.update(token=link.token, link=link.id, hash=campaign.worker_definition_hash)


def link_url(suffix):
    return lambda w: f"/surveys/links/{STATE['link']}/{suffix}"


def worker_yaml(w):
    return {"text": (DEFINITIONS_DIR / "worker.yaml").read_text(encoding="utf-8").replace('"2021.1"', '"2021.2"')}


E = lambda w: f"?enterprise={w.ent_a.id}"  # noqa: E731

ROUTES = [
    Case("survey_site.privacy_notice", lambda w: "/s/privacy", ALL_200, note="public privacy notice"),
    Case("survey_site.survey", lambda w: f"/s/{STATE['token']}", ALL_200, setup=links),
    Case("survey_site.asset", lambda w: "/s/assets/survey.js", ALL_200, note="public: the survey's script"),
    Case("survey_site.thanks", lambda w: f"/s/{STATE['token']}/thanks", ALL_200, setup=links,
         note="public: the page a stored answer is redirected to"),
    Case("survey_site.submit", lambda w: f"/s/{STATE['token']}", {r: 400 for r in ALL_200}, method="POST",
         data=lambda w: {"_key": "bad"}, setup=links, note="public: a broken form is a 400 with the page again"),
    Case("survey_admin.overview", lambda w: "/surveys/",
         {"anon": LOGIN, "ent_a": 302, "ent_b": 302, "district_other": 200, "evaluator": 403, "city": 200}),
    Case("survey_admin.enterprise", lambda w: f"/surveys/enterprises/{w.ent_a.id}",
         {"anon": LOGIN, "ent_a": 200, "ent_b": 403, "district_other": 403, "evaluator": 200, "city": 200}, setup=links),
    Case("survey_admin.definitions", lambda w: "/surveys/definitions", {**CITY_ONLY, "city": 200}),
    Case("survey_admin.pin_defaults", lambda w: "/surveys/definitions/defaults", {**CITY_ONLY, "city": 302},
         method="POST"),
    Case("survey_admin.upload_definition", lambda w: "/surveys/definitions/upload", {**CITY_ONLY, "city": 302},
         method="POST", data=worker_yaml),
    Case("survey_admin.pin_definition", lambda w: f"/surveys/definitions/{STATE['hash']}/pin",
         {**CITY_ONLY, "city": 302}, method="POST", setup=links),
    Case("survey_admin.preview", lambda w: f"/surveys/definitions/{STATE['hash']}/preview",
         {**CITY_ONLY, "district_other": 200, "city": 200}, setup=links),
    Case("survey_admin.export_csv", lambda w: "/surveys/export.csv" + E(w), {**OWN_A, "ent_a": 403, "city": 200},
         setup=links, note="row-level data: administrators only (surveys.disclosure)"),
    Case("survey_admin.export_xlsx", lambda w: "/surveys/export.xlsx" + E(w), {**OWN_A, "ent_a": 403, "city": 200},
         setup=links, note="row-level data: administrators only (surveys.disclosure)"),
    Case("survey_admin.export_sav", lambda w: "/surveys/export.sav" + E(w), {**OWN_A, "ent_a": 403, "city": 200},
         setup=links, note="row-level data: administrators only (surveys.disclosure)"),
    Case("survey_admin.export_dta", lambda w: "/surveys/export.dta" + E(w), {**OWN_A, "ent_a": 403, "city": 200},
         setup=links, note="row-level data: administrators only (surveys.disclosure)"),
    Case("survey_admin.create_links", lambda w: f"/surveys/enterprises/{w.ent_a.id}/links",
         {**OWN_A, "ent_a": 302, "city": 302}, method="POST"),
    Case("survey_admin.bulk_links", lambda w: "/surveys/links/bulk",
         {**CITY_ONLY, "district_other": 302, "city": 302}, method="POST"),
    Case("survey_admin.link_settings", link_url("settings"), {**OWN_A, "ent_a": 302, "city": 302}, method="POST",
         data=lambda w: {"status": "open"}, setup=links),
    Case("survey_admin.rotate_link", link_url("rotate"), {**OWN_A, "ent_a": 200, "city": 200}, method="POST",
         setup=links, note="unconfirmed: the confirmation page, nothing rotated"),
    Case("survey_admin.qr_png", link_url("qr.png"), {**OWN_A, "ent_a": 200, "city": 200}, setup=links),
    Case("survey_admin.qr_svg", link_url("qr.svg"), {**OWN_A, "ent_a": 200, "city": 200}, setup=links),
    Case("survey_admin.poster", link_url("poster.pdf"), {**OWN_A, "ent_a": 200, "city": 200}, setup=links),
    Case("survey_admin.ballots", link_url("ballots"), {**OWN_A, "ent_a": 200, "city": 200}, method="POST",
         data=lambda w: {"count": "3"}, setup=links),
]


def test_survey_routes_by_role(app, world, session):
    assert_matrix(app, world, session, ROUTES)


def test_district_admin_of_the_enterprise_manages_its_links(app, world, session):
    from tests.conftest import login

    links(world, session)
    client = app.test_client()
    login(client, world.district_a)
    assert client.get(f"/surveys/links/{STATE['link']}/qr.png").status_code == 200
    assert client.get(f"/surveys/enterprises/{world.ent_b.id}").status_code == 403
    assert client.get("/surveys/export.csv?enterprise=%d" % world.ent_b.id).status_code == 403


def test_unknown_ids_are_404(app, world, session):
    from tests.conftest import login

    client = app.test_client()
    login(client, world.city)
    assert client.get("/surveys/links/999999/qr.png").status_code == 404
    assert client.get("/surveys/enterprises/999999").status_code == 404
    assert client.get("/surveys/definitions/" + "0" * 64 + "/preview").status_code == 404
