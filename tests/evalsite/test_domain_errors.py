"""One error type (evalsite/domain_errors.py) and its one handler (evalsite/errors.py)."""
from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from evalsite import domain_errors as E
from evalsite.errors import abort_zh, field_errors
from evalsite.four_eyes import FourEyesRefused
from evalsite.models import AuditEntry
from evalsite.registry.import_header import ImportFileError
from evalsite.reports.letters import LetterInputError


def _routes(app):
    def conflict():
        raise E.Conflict("该版本已出具，不能修改。")

    def forbidden():
        raise E.Forbidden("只有本区管理员可以操作。")

    app.add_url_rule("/_err/conflict", "conflict", conflict, methods=["GET", "POST"])
    app.add_url_rule("/_err/forbidden", "forbidden", forbidden)


def test_a_domain_error_is_the_chinese_error_page_with_its_status(app, client):
    _routes(app)
    resp = client.post("/_err/conflict")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "操作冲突" in page and "该版本已出具，不能修改。" in page
    assert "Traceback" not in page and "Conflict" not in page


def test_a_request_asking_for_json_gets_json(app, client):
    _routes(app)
    resp = client.get("/_err/conflict", headers={"Accept": "application/json"})
    assert resp.status_code == 409 and resp.get_json() == {"error": "操作冲突", "message": "该版本已出具，不能修改。"}


def test_a_forbidden_domain_error_is_audited_like_every_403(app, client, session):
    _routes(app)
    resp = client.get("/_err/forbidden")
    assert resp.status_code == 403 and "只有本区管理员可以操作。" in resp.get_data(as_text=True)
    session.expire_all()
    session.rollback()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "access_denied"))
    assert entry is not None and "/_err/forbidden" in entry.summary


@pytest.mark.parametrize("code, cls", [(400, E.Invalid), (403, E.Forbidden), (404, E.NotFound), (409, E.Conflict),
                                       (410, E.Gone), (413, E.TooLarge)])
def test_abort_zh_raises_the_domain_error_of_its_status(code, cls):
    with pytest.raises(cls) as exc:
        abort_zh(code, "说明")
    assert exc.value.status == code and str(exc.value) == "说明"


def test_an_unusual_status_keeps_its_code():
    with pytest.raises(E.DomainError) as exc:
        abort_zh(429, "请稍后再试。")
    assert exc.value.status == 429


def test_the_area_errors_are_domain_errors_with_their_statuses():
    assert isinstance(ImportFileError("x"), E.Invalid) and ImportFileError("x").status == 400
    assert isinstance(LetterInputError("x"), E.Invalid)
    assert FourEyesRefused("x").status == 403 and isinstance(FourEyesRefused("x"), E.Forbidden)
    from evalsite.assessments.evidence import UploadRejected

    assert UploadRejected(413, "过大").status == 413 and UploadRejected(413, "过大").message == "过大"


def test_field_errors_go_next_to_the_form_fields(app):
    class Form(FlaskForm):
        reason = StringField()
        other = StringField()

    with app.test_request_context("/", method="POST"):
        form = Form(meta={"csrf": False})
        form.validate()
        exc = E.Invalid(fields={"reason": "请填写原因。", "": "整体说明"})
        assert exc.message == "请填写原因。；整体说明" and exc.status == 400
        assert field_errors(exc, form, default="other") == {"reason": "请填写原因。", "": "整体说明"}
        assert list(form.reason.errors) == ["请填写原因。"] and list(form.other.errors) == ["整体说明"]
        plain = E.Invalid("退回原因不超过500字。")
        assert field_errors(plain, form, default="reason") == {"reason": "退回原因不超过500字。"}
        assert list(form.reason.errors)[-1] == "退回原因不超过500字。"
