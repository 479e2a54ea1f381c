"""Answer exports (CSV, XLSX) of the enterprises the user may see."""
from __future__ import annotations

from flask import Response, current_app, request
from flask_login import current_user
from ..access import enterprise_or_403, visible_enterprise_ids
from ..db import db
from ..errors import abort_zh
from ..inputs import query_int
from ..services import survey_disclosure as policy
from ..services import survey_exports as ex
from . import bp
from .views import VIEWERS, campaign_or_404, roles_required


def _scope():
    """(campaign, enterprise-id select, audiences, file stem) from the query string."""
    campaign = campaign_or_404()
    audience = request.args.get("audience") or None
    if audience not in (None, "worker", "employer"):
        abort_zh(400, "问卷类别无效：audience 只能是 worker（职工问卷）或 employer（企业方问卷）。")
    for each in [audience] if audience else ["worker", "employer"]:
        policy.require_for(current_user, each, "rows")  # 403 with the reason, never an empty file
    eid = query_int("enterprise", label="企业")
    if eid:
        enterprise_or_403(eid, campaign.id)
        ids = [eid]
    else:
        ids = visible_enterprise_ids(current_user, campaign.id)
    stem = f"survey-{campaign.code}" + (f"-{eid}" if eid else "")
    return campaign, ids, [audience] if audience else ["worker", "employer"], stem


@bp.get("/export.csv")
@roles_required(*VIEWERS)
def export_csv():
    campaign, ids, audiences, stem = _scope()
    audience = audiences[0]  # CSV holds one questionnaire: worker unless ?audience=employer
    header, _ = ex.header_and_codes(db.session, campaign, audience)
    factory = current_app.extensions["evalsite_db"].factory

    def body():  # its own session: the stream outlives the request context
        session = factory()
        try:
            yield from ex.csv_chunks(header, ex.rows(session, campaign, audience, ids))
        finally:
            session.close()

    return Response(body(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{audience}.csv"'})


@bp.get("/export.xlsx")
@roles_required(*VIEWERS)
def export_xlsx():
    campaign, ids, audiences, stem = _scope()
    sheets = []
    for audience in audiences:
        header, _ = ex.header_and_codes(db.session, campaign, audience)
        sheets.append((ex.AUDIENCE_LABELS[audience], header, ex.rows(db.session, campaign, audience, ids)))
    out = ex.xlsx_file(sheets)

    def chunks():
        try:
            while block := out.read(64 * 1024):
                yield block
        finally:
            out.close()

    return Response(chunks(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})
