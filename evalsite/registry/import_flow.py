"""The web steps both registry imports share: upload → preview of every row → confirm, and the corrections sheet.

An ``ImportKind`` says what differs (how its rows are read and written, the words and columns
of its pages, where a finished import goes); the steps are here once. Nothing is saved until
confirmed. The uploaded bytes are parked in the scratch area of the file store
(``storage.scratch_storage``, shared by every web process) under their SHA-256, which the
(signed) browser session keeps with the file name, the user and the time; the confirm step
re-reads (verified) and re-checks that file, so nothing the browser sends back is trusted.
Parked files older than a day are swept. The steps take the request's ``session``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from flask import Response, current_app, render_template, request, url_for
from flask import session as browser_session
from flask_login import current_user
from sqlalchemy.orm import Session

from ..storage import StorageError, scratch_storage
from .forms_admin import ImportForm
from .import_preview import Preview
from .import_templates import corrections_workbook
from .importer import ImportFileError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class ImportKind:
    key: str  # names the parked file in the browser session
    endpoint: str  # "registry.import": its pages are <endpoint>_upload, _confirm, _corrections, _template
    upload_template: str
    headers: tuple
    required: tuple
    preview: Callable[..., Preview]  # (session, filename, data, user); ImportFileError for an unreadable file
    write: Callable[..., dict]  # (session, preview, source) -> counts; the request commits
    finished: Callable[[dict], Response]  # counts -> the flashes and the redirect after the import
    title: str  # of the preview page
    columns: tuple  # the file's columns the preview shows
    sheet: str  # the corrections workbook's title and file name
    corrections_name: str
    tick_what: str = ""  # what a ticked change is (the registry's renames and moves)

    def url(self, step: str) -> str:
        return url_for(f"{self.endpoint}_{step}")


# --- the pages -------------------------------------------------------------------------------------

def upload_page(kind: ImportKind, form, error: str | None = None, status: int = 200):
    page = SimpleNamespace(upload_url=kind.url("upload"), template_url=kind.url("template"), headers=kind.headers,
                           required=kind.required)
    return render_template(kind.upload_template, form=form, error=error, page=page), status


def preview_page(kind: ImportKind, result: Preview, filename: str, form, status: int):
    page = SimpleNamespace(title=kind.title, noun=result.noun, tick_what=kind.tick_what, columns=kind.columns,
                           confirm_url=kind.url("confirm"), corrections_url=kind.url("corrections"),
                           upload_url=kind.url("upload"))
    return render_template("registry/import_preview.html", result=result, filename=filename, form=form,
                           page=page), status


# --- the steps -------------------------------------------------------------------------------------

def upload(session: Session, kind: ImportKind):
    """Check the form, read the file, preview it and park it (a clean file for its confirmation,
    a bad one for its corrections sheet)."""
    form = ImportForm()
    if request.method == "GET":
        return upload_page(kind, form)
    if not form.validate_on_submit():
        return upload_page(kind, form, "表单已过期，请重新选择文件上传", 400)
    file = request.files.get("file")
    if file is None or not file.filename:
        return upload_page(kind, form, "请选择要上传的 XLSX 或 CSV 文件", 400)
    data = file.read()
    try:
        result = kind.preview(session, file.filename, data, current_user)
    except ImportFileError as exc:
        return upload_page(kind, form, str(exc), 400)
    discard(kind.key)
    try:
        park(file.filename, data, current_user.id, confirmable=result.ok, kind=kind.key)
    except StorageError:
        return upload_page(kind, form, "文件存储暂时无法访问，文件未保存，请稍后重新上传", 503)
    return preview_page(kind, result, file.filename, form, 200 if result.ok else 400)


def confirm(session: Session, kind: ImportKind):
    """Re-read and re-check the parked file, then write every good row (with the ticked changes)."""
    form = ImportForm()
    if not form.validate_on_submit():
        return upload_page(kind, form, "表单已过期，请重新上传文件", 400)
    found = parked(current_user.id, for_confirm=True, kind=kind.key)
    if found is None:
        return upload_page(kind, form, "没有待确认的导入（可能已过期或已导入），请重新上传文件", 400)
    filename, data = found
    try:
        result = kind.preview(session, filename, data, current_user)
    except ImportFileError as exc:
        return upload_page(kind, form, str(exc), 400)
    result.accepted = frozenset(request.form.getlist("accept"))
    if not result.ok:  # what is stored changed since the preview
        return preview_page(kind, result, filename, form, 409)
    counts = kind.write(session, result, filename)
    discard(kind.key)
    return kind.finished(counts)


def corrections(session: Session, kind: ImportKind):
    """The last uploaded file back, with each row's errors in a first column."""
    found = parked(current_user.id, kind=kind.key)
    if found is None:
        return upload_page(kind, ImportForm(), "没有可下载的错误清单（可能已过期），请重新上传文件", 404)
    filename, data = found
    try:
        result = kind.preview(session, filename, data, current_user)
    except ImportFileError as exc:
        return upload_page(kind, ImportForm(), str(exc), 400)
    return xlsx_response(corrections_workbook(result.rows, kind.headers, kind.sheet), kind.corrections_name)


def xlsx_response(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={filename}"})


# --- the parked upload -----------------------------------------------------------------------------

def park(filename: str, data: bytes, user_id: int, confirmable: bool, kind: str) -> str:
    store = scratch_storage()
    try:
        store.sweep(MAX_AGE)
    except StorageError as exc:  # a sweep that fails now is done at the next upload
        current_app.logger.warning("parked imports not swept: %s", exc)
    key = store.put(data)
    browser_session[kind] = {"key": key, "filename": filename, "user_id": user_id, "confirmable": confirmable,
                             "at": int(time.time())}
    return key


def parked(user_id: int, kind: str, for_confirm: bool = False) -> tuple[str, bytes] | None:
    """The file parked by this browser for this user, if still there.

    ``for_confirm``: only a file whose preview was clean (a bad file is parked
    just so its corrections sheet can be downloaded).
    """
    meta = browser_session.get(kind)
    if not isinstance(meta, dict) or meta.get("user_id") != user_id:
        return None
    if (for_confirm and not meta.get("confirmable", False)) or time.time() - meta.get("at", 0) > MAX_AGE:
        return None
    try:
        data = scratch_storage().get(str(meta.get("key", "")))
    except StorageError:
        return None
    return meta.get("filename", ""), data


def discard(kind: str) -> None:
    meta = browser_session.pop(kind, None)
    if isinstance(meta, dict):
        try:
            scratch_storage().delete(str(meta.get("key", "")))
        except StorageError:
            pass  # swept within a day
