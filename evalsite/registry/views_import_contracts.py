"""Contracts import pages: upload → preview of every row → confirm; the template and the corrections sheet.

The same steps as the registry import (``views_import``): nothing is saved
until confirmed, the confirmation re-reads and re-checks the parked file.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import admin_required
from ..db import db
from . import import_service
from .blueprint import bp
from . import contract_import_service as service
from .contract_import import HEADERS, REQUIRED
from .forms_admin import ImportForm
from .import_templates import contracts_template, corrections_workbook
from .importer import ImportFileError
from .views_import import XLSX, upload_and_preview


def _page() -> SimpleNamespace:
    return SimpleNamespace(title="集体合同导入", noun="份", tick_what="",
                           columns=("统一社会信用代码", "企业名称", "合同种类", "签订日期", "合同期限（年）"),
                           confirm_url=url_for("registry.import_contracts_confirm"),
                           corrections_url=url_for("registry.import_contracts_corrections"),
                           upload_url=url_for("registry.import_contracts_upload"))


def _upload_page(form, error=None, status=200):
    return render_template("registry/import_contracts_upload.html", form=form, error=error, headers=HEADERS,
                           required=REQUIRED), status


def _preview_page(result, filename, form, status):
    return render_template("registry/import_preview.html", result=result, filename=filename, form=form,
                           page=_page()), status


@bp.route("/import/contracts", methods=["GET", "POST"])
@admin_required
def import_contracts_upload():
    return upload_and_preview(service.preview, _upload_page, _preview_page, service.KIND)


@bp.post("/import/contracts/confirm")
@admin_required
def import_contracts_confirm():
    form = ImportForm()
    if not form.validate_on_submit():
        return _upload_page(form, "表单已过期，请重新上传文件", 400)
    parked = import_service.parked(current_user.id, for_confirm=True, kind=service.KIND)
    if parked is None:
        return _upload_page(form, "没有待确认的导入（可能已过期或已导入），请重新上传文件", 400)
    filename, data = parked
    try:
        result = service.preview(db.session, filename, data, current_user)
    except ImportFileError as exc:
        return _upload_page(form, str(exc), 400)
    if not result.ok:  # the registry or the contracts changed since the preview
        return _preview_page(result, filename, form, 409)
    counts = service.write(db.session, result, filename)
    import_service.discard(service.KIND)
    flash(f"导入完成：新增 {counts['created']} 份，更新 {counts['updated']} 份，未变 {counts['unchanged']} 份集体合同。",
          "success")
    return redirect(url_for("registry.import_contracts_upload"))


@bp.get("/import/contracts/corrections.xlsx")
@admin_required
def import_contracts_corrections():
    parked = import_service.parked(current_user.id, kind=service.KIND)
    if parked is None:
        return _upload_page(ImportForm(), "没有可下载的错误清单（可能已过期），请重新上传文件", 404)
    filename, data = parked
    try:
        result = service.preview(db.session, filename, data, current_user)
    except ImportFileError as exc:
        return _upload_page(ImportForm(), str(exc), 400)
    return Response(corrections_workbook(result.rows, HEADERS, "集体合同"), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=contracts-corrections.xlsx"})


@bp.get("/import/contracts/template.xlsx")
@admin_required
def import_contracts_template():
    return Response(contracts_template(), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=contracts-template.xlsx"})
