"""Contracts import pages: the registry import's steps (``import_flow``) for contracts; the template.

Every row is checked by the same rules as a typed contract; nothing is saved until confirmed.
"""
from __future__ import annotations

from flask import flash, redirect, url_for

from ..access import admin_required
from ..db import db
from . import contract_import_service as service
from . import import_flow
from .blueprint import bp
from .contract_import import HEADERS, REQUIRED
from .import_flow import ImportKind, xlsx_response
from .import_templates import contracts_template


def _finished(counts: dict):
    flash(f"导入完成：新增 {counts['created']} 份，更新 {counts['updated']} 份，未变 {counts['unchanged']} 份集体合同。",
          "success")
    return redirect(url_for("registry.import_contracts_upload"))


CONTRACTS = ImportKind(
    key="contract_import", endpoint="registry.import_contracts",
    upload_template="registry/import_contracts_upload.html", headers=HEADERS, required=REQUIRED,
    preview=service.preview, write=service.write, finished=_finished,
    title="集体合同导入", columns=("统一社会信用代码", "企业名称", "合同种类", "签订日期", "合同期限（年）"),
    sheet="集体合同", corrections_name="contracts-corrections.xlsx")


@bp.route("/import/contracts", methods=["GET", "POST"])
@admin_required
def import_contracts_upload():
    return import_flow.upload(db.session, CONTRACTS)


@bp.post("/import/contracts/confirm")
@admin_required
def import_contracts_confirm():
    return import_flow.confirm(db.session, CONTRACTS)


@bp.get("/import/contracts/corrections.xlsx")
@admin_required
def import_contracts_corrections():
    return import_flow.corrections(db.session, CONTRACTS)


@bp.get("/import/contracts/template.xlsx")
@admin_required
def import_contracts_template():
    return xlsx_response(contracts_template(), "contracts-template.xlsx")
