"""Headers and files (issue 12 item 7): CSP without inline scripts, HSTS, no caching when signed in,
downloads named by their real type, the conflict form within the evaluator's scope, logs scrubbed."""
from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from evalsite import create_app
from evalsite.models import ConflictDeclaration, Evidence
from tests.conftest import login
from tests.evalsite.assess_data import PDF
from tests.evalsite.survey_support import make_links

TEMPLATES = Path(__file__).resolve().parents[2] / "evalsite" / "templates"
NONCE_ATTR = 'nonce="{{ csp_nonce() }}"'


def _script_src(csp: str) -> str:
    return next(part.strip() for part in csp.split(";") if part.strip().startswith("script-src"))


def test_script_policy_has_no_unsafe_inline_and_a_nonce_only_where_a_page_asked_for_one(app, client):
    from flask import render_template_string

    app.add_url_rule("/_nonce_page", "nonce_page",
                     lambda: render_template_string('<script nonce="{{ csp_nonce() }}">1</script>'))
    plain = client.get("/login").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in _script_src(plain) and "'unsafe-eval'" not in plain
    assert "'nonce-" not in plain  # no template renders an inline script: none may run
    assert "object-src 'none'" in plain and "frame-ancestors 'none'" in plain
    first, second = (client.get("/_nonce_page") for _ in range(2))
    nonces = [re.search(r"'nonce-([A-Za-z0-9_-]{16,})'", r.headers["Content-Security-Policy"]).group(1)
              for r in (first, second)]
    assert nonces[0] != nonces[1] and f'nonce="{nonces[0]}"' in first.get_data(as_text=True)


def test_no_template_has_an_inline_handler_or_a_script_without_src_or_nonce():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            problems.append(f"{path.relative_to(TEMPLATES)}: inline handler {m.group(0)[-20:]!r}")
        for m in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in m.group(0) and NONCE_ATTR not in m.group(0):
                problems.append(f"{path.relative_to(TEMPLATES)}: inline script without nonce")
        if "javascript:" in text:
            problems.append(f"{path.relative_to(TEMPLATES)}: javascript: URL")
    assert problems == []


def test_the_survey_pages_scripts_all_come_from_files(app, session, world, client):
    token = make_links(app, session, world)[(world.ent_a.id, "worker")].token
    resp = client.get(f"/s/{token}")
    scripts = re.findall(r"<script([^>]*)>", resp.get_data(as_text=True))
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert "'nonce-" not in resp.headers["Content-Security-Policy"]  # so no inline script runs at all


def test_confirmations_use_data_confirm_and_the_static_script(app, world, login_as, session):
    from tests.evalsite.test_registry_helpers import contract

    client = login_as(world.city)
    c = contract(session, world.ent_a)
    session.commit()
    page = client.get(f"/contracts/{c.id}").get_data(as_text=True)
    assert 'data-confirm="确定删除此集体合同及其协商记录？"' in page and "confirm.js" in page
    js = client.get("/static/js/confirm.js")
    assert js.status_code == 200 and b"data-confirm" in js.data


def test_hsts_in_production_only(app_config):
    prod = create_app({**app_config, "ENV_NAME": "production", "SESSION_COOKIE_SECURE": True})
    assert prod.test_client().get("/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    dev = create_app(app_config)
    assert "Strict-Transport-Security" not in dev.test_client().get("/login").headers


def test_signed_in_pages_and_downloads_are_not_stored_but_static_and_anonymous_ones_are_left_alone(
        app, world, session, client):
    assert "no-store" not in (client.get("/login").headers.get("Cache-Control") or "")
    login(client, world.city)
    for url in ("/", "/enterprises", f"/enterprises/{world.ent_a.id}", "/enterprises/export.xlsx", "/nothing"):
        assert "no-store" in client.get(url).headers.get("Cache-Control", ""), url
    assert "no-store" not in (client.get("/static/site.css").headers.get("Cache-Control") or "")


def test_a_pdf_uploaded_as_html_downloads_as_pdf(client, world, session):
    login(client, world.ent_a_union)
    resp = client.post("/assessments/self/B", data={"file_B1": (io.BytesIO(PDF), "page.html")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    session.expire_all()
    session.rollback()
    ev = session.scalar(select(Evidence))
    assert ev.filename == "page.pdf"
    disposition = client.get(f"/assessments/evidence/{ev.id}").headers["Content-Disposition"]
    assert "page.pdf" in disposition and ".html" not in disposition


def test_files_kept_before_the_rule_download_with_the_sniffed_extension(client, world, session):
    login(client, world.ent_a_union)
    client.post("/assessments/self/B", data={"file_B2": (io.BytesIO(PDF), "答复书.pdf")},
                content_type="multipart/form-data")
    session.expire_all()
    session.rollback()
    ev = session.scalar(select(Evidence))
    ev.filename = "答复书.exe"  # as stored by the old code
    session.commit()
    disposition = client.get(f"/assessments/evidence/{ev.id}").headers["Content-Disposition"]
    assert "%E7%AD%94%E5%A4%8D%E4%B9%A6.pdf" in disposition and ".exe" not in disposition


@pytest.mark.parametrize("target, status", [("ent_b", 403), ("nowhere", 400)])
def test_conflict_form_refuses_enterprises_outside_the_evaluators_scope_without_naming_them(
        client, world, session, target, status):
    login(client, world.evaluator)
    ent_id = world.ent_b.id if target == "ent_b" else 987654
    resp = client.post("/assessments/conflicts", data={"enterprise_id": ent_id, "reason": "亲属在该企业任职"})
    assert resp.status_code == status
    assert world.ent_b.name not in resp.get_data(as_text=True)
    session.expire_all()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ConflictDeclaration)) == 0


def test_conflict_form_lists_only_the_evaluators_district(client, world):
    login(client, world.evaluator)
    page = client.get("/assessments/conflicts").get_data(as_text=True)
    assert world.ent_a.name in page and world.ent_b.name not in page


def test_app_logger_exceptions_are_logged_without_token_or_address(app_config):
    app = create_app({**app_config, "PROPAGATE_EXCEPTIONS": False})
    token = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"

    @app.get("/s/<token>/boom")
    def boom(token):
        raise RuntimeError(f"could not store {token} from 203.0.113.9")

    lines = io.StringIO()
    handler = logging.StreamHandler(lines)  # added after the app: the record itself is scrubbed
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    app.logger.addHandler(handler)
    try:
        resp = app.test_client().get(f"/s/{token}/boom", environ_base={"REMOTE_ADDR": "198.51.100.7"})
        logging.getLogger("evalsite.somewhere").warning("link %s used from %s", token, "2001:db8::1")
    finally:
        app.logger.removeHandler(handler)
    assert resp.status_code == 500
    text = lines.getvalue()
    assert "RuntimeError" in text and "Exception on /s/…/boom" in text
    assert token not in text and "203.0.113.9" not in text and "2001:db8::1" not in text
