"""Survey administration: definitions, links, QR and PDFs, CLI."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from sqlalchemy import select

from evalsite.models import Campaign, SurveyDefinition, SurveyLink
from surveys import default_definition
from surveys.definition import DEFINITIONS_DIR
from tests.evalsite.survey_support import full_post, make_links
from tests.evalsite.confirm_support import confirmed_post


def _refresh(session):
    session.expire_all()
    session.rollback()


def test_city_pins_the_default_definitions(login_as, session, world):
    client = login_as(world.city)
    resp = client.post("/surveys/definitions/defaults")
    assert resp.status_code == 302
    _refresh(session)
    campaign = session.get(Campaign, world.campaign.id)
    assert campaign.worker_definition_hash == default_definition("worker").hash
    assert campaign.employer_definition_hash == default_definition("employer").hash
    assert session.scalar(select(SurveyDefinition).where(SurveyDefinition.audience == "worker")).yaml_text


def test_invalid_upload_names_file_question_and_problem(login_as, world):
    client = login_as(world.city)
    text = (DEFINITIONS_DIR / "worker.yaml").read_text(encoding="utf-8").replace("type: multiple", "type: matrix", 1)
    resp = client.post("/surveys/definitions/upload", data={"file": (io.BytesIO(text.encode()), "bad.yaml")},
                       content_type="multipart/form-data")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "bad.yaml" in body and "W06" in body and "未知题型" in body
    resp = client.post("/surveys/definitions/upload", data={"file": (io.BytesIO(b"\xff\xfe"), "x.yaml")},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "UTF-8" in resp.get_data(as_text=True)
    assert client.post("/surveys/definitions/upload", data={"text": "  "}).status_code == 400


def test_new_version_is_previewed_like_the_phone_and_old_answers_keep_their_hash(app, login_as, session, world):
    links = make_links(app, session, world)
    token = links[(world.ent_a.id, "worker")].token
    public = app.test_client()
    assert full_post(public, token)[0].status_code == 200
    old_hash = default_definition("worker").hash
    client = login_as(world.city)
    text = (DEFINITIONS_DIR / "worker.yaml").read_text(encoding="utf-8").replace("您的岗位类别", "您的岗位")
    resp = client.post("/surveys/definitions/upload", data={"text": text})
    assert resp.status_code == 302 and "/preview" in resp.headers["Location"]
    preview = client.get(resp.headers["Location"])
    page = public.get(f"/s/{token}?again=1").get_data(as_text=True)
    assert preview.status_code == 200 and "您的岗位" in preview.get_data(as_text=True)
    assert 'class="opt"' in page and 'class="opt"' in preview.get_data(as_text=True)
    second = client.get(resp.headers["Location"] + "?_sec=0&_nav=next")
    assert 'name="W06"' in second.get_data(as_text=True)
    new_hash = resp.headers["Location"].split("/")[-2]
    assert client.post(f"/surveys/definitions/{new_hash}/pin").status_code == 302
    _refresh(session)
    from evalsite.models import Submission

    assert session.scalar(select(Submission.definition_hash)) == old_hash
    assert session.get(Campaign, world.campaign.id).worker_definition_hash == new_hash
    assert full_post(public, token)[0].status_code == 200
    _refresh(session)
    assert sorted(session.scalars(select(Submission.definition_hash))) == sorted([old_hash, new_hash])


def test_bulk_links_for_enrolled_enterprises_in_scope(login_as, session, world):
    client = login_as(world.district_a)
    assert client.post("/surveys/links/bulk").status_code == 302
    _refresh(session)
    got = {(lk.enterprise_id, lk.audience) for lk in session.scalars(select(SurveyLink))}
    assert got == {(e, a) for e in (world.ent_a.id, world.ent_a2.id) for a in ("worker", "employer")}


def test_link_settings_close_schedule_and_validate(app, login_as, session, world):
    links = make_links(app, session, world)
    link = links[(world.ent_a.id, "worker")]
    client = login_as(world.ent_a_union)
    assert confirmed_post(client, f"/surveys/links/{link.id}/settings", {"status": "closed"}).status_code == 302
    assert app.test_client().get(f"/s/{link.token}").status_code == 410
    resp = client.post(f"/surveys/links/{link.id}/settings",
                       data={"status": "open", "opens_on": "2021-04-10", "closes_on": "2021-04-01"})
    assert resp.status_code == 303
    _refresh(session)
    assert session.get(SurveyLink, link.id).status == "closed"
    resp = client.post(f"/surveys/links/{link.id}/settings", data={"status": "open", "daily_cap": "500"})
    _refresh(session)
    assert session.get(SurveyLink, link.id).daily_cap == 500
    assert app.test_client().get(f"/s/{link.token}").status_code == 200


def test_rotation_gives_a_new_token_and_410_for_the_old(app, login_as, session, world):
    links = make_links(app, session, world)
    link = links[(world.ent_a.id, "worker")]
    client = login_as(world.city)
    assert confirmed_post(client, f"/surveys/links/{link.id}/rotate").status_code == 302
    assert client.post(f"/surveys/links/{link.id}/rotate").status_code == 409
    resp = app.test_client().get(f"/s/{link.token}")
    assert resp.status_code == 410 and "此链接已失效" in resp.get_data(as_text=True)
    _refresh(session)
    fresh = session.scalar(select(SurveyLink).where(SurveyLink.rotated_from_id == link.id))
    assert fresh.token != link.token and app.test_client().get(f"/s/{fresh.token}").status_code == 200


def test_qr_codes_poster_and_ballot_sheet(app, login_as, session, world):
    links = make_links(app, session, world)
    link = links[(world.ent_a.id, "worker")]
    client = login_as(world.ent_a_union)
    png = client.get(f"/surveys/links/{link.id}/qr.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    svg = client.get(f"/surveys/links/{link.id}/qr.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    poster = client.get(f"/surveys/links/{link.id}/poster.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    sheet = client.post(f"/surveys/links/{link.id}/ballots", data={"count": "12"})
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    assert client.post(f"/surveys/links/{link.id}/ballots", data={"count": "0"}).status_code == 303
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=poster.data, capture_output=True).stdout.decode()
        assert world.ent_a.name in text and "匿名" in text and link.token in text.replace("\n", "")


def test_enterprise_page_lists_links_for_managers_not_evaluators(app, login_as, session, world):
    make_links(app, session, world)
    page = login_as(world.ent_a_union).get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "/s/" in page and "poster.pdf" in page
    page = login_as(world.evaluator).get(f"/surveys/enterprises/{world.ent_a.id}").get_data(as_text=True)
    assert "/s/" not in page and "poster.pdf" not in page


def test_cli_prints_open_links_and_creates_missing(app, session, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["survey-links", "--create"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == 6
    credit, audience, url = lines[0].split("\t")
    assert len(credit) == 18 and audience in ("worker", "employer") and url.startswith("http://localhost/s/")
    result = runner.invoke(args=["survey-links", "--campaign", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output


@pytest.mark.parametrize("path", ["/surveys/", "/surveys/definitions"])
def test_admin_pages_render_without_data(login_as, world, path):
    assert login_as(world.city).get(path).status_code == 200


def test_closing_and_rotating_a_link_ask_for_confirmation(app, login_as, session, world):
    from tests.evalsite.confirm_support import confirmation_token

    links = make_links(app, session, world)
    link = links[(world.ent_a.id, "worker")]
    client = login_as(world.ent_a_union)
    first = client.post(f"/surveys/links/{link.id}/settings", data={"status": "closed"})
    assert first.status_code == 200 and "停止收集答卷" in first.get_data(as_text=True)
    assert app.test_client().get(f"/s/{link.token}").status_code == 200  # still open
    token = confirmation_token(first)
    # the link changes in between (a new daily cap): the old confirmation is stale
    assert client.post(f"/surveys/links/{link.id}/settings", data={"status": "open", "daily_cap": "80"}).status_code == 302
    stale = client.post(f"/surveys/links/{link.id}/settings", data={"status": "closed", "confirm": token})
    assert stale.status_code == 409 and app.test_client().get(f"/s/{link.token}").status_code == 200
    page = client.post(f"/surveys/links/{link.id}/rotate")
    assert page.status_code == 200 and "旧二维码" in page.get_data(as_text=True)
    assert app.test_client().get(f"/s/{link.token}").status_code == 200  # not rotated yet
