"""Evidence uploads: type by content, 10 MB limit, random storage, scoped download."""
from __future__ import annotations

import hashlib
import io
import os

import pytest
from sqlalchemy import select

from evalsite.models import Assessment, Evidence
from evalsite.assessments.evidence import safe_filename, sniff
from evalsite.storage import storage_from_settings
from tests.conftest import login

from .assess_data import JPEG, PDF, PNG, levels, make_assessment, office_zip


@pytest.mark.parametrize("data,kind", [
    (PDF, "pdf"), (PNG, "png"), (JPEG, "jpg"), (office_zip("word"), "docx"), (office_zip("xl"), "xlsx"),
    (office_zip("ppt"), None), (b"PK\x03\x04not a zip", None), (b"MZ\x90\x00", None), (b"<html>", None), (b"", None),
])
def test_type_is_read_from_the_magic_bytes(data, kind):
    assert sniff(data) == kind


def test_safe_filename_drops_path_parts_and_control_characters():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\材料\\职代会决议.pdf") == "职代会决议.pdf"
    assert safe_filename('a"b\r\n.pdf') == "ab.pdf"
    assert safe_filename("") == "附件"


def _upload(client, dim="B", **fields):
    return client.post(f"/assessments/self/{dim}", data=fields, content_type="multipart/form-data")


def test_upload_is_stored_under_a_random_name_outside_static(app, client, world, session):
    login(client, world.ent_a_union)
    resp = _upload(client, level_B6="full", file_B6=(io.BytesIO(office_zip("word")), "职代会决议.docx"))
    assert resp.status_code == 302
    session.expire_all()
    session.rollback()
    ev = session.scalar(select(Evidence))
    assert ev.filename == "职代会决议.docx" and ev.indicator == "B6" and ev.content_type.endswith("document")
    assert "职代会" not in ev.stored_name and ev.stored_name.endswith(".docx")
    # the bytes are in the file store under their SHA-256, nowhere under the static folder
    data = storage_from_settings(app.config).get(ev.sha256)  # verified against the hash on read
    assert data.startswith(b"PK") and hashlib.sha256(data).hexdigest() == ev.sha256 and ev.size == len(data)
    assert not any(ev.stored_name in names or ev.sha256 in names for _d, _s, names in os.walk(app.static_folder))


def test_wrong_type_is_refused_with_400_and_the_text_is_kept(client, world, session):
    login(client, world.ent_a_union)
    resp = _upload(client, level_B1="full", note_B1="要约书编号2021-01",
                   file_B1=(io.BytesIO(b"MZ\x90\x00fake"), "要约书.pdf"))
    assert resp.status_code == 400
    assert "文件类型不支持" in resp.get_data(as_text=True)
    session.expire_all()
    session.rollback()
    a = session.scalar(select(Assessment))
    assert a.item("B1").note == "要约书编号2021-01" and session.scalar(select(Evidence)) is None


def test_file_over_10_mb_is_refused_with_413_and_other_fields_are_kept(client, world, session):
    login(client, world.ent_a_union)
    big = PDF + b"0" * (10 * 1024 * 1024)
    resp = _upload(client, level_B2="partial", note_B2="答复超期3天", level_B3="full",
                   file_B2=(io.BytesIO(big), "答复书.pdf"))
    assert resp.status_code == 413
    page = resp.get_data(as_text=True)
    assert "超过 10 MB" in page and "答复超期3天" in page and 'value="partial" checked' in page
    session.expire_all()
    session.rollback()
    a = session.scalar(select(Assessment))
    assert (a.item("B2").level, a.item("B2").note, a.item("B3").level) == ("partial", "答复超期3天", "full")
    assert session.scalar(select(Evidence)) is None


def test_upload_after_submission_is_409(client, world, session):
    make_assessment(session, world.campaign, world.ent_a, levels())
    session.commit()
    login(client, world.ent_a_union)
    resp = _upload(client, file_B1=(io.BytesIO(PDF), "x.pdf"))
    assert resp.status_code == 409 and "锁定" in resp.get_data(as_text=True)


def _stored_evidence(client, world, session):
    login(client, world.ent_a_union)
    _upload(client, file_B9=(io.BytesIO(PNG), "../公示 照片.png"))
    session.expire_all()
    session.rollback()
    return session.scalar(select(Evidence))


def test_download_is_an_attachment_with_a_safe_name_and_nosniff(client, world, session):
    ev = _stored_evidence(client, world, session)
    resp = client.get(f"/assessments/evidence/{ev.id}")
    assert resp.status_code == 200 and resp.data == PNG
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert "%E5%85%AC%E7%A4%BA" in disposition and ".." not in disposition and "/" not in disposition
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Type"] == "image/png"


@pytest.mark.parametrize("who,status", [("ent_b_union", 403), ("district_b", 403), ("evaluator_b", 403),
                                        ("evaluator", 200), ("district_a", 200), ("city", 200),
                                        ("ent_a_mgmt", 200)])
def test_download_only_for_users_who_may_see_the_enterprise(client, world, session, who, status):
    ev = _stored_evidence(client, world, session)
    login(client, getattr(world, who))
    assert client.get(f"/assessments/evidence/{ev.id}").status_code == status


def test_unknown_evidence_is_404(client, world):
    login(client, world.city)
    assert client.get("/assessments/evidence/424242").status_code == 404
