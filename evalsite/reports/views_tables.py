"""Campaign tables (附件1, 附件2, summary); batch issue is a job of ``evalsite/batch``."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, render_template
from flask_login import current_user

from ..access import admin_required
from ..db import db
from ..models import ReportingUnit
from . import tables as S
from .blueprint import bp
from .forms import ActionForm
from ..campaign_context import campaign_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope():
    """District admins see their own unit's row only (its total is that row)."""
    if current_user.role == "district_admin":
        unit = db.session.get(ReportingUnit, current_user.unit_id)
        return [current_user.unit_id], unit.name if unit else ""
    return None, current_app.config.get("ISSUING_BODY", "威海市总工会")


@bp.get("/tables")
@admin_required
def tables():
    campaign = campaign_or_404()
    unit_ids, unit_name = _scope()
    t1 = S.build_annex1(db.session, campaign, unit_ids)
    t2 = S.build_annex2(db.session, campaign, unit_ids)
    leaves1, rows1, total1, hl1, low1 = S.annex1_matrix(t1)
    leaves2, rows2 = S.annex2_matrix(t2)
    failed = [c for c in S.logic_checks(campaign, t1, t2) if not c.passed]
    return render_template("reports/tables.html", campaign=campaign, unit_name=unit_name, leaves1=leaves1,
                           rows1=rows1, total1=total1, hl1=hl1, low1=low1, leaves2=leaves2, rows2=rows2,
                           totals2=S.totals_annex2(t2), notes1=S.annex1_notes(t1), notes2=S.annex2_notes(t2),
                           failed=failed, form=ActionForm())


@bp.get("/tables/checks")
@admin_required
def table_checks():
    """逻辑检查: every relation between columns and between 附件1 and 附件2, before export."""
    campaign = campaign_or_404()
    unit_ids, unit_name = _scope()
    t1, t2 = S.build_annex1(db.session, campaign, unit_ids), S.build_annex2(db.session, campaign, unit_ids)
    checks = S.logic_checks(campaign, t1, t2)
    return render_template("reports/table_checks.html", campaign=campaign, unit_name=unit_name, checks=checks,
                           failed=[c for c in checks if not c.passed])


@bp.get("/tables/<name>.<fmt>")
@admin_required
def table_download(name, fmt):
    from . import views_exports as exports

    if (name, fmt) not in {("annex1", "xlsx"), ("annex1", "pdf"), ("annex2", "xlsx"), ("annex2", "pdf"),
                           ("summary", "pdf"), ("checks", "pdf")}:
        abort(404)
    campaign = campaign_or_404()
    unit_ids, unit_name = _scope()
    if name in ("annex1", "annex2", "checks"):
        t1, t2 = S.build_annex1(db.session, campaign, unit_ids), S.build_annex2(db.session, campaign, unit_ids)
        checks = S.logic_checks(campaign, t1, t2)
    if name == "annex1":
        data = exports.annex1_xlsx(t1, unit_name, checks) if fmt == "xlsx" else exports.annex1_pdf(t1, unit_name)
        label = "附件1-集中要约行动情况统计表"
    elif name == "annex2":
        data = exports.annex2_xlsx(t2, unit_name, checks) if fmt == "xlsx" else exports.annex2_pdf(t2, unit_name)
        label = "附件2-新业态行业集体合同签订情况统计表"
    elif name == "checks":
        data = exports.checks_pdf(checks, unit_name)
        label = "统计表逻辑检查表"
    else:
        from ..dashboards.service import progress

        t1, t2 = S.build_annex1(db.session, campaign, unit_ids), S.build_annex2(db.session, campaign, unit_ids)
        data = exports.summary_pdf(campaign, t1, t2, progress(db.session, campaign, unit_ids), unit_name)
        label = "行动工作总结"
    resp = Response(data, mimetype=XLSX if fmt == "xlsx" else "application/pdf")
    resp.headers["Content-Disposition"] = (f"attachment; filename={name}.{fmt}; filename*=UTF-8''"
                                           + quote(f"{label}-{campaign.code}.{fmt}"))
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
