"""Public verification: status, hash check, and nothing for forged codes."""
from __future__ import annotations

import io

from evalsite.reports.workflow import CODE_ALPHABET
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result, today  # noqa: F401
from tests.evalsite.confirm_support import confirmed_post


def _swap(code: str) -> str:
    last = code[-1]
    return code[:-1] + next(c for c in CODE_ALPHABET if c != last)


def test_valid_superseded_revoked(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    v1 = draft_approve_issue(login_as, session, world)
    anon = app.test_client()
    page = anon.get(f"/verify/{v1.verify_code}").data.decode()
    assert "有效" in page and world.ent_a.name in page and v1.report.number in page and v1.sha256 in page
    assert "良好" in page and "78.5" not in page  # the grade, never the score or the problems
    assert "P-PROC-01" not in page and world.ent_a.credit_code not in page
    v2 = draft_approve_issue(login_as, session, world)
    assert "已被新版本取代" in anon.get(f"/verify/{v1.verify_code}").data.decode()
    assert "有效" in anon.get(f"/verify/{v2.verify_code}").data.decode()
    confirmed_post(login_as(world.city), f"/reports/versions/{v2.id}/revoke", {"reason": "错误"})
    assert "已撤销" in anon.get(f"/verify/{v2.verify_code}").data.decode()


def test_forged_truncated_or_unissued_codes_are_404(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    v = draft_approve_issue(login_as, session, world)
    anon = app.test_client()
    for code in (_swap(v.verify_code), v.verify_code[:-1], v.verify_code.lower(), "0" * 12, "x", "<script>"):
        resp = anon.get(f"/verify/{code}")
        assert resp.status_code == 404 and world.ent_a.name not in resp.data.decode()


def test_upload_checks_the_hash(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    v = draft_approve_issue(login_as, session, world)
    anon = app.test_client()
    url = f"/verify/{v.verify_code}"
    ok = anon.post(url, data={"pdf": (io.BytesIO(v.pdf), "r.pdf")}, content_type="multipart/form-data")
    assert ok.status_code == 200 and "一致" in ok.data.decode() and "不一致" not in ok.data.decode()
    bad = anon.post(url, data={"pdf": (io.BytesIO(v.pdf + b"\n"), "r.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 200 and "不一致" in bad.data.decode()
    not_pdf = anon.post(url, data={"pdf": (io.BytesIO(b"hello"), "r.pdf")}, content_type="multipart/form-data")
    assert not_pdf.status_code == 400 and "不是 PDF" in not_pdf.data.decode()
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    over = anon.post(url, data={"pdf": (io.BytesIO(big), "r.pdf")}, content_type="multipart/form-data")
    assert over.status_code == 400 and "20 MB" in over.data.decode()
    assert anon.post(url, data={}, content_type="multipart/form-data").status_code == 400


def test_upload_form_needs_csrf(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    v = draft_approve_issue(login_as, session, world)
    app.config["WTF_CSRF_ENABLED"] = True
    anon = app.test_client()
    page = anon.get(f"/verify/{v.verify_code}").data.decode()
    assert 'name="csrf_token"' in page
    resp = anon.post(f"/verify/{v.verify_code}", data={"pdf": (io.BytesIO(v.pdf), "r.pdf")},
                     content_type="multipart/form-data")
    assert resp.status_code == 400


def test_a_version_shows_the_name_it_printed_after_a_rename(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a)
    v1 = draft_approve_issue(login_as, session, world)
    old = world.ent_a.name
    world.ent_a.name = "威海甲机械集团股份有限公司"
    session.commit()
    v2 = draft_approve_issue(login_as, session, world)
    anon = app.test_client()
    first = anon.get(f"/verify/{v1.verify_code}").data.decode()
    assert old in first and "威海甲机械集团股份有限公司" not in first and "第 1 版" in first
    second = anon.get(f"/verify/{v2.verify_code}").data.decode()
    assert "威海甲机械集团股份有限公司" in second and "第 2 版" in second
