"""De-identified row-level exports (CSV, XLSX, SPSS, Stata) for administrators; every download is audited.

The disclosure policy decides: enterprise accounts and evaluators get 403
with the reason (never an empty file). Each download is written to the audit
log before the file is built.
"""
from __future__ import annotations

import io

from flask import Response, request, send_file
from flask_login import current_user

from .. import audit
from ..access import enterprise_or_403, visible_enterprise_ids
from ..db import db, writing
from ..errors import abort_zh
from ..inputs import query_int
from ..survey_data import disclosure as policy
from ..survey_data import exports as ex
from ..survey_data import releases
from ..survey_data.store import response_counts
from .blueprint import bp
from .views_surveys import VIEWERS, campaign_or_404, roles_required

FORMATS = {"csv": "CSV", "xlsx": "Excel", "sav": "SPSS", "dta": "Stata"}


def _scope(kind: str, default_audience: str | None):
    """(campaign, enterprise ids, audiences, grant, file stem) from the query string, refusals first."""
    campaign = campaign_or_404()
    audience = request.args.get("audience") or default_audience
    if audience not in (None, "worker", "employer"):
        abort_zh(400, "问卷类别无效：audience 只能是 worker（职工问卷）或 employer（企业方问卷）。")
    audiences = [audience] if audience else ["worker", "employer"]
    grant = None
    for each in audiences:
        grant = policy.require_for(current_user, each, "rows")  # 403 with the reason, never an empty file
    eid = query_int("enterprise", label="企业")
    if eid:
        enterprise_or_403(eid, campaign.id)
        ids = [eid]
    else:
        ids = visible_enterprise_ids(current_user, campaign.id)
    stem = f"survey-{campaign.code}" + (f"-{eid}" if eid else "")
    releases.refresh(db.session, campaign.id, response_counts(db.session, campaign.id, ids), ids)  # as the pages do
    _audit(campaign, kind, audiences, eid)
    return campaign, ids, audiences, grant, stem


def _audit(campaign, kind, audiences, eid):
    """The download, in the audit log, in a write transaction of its own (the request is a GET)."""
    db.session.rollback()
    with writing():
        audit.record("survey.export", "campaign", campaign.id,
                     f"下载去标识化答卷数据（{FORMATS[kind]}，{'、'.join(ex.AUDIENCE_LABELS[a] for a in audiences)}）",
                     {"format": kind, "audiences": audiences, "enterprise": eid})
        db.session.commit()  # a GET (never committed by the boundary): the download is audited before it is sent


def _table(campaign, audience, ids, grant):
    table = ex.build(db.session, campaign, audience, ids, grant)
    if table is None:
        abort_zh(409, "本行动尚未设置问卷，没有可导出的答卷。")
    return table


@bp.get("/export.csv")
@roles_required(*VIEWERS)
def export_csv():
    campaign, ids, (audience,), grant, stem = _scope("csv", "worker")
    text = ex.csv_text(_table(campaign, audience, ids, grant))
    return Response(text.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{audience}.csv"'})


@bp.get("/export.xlsx")
@roles_required(*VIEWERS)
def export_xlsx():
    campaign, ids, audiences, grant, stem = _scope("xlsx", None)
    tables = {a: ex.build(db.session, campaign, a, ids, grant) for a in audiences}
    out = ex.xlsx_file(tables, grant)

    def chunks():
        try:
            while block := out.read(64 * 1024):
                yield block
        finally:
            out.close()

    return Response(chunks(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})


def _statistics(kind: str, mimetype: str):
    campaign, ids, (audience,), grant, stem = _scope(kind, "worker")
    data = ex.statistics_file(_table(campaign, audience, ids, grant), kind)
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=f"{stem}-{audience}.{kind}")


@bp.get("/export.sav")
@roles_required(*VIEWERS)
def export_sav():
    return _statistics("sav", "application/x-spss-sav")


@bp.get("/export.dta")
@roles_required(*VIEWERS)
def export_dta():
    return _statistics("dta", "application/x-stata-dta")
