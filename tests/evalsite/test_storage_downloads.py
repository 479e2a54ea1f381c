"""Every stored file goes out through one response: verified, an attachment, and a Chinese page when it cannot."""
from __future__ import annotations

import hashlib
import io
from urllib.parse import unquote

from sqlalchemy import select

from evalsite.models import Evidence, ReportVersion
from evalsite.storage import LocalStorage, S3Storage, storage_from_settings

from .assess_data import PDF


def _evidence(app, session, world, data=PDF, sha=None):
    key = storage_from_settings(app.config).put(data) if sha is None else sha
    ev = Evidence(campaign_id=world.campaign.id, enterprise_id=world.ent_a.id, indicator="B6", filename="职代会决议.pdf",
                  stored_name="0123abcd.pdf", size=len(data), sha256=key, content_type="application/pdf")
    session.add(ev)
    session.commit()
    return ev


def test_a_stored_file_is_sent_verified_as_an_attachment(app, world, session, login_as):
    ev = _evidence(app, session, world)
    resp = login_as(world.ent_a_union).get(f"/assessments/evidence/{ev.id}")
    assert resp.status_code == 200 and resp.data == PDF
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "职代会决议.pdf" in unquote(disposition)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in resp.headers["Cache-Control"]


def test_a_missing_file_is_a_chinese_404(app, world, session, login_as):
    ev = _evidence(app, session, world, sha=hashlib.sha256(b"never stored").hexdigest())
    resp = login_as(world.ent_a_union).get(f"/assessments/evidence/{ev.id}")
    assert resp.status_code == 404 and "文件已不在存储中" in resp.get_data(as_text=True)


def test_bytes_that_no_longer_match_their_hash_are_not_sent(app, world, session, login_as):
    ev = _evidence(app, session, world)
    store = storage_from_settings(app.config)
    if isinstance(store, LocalStorage):
        (store.root / ev.sha256[:2] / ev.sha256).write_bytes(b"%PDF-1.4 tampered")
    else:
        assert isinstance(store, S3Storage)
        store.client.put_object(Bucket=store.bucket, Key=store._name(ev.sha256), Body=b"%PDF-1.4 tampered")
    resp = login_as(world.ent_a_union).get(f"/assessments/evidence/{ev.id}")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 500 and "校验值" in page and "tampered" not in page


def test_an_unreachable_store_is_a_chinese_503_on_download_and_upload(app, world, session, login_as):
    ev = _evidence(app, session, world)
    app.extensions["evalsite.storage"] = S3Storage(
        "nowhere", endpoint_url="http://127.0.0.1:9", access_key="x", secret_key="x")
    client = login_as(world.ent_a_union)
    resp = client.get(f"/assessments/evidence/{ev.id}")
    assert resp.status_code == 503 and "文件存储暂时无法访问" in resp.get_data(as_text=True)
    resp = client.post("/assessments/self/B", data={"level_B6": "full", "file_B6": (io.BytesIO(PDF), "决议.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 503 and "文件未保存" in resp.get_data(as_text=True)


def test_signed_downloads_redirect_to_the_store_after_the_permission_check(app, world, session, login_as, s3_endpoint):
    import urllib.request

    from tests.conftest import s3_settings

    app.config.update(s3_settings(s3_endpoint, "signed"), STORAGE_SIGNED_DOWNLOADS=True)
    app.extensions.pop("evalsite.storage", None)
    ev = _evidence(app, session, world)
    assert login_as(world.ent_b_union).get(f"/assessments/evidence/{ev.id}").status_code == 403
    resp = login_as(world.ent_a_union).get(f"/assessments/evidence/{ev.id}")
    assert resp.status_code == 302 and resp.location.startswith(s3_endpoint)
    with urllib.request.urlopen(resp.location, timeout=30) as signed:
        assert signed.read() == PDF


def test_an_issued_report_pdf_comes_from_the_store(app, world, session, login_as):
    from tests.evalsite.test_reports_workflow import make_result
    from evalsite.reports import workflow

    make_result(session, world.campaign, world.ent_a)
    session.commit()
    with app.test_request_context():
        from evalsite.db import db
        from evalsite.models import Campaign, Enterprise, User

        s = db.session
        v = workflow.draft_report(s, s.get(Campaign, world.campaign.id), s.get(Enterprise, world.ent_a.id),
                                  s.get(User, world.district_a.id))
        workflow.approve(s, v, s.get(User, world.city.id))
        workflow.issue(s, v, s.get(User, world.district_a.id))
        s.commit()
        vid = v.id
    session.expire_all()
    v = session.scalar(select(ReportVersion).where(ReportVersion.id == vid))
    stored = storage_from_settings(app.config).get(v.sha256)
    assert stored.startswith(b"%PDF") and v.pdf == stored
    resp = login_as(world.district_a).get(f"/reports/versions/{vid}/pdf")
    assert resp.status_code == 200 and resp.data == stored
