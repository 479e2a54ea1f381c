"""No internal code reaches a reader: every GET page and PDF, as every role, on a demo city (issue 10 item 7).

The demo stages (organisations, surveys, evaluations, reports with items and
letters) make a small city; every GET rule of the app is then requested with
ids of real rows (the reader's own where they have one) and the visible text
of each page, and the text of each PDF, is scanned for rule ids, status keys,
formula names, column codes and audit action codes (tests/evalsite/human_words.py).
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import select

from evalsite.models import (Assessment, Campaign, CollectiveContract, EscalationLetter, Enterprise, Evidence,
                             RectificationEvidence, RectificationItem, ReportVersion, SurveyDefinition, SurveyLink, User)
from tests.conftest import login
from tests.evalsite.human_words import leaks, visible_text

# URL argument → (model, column naming the enterprise the row belongs to, or None)
ID_SOURCES = {
    "enterprise_id": (Enterprise, "id"), "ent_id": (Enterprise, "id"), "campaign_id": (Campaign, None),
    "contract_id": (CollectiveContract, "enterprise_id"), "user_id": (User, "enterprise_id"),
    "link_id": (SurveyLink, "enterprise_id"), "assessment_id": (Assessment, "enterprise_id"),
    "evidence_id": None, "version_id": (ReportVersion, None), "item_id": (RectificationItem, "enterprise_id"),
    "letter_id": (EscalationLetter, "enterprise_id"),
}
SKIP = {"static", "main.health", "survey_site.start"}
ROLES = ("admin", "huancui_admin", "pinggu1", "qiye1_gh", "qiye1_qy")


def _pick(session, name, user, endpoint):
    if name == "evidence_id":
        model = RectificationEvidence if endpoint.startswith("reports.") else Evidence
        return session.scalars(select(model.id).order_by(model.id).limit(3)).all()
    model, ent_col = ID_SOURCES[name]
    q = select(model.id).order_by(model.id)
    if user.enterprise_id and ent_col:
        own = session.scalars(q.where(getattr(model, ent_col) == user.enterprise_id).limit(3)).all()
        if own:
            return own
    if name == "version_id":  # one of each status
        return [session.scalar(select(ReportVersion.id).where(ReportVersion.status == s).limit(1))
                for s in ("issued", "draft", "approved", "superseded", "revoked")]
    if name == "letter_id":
        return [session.scalar(select(EscalationLetter.id).where(EscalationLetter.kind == k).limit(1))
                for k in ("reminder", "opinion", "recommendation")]
    return session.scalars(q.limit(2)).all()


def _strings(session, name):
    if name == "token":
        return session.scalars(select(SurveyLink.token).limit(1)).all()
    if name == "digest":
        return session.scalars(select(SurveyDefinition.hash).limit(2)).all()
    if name == "code":
        return session.scalars(select(ReportVersion.verify_code).where(ReportVersion.verify_code.is_not(None))
                               .limit(2)).all()
    if name == "dim":
        return ["A", "B", "E"]
    return []


def _urls(app, session, user):
    from flask import url_for

    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        if rule.endpoint == "reports.table_download":
            combos = [dict(name=n, fmt="pdf") for n in ("annex1", "annex2", "summary", "checks")]
        else:
            combos = [{}]
            for name in rule._converters:
                values = _strings(session, name) if name not in ID_SOURCES else _pick(session, name, user,
                                                                                      rule.endpoint)
                values = [v for v in values if v is not None]
                combos = [{**c, name: v} for c in combos for v in values] or []
        for values in combos:
            with app.test_request_context():
                yield rule.endpoint, url_for(rule.endpoint, **values)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_no_internal_code_on_any_page_or_pdf_for_any_role(app, session, tmp_path):
    from evalsite.demo import seed

    app.config["TODAY"] = None
    with app.app_context():
        seed(session, enterprises=40)
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(ROLES)))}
    assert set(users) == set(ROLES)
    # a few steps through the pages, so the audit log and the item history hold real entries
    admin = app.test_client()
    login(admin, users["admin"])
    open_item = session.scalar(select(RectificationItem).where(RectificationItem.status == "open"))
    assert admin.post(f"/reports/items/{open_item.id}/letters", data={"kind": "reminder"}).status_code == 302
    failures, seen_pdf, pages = [], 0, 0
    for username in ROLES:
        user = users[username]
        client = app.test_client()
        login(client, user)
        for endpoint, url in _urls(app, session, user):
            with client.get(url) as resp:
                if resp.status_code != 200:
                    continue
                kind = resp.mimetype
                if kind == "text/html":
                    text, pages = visible_text(resp.get_data(as_text=True)), pages + 1
                elif kind == "application/pdf":
                    text, seen_pdf = pdf_text(resp.data, tmp_path), seen_pdf + 1
                else:
                    continue
            failures += [f"{username} {endpoint} {url}: {leak}" for leak in leaks(text)]
    assert pages > 60 and seen_pdf >= 8, (pages, seen_pdf)
    assert failures == [], f"{len(failures)} leaks:\n" + "\n".join(dict.fromkeys(failures))
