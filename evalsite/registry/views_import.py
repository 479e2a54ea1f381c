"""Registry import pages: upload → preview of every row → confirm; the template download."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import admin_required
from ..db import db
from ..storage import StorageError
from . import import_service
from .blueprint import bp
from .common import all_industries, units_for
from .forms_admin import ImportForm
from .import_templates import corrections_workbook, registry_template
from .importer import HEADERS, REQUIRED, ImportFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page() -> SimpleNamespace:
    return SimpleNamespace(title="企业名录导入", noun="家", tick_what="企业改名或迁到其他区市",
                           columns=("企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数"),
                           confirm_url=url_for("registry.import_confirm"),
                           corrections_url=url_for("registry.import_corrections"),
                           upload_url=url_for("registry.import_upload"))


def _preview_page(result, filename, form, status):
    return render_template("registry/import_preview.html", result=result, filename=filename, form=form,
                           page=_page()), status


def _upload_page(form, error=None, status=200):
    return render_template("registry/import_upload.html", form=form, error=error, headers=HEADERS,
                           required=REQUIRED), status


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    return upload_and_preview(import_service.preview, _upload_page, _preview_page, import_service.SESSION_KEY)


def upload_and_preview(preview, upload_page, preview_page, kind):
    """The upload step every import shares: check the form, read the file, preview it, park it.

    ``preview(filename, data, user)`` reads and checks the file (``ImportFileError`` for an
    unreadable one); ``upload_page(form, error, status)`` and ``preview_page(result, filename,
    form, status)`` render; ``kind`` names the parked file in the session.
    """
    form = ImportForm()
    if request.method == "GET":
        return upload_page(form)
    if not form.validate_on_submit():
        return upload_page(form, "表单已过期，请重新选择文件上传", 400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return upload_page(form, "请选择要上传的 XLSX 或 CSV 文件", 400)
    data = upload.read()
    try:
        result = preview(db.session, upload.filename, data, current_user)
    except ImportFileError as exc:
        return upload_page(form, str(exc), 400)
    import_service.discard(kind)
    # parked either way: a clean file waits for confirmation, a bad one for its corrections sheet
    try:
        import_service.park(upload.filename, data, current_user.id, confirmable=result.ok, kind=kind)
    except StorageError:
        return upload_page(form, "文件存储暂时无法访问，文件未保存，请稍后重新上传", 503)
    return preview_page(result, upload.filename, form, 200 if result.ok else 400)


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
        result = import_service.preview(db.session, filename, data, current_user, request.form.getlist("accept"))
    except ImportFileError as exc:
        return _upload_page(form, str(exc), 400)
    if not result.ok:  # the registry changed since the preview
        return _preview_page(result, filename, form, 409)
    counts = import_service.write(db.session, result, filename)
    import_service.discard()
    flash(f"导入完成：新增 {counts['created']} 家，更新 {counts['updated']} 家，未变 {counts['unchanged']} 家。", "success")
    if counts["held"]:
        flash(f"有 {counts['held']} 家企业的改名或迁区未勾选确认，这些企业未作任何修改。", "warning")
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
        result = import_service.preview(db.session, filename, data, current_user)
    except ImportFileError as exc:
        return _upload_page(ImportForm(), str(exc), 400)
    return Response(corrections_workbook(result.rows, HEADERS, "企业名录"), mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=registry-corrections.xlsx"})


@bp.get("/import/template.xlsx")
@admin_required
def import_template():
    units = [u.name for u in units_for(db.session, current_user)]
    data = registry_template(units, [i.name for i in all_industries(db.session)])
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": "attachment; filename=registry-template.xlsx"})
