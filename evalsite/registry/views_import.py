"""Registry import pages: upload → preview of every row → confirm (the steps: ``import_flow``); the template."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from ..access import admin_required
from ..db import db
from . import import_flow, import_service
from .blueprint import bp
from .common import all_industries, units_for
from .import_flow import ImportKind, xlsx_response
from .import_templates import registry_template
from .importer import HEADERS, REQUIRED


def _finished(counts: dict):
    flash(f"导入完成：新增 {counts['created']} 家，更新 {counts['updated']} 家，未变 {counts['unchanged']} 家。", "success")
    if counts["held"]:
        flash(f"有 {counts['held']} 家企业的改名或迁区未勾选确认，这些企业未作任何修改。", "warning")
    return redirect(url_for("registry.enterprise_list"))


REGISTRY = ImportKind(
    key="registry_import", endpoint="registry.import", upload_template="registry/import_upload.html",
    headers=HEADERS, required=REQUIRED, preview=import_service.preview, write=import_service.write,
    finished=_finished, title="企业名录导入",
    columns=("企业名称", "统一社会信用代码", "所属区市", "行业", "职工人数"),
    sheet="企业名录", corrections_name="registry-corrections.xlsx", tick_what="企业改名或迁到其他区市")


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    return import_flow.upload(db.session, REGISTRY)


@bp.post("/import/confirm")
@admin_required
def import_confirm():
    return import_flow.confirm(db.session, REGISTRY)


@bp.get("/import/corrections.xlsx")
@admin_required
def import_corrections():
    return import_flow.corrections(db.session, REGISTRY)


@bp.get("/import/template.xlsx")
@admin_required
def import_template():
    units = [u.name for u in units_for(db.session, current_user)]
    return xlsx_response(registry_template(units, [i.name for i in all_industries(db.session)]),
                         "registry-template.xlsx")
