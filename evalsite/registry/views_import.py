"""Registry import pages: upload → preview of every row → confirm; the template download."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import admin_required
from ..db import db
from . import bp, import_service
from .common import all_industries, units_for
from .forms_admin import ImportForm
from .importer import HEADERS, REQUIRED, ImportFileError
from .xlsx import corrections_workbook, template_workbook


def _upload_page(form, error=None, status=200):
    return render_template("registry/import_upload.html", form=form, error=error, headers=HEADERS,
                           required=REQUIRED), status


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    form = ImportForm()
    if request.method == "GET":
        return _upload_page(form)
    if not form.validate_on_submit():
        return _upload_page(form, "表单已过期，请重新选择文件上传", 400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page(form, "请选择要上传的 XLSX 或 CSV 文件", 400)
    data = upload.read()
    try:
        result = import_service.preview(upload.filename, data, current_user)
    except ImportFileError as exc:
        return _upload_page(form, str(exc), 400)
    import_service.discard()
    # parked either way: a clean file waits for confirmation, a bad one for its corrections sheet
    import_service.park(upload.filename, data, current_user.id, confirmable=result.ok)
    return render_template("registry/import_preview.html", result=result, filename=upload.filename,
                           form=form), 200 if result.ok else 400


@bp.post("/import/confirm")
@admin_required
def import_confirm():
    form = ImportForm()
    if not form.validate_on_submit():
        return _upload_page(form, "表单已过期，请重新上传文件", 400)
    parked = import_service.parked(current_user.id, for_confirm=True)
    if parked is None:
        return _upload_page(form, "没有待确认的导入（可能已过期或已导入），请重新上传文件", 400)
    filename, data = parked
    try:
        result = import_service.preview(filename, data, current_user)
    except ImportFileError as exc:
        return _upload_page(form, str(exc), 400)
    if not result.ok:  # the registry changed since the preview
        return render_template("registry/import_preview.html", result=result, filename=filename, form=form), 409
    counts = import_service.write(result, filename)
    db.session.commit()
    import_service.discard()
    flash(f"导入完成：新增 {counts['created']} 家，更新 {counts['updated']} 家，未变 {counts['unchanged']} 家。", "success")
    return redirect(url_for("registry.enterprise_list"))


@bp.get("/import/corrections.xlsx")
@admin_required
def import_corrections():
    """The last uploaded file back, with each row's errors in a first column."""
    parked = import_service.parked(current_user.id)
    if parked is None:
        return _upload_page(ImportForm(), "没有可下载的错误清单（可能已过期），请重新上传文件", 404)
    filename, data = parked
    try:
        result = import_service.preview(filename, data, current_user)
    except ImportFileError as exc:
        return _upload_page(ImportForm(), str(exc), 400)
    return Response(corrections_workbook(result.rows),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=registry-corrections.xlsx"})


@bp.get("/import/template.xlsx")
@admin_required
def import_template():
    units = [u.name for u in units_for(current_user)]
    data = template_workbook(units, [i.name for i in all_industries()])
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=registry-template.xlsx"})
