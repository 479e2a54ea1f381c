"""Public verification of a printed report: /verify/<code>.

Shows only what a holder of the paper already knows plus its status, so
the page is safe to leave public; anything else (unknown, malformed or
unissued codes) gets a bare 404.
"""
from __future__ import annotations

import hashlib

from flask import abort, render_template

from ..db import db
from ..extensions import limiter
from .workflow import find_by_code, verification_status
from .blueprint import verify_bp
from .forms import VerifyUploadForm

MAX_PDF = 20 * 1024 * 1024


def _version(code: str):
    version = find_by_code(db.session, code)
    if version is None:
        abort(404)
    return version


def printed(version) -> dict:
    """What this version's PDF printed, from the snapshot frozen with it (not today's registry)."""
    snap = version.data or {}
    return dict(enterprise_name=snap.get("enterprise_name") or version.report.enterprise.name)


def _page(version, form, check=None, error=None, status=200):
    return render_template("reports/verify.html", v=version, form=form, check=check, error=error,
                           status=verification_status(version),
                           ent_name=printed(version)["enterprise_name"]), status


@verify_bp.get("/verify/<code>")
@limiter.limit("60 per minute")
def show(code):
    return _page(_version(code), VerifyUploadForm())


@verify_bp.post("/verify/<code>")
@limiter.limit("20 per minute")
def check(code):
    version = _version(code)
    form = VerifyUploadForm()
    if not form.validate():
        return _page(version, form, error="页面已过期，请刷新后重新上传。", status=400)
    upload = form.pdf.data
    if upload is None or not getattr(upload, "filename", ""):
        return _page(version, form, error="请选择要核对的 PDF 文件。", status=400)
    data = upload.stream.read(MAX_PDF + 1)
    if len(data) > MAX_PDF:
        return _page(version, form, error="文件超过 20 MB，不是本平台出具的报告。", status=400)
    if not data.startswith(b"%PDF"):
        return _page(version, form, error="上传的文件不是 PDF 文件。", status=400)
    digest = hashlib.sha256(data).hexdigest()
    return _page(version, form, check={"sha256": digest, "match": digest == version.sha256})
