"""Large exports as jobs: the de-identified survey XLSX of one's whole scope, and the campaign tables ZIP.

Both are cached until what they read changes. The survey file's fingerprint is
the latest release of every enterprise in scope (answers are published only in
releases), the pinned questionnaires and the enterprise names; the tables'
fingerprint is the marks of every table they read (``marks.py``) and the day.
The scope and the rights of the requester are part of both fingerprints.
"""
from __future__ import annotations

import io
import zipfile

from flask import current_app
from sqlalchemy import select

from ..access import visible_enterprise_ids
from ..jobs import Refused, fingerprint
from ..models import (Assessment, BargainingMeeting, Campaign, CollectiveContract, ContractCoverage, Enrolment,
                      Enterprise, EscalationLetter, EvaluationResult, Industry, ReportingUnit)
from ..reports import tables as S
from ..reports import views_exports as exports
from ..survey_data import exports as ex
from ..survey_data import releases
from ..survey_data import store
from ..survey_data.disclosure import grant_for
from .marks import day, table_marks

TABLE_MODELS = (Enterprise, Enrolment, CollectiveContract, ContractCoverage, BargainingMeeting, ReportingUnit,
                Industry, Assessment, EvaluationResult, EscalationLetter)


def _who(user) -> tuple:
    return (user.role, user.unit_id, user.enterprise_id, user.side)


# ---------------------------------------------------------------- survey XLSX
def survey_fingerprint(session, user, params: dict) -> str:
    campaign = session.get(Campaign, params["campaign_id"])
    ids = visible_enterprise_ids(user, campaign.id)
    published = sorted((eid, aud, p.number) for (eid, aud), p in releases.latest(session, campaign.id, ids).items()
                       if aud in params["audiences"])
    names = sorted(session.execute(select(Enterprise.id, Enterprise.name, Enterprise.credit_code).where(
        Enterprise.id.in_({eid for eid, _, _ in published}))).all())
    pinned = [store.pinned_hash(campaign, a) for a in params["audiences"]]
    return fingerprint("survey.xlsx", _who(user), params, published, [tuple(n) for n in names], pinned)


class SurveyXlsx:
    LABEL = "导出去标识化答卷（Excel）"

    @staticmethod
    def run(ctx) -> None:
        campaign = ctx.session.get(Campaign, ctx.params["campaign_id"])
        ids = visible_enterprise_ids(ctx.user, campaign.id)
        releases.refresh(ctx.session, campaign.id, store.response_counts(ctx.session, campaign.id, ids), ids)  # as the pages do
        ctx.session.rollback()  # a new read, to see the releases just made
        campaign = ctx.session.get(Campaign, ctx.params["campaign_id"])
        fp = survey_fingerprint(ctx.session, ctx.user, ctx.params)  # of what this file is built from
        audiences = list(ctx.params["audiences"])
        ctx.set_total(len(audiences))
        tables, grant = {}, None
        for audience in audiences:
            with ctx.item(ex.AUDIENCE_LABELS[audience]):
                grant = grant_for(ctx.user, audience)
                if not grant.rows:
                    raise Refused("逐份答卷数据只提供给市、区总工会管理员。")
                table = ex.build(ctx.session, campaign, audience, ids, grant)
                if table is None:
                    raise Refused("本行动尚未设置该问卷，没有可导出的答卷。")
                tables[audience] = table
                ctx.count("rows", len(table.rows))
        if not tables:
            return
        out = ex.xlsx_file(tables, grant)
        try:
            data = out.read()
        finally:
            out.close()
        ctx.job.fingerprint = fp
        ctx.attach(data, f"survey-{campaign.code}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    @staticmethod
    def summary_lines(summary: dict) -> list[str]:
        return [f"已导出去标识化答卷 {summary.get('rows', 0)} 行（只含已发布的答卷）。"]


# ---------------------------------------------------------------- campaign tables
def tables_scope(session, user) -> tuple[list[int] | None, str]:
    if user.role == "district_admin":
        unit = session.get(ReportingUnit, user.unit_id)
        return [user.unit_id], unit.name if unit else ""
    return None, current_app.config.get("ISSUING_BODY", "威海市总工会")


def tables_fingerprint(session, user, params: dict) -> str:
    campaign = session.get(Campaign, params["campaign_id"])
    return fingerprint("tables.zip", _who(user), params, campaign.updated_at, campaign.start_date, campaign.end_date,
                       table_marks(session, TABLE_MODELS), day(), current_app.config.get("ISSUING_BODY", ""))


class CampaignTables:
    LABEL = "统计表打包下载（附件1、附件2、逻辑检查表）"

    @staticmethod
    def run(ctx) -> None:
        campaign = ctx.session.get(Campaign, ctx.params["campaign_id"])
        unit_ids, body = tables_scope(ctx.session, ctx.user)
        ctx.set_total(5)
        files: dict[str, bytes] = {}
        t1 = S.build_annex1(ctx.session, campaign, unit_ids)
        t2 = S.build_annex2(ctx.session, campaign, unit_ids)
        checks = S.logic_checks(campaign, t1, t2)
        a1, a2 = "附件1-集中要约行动情况统计表", "附件2-新业态行业集体合同签订情况统计表"
        steps = [(f"{a1}.xlsx", lambda: exports.annex1_xlsx(t1, body, checks)),
                 (f"{a1}.pdf", lambda: exports.annex1_pdf(t1, body)),
                 (f"{a2}.xlsx", lambda: exports.annex2_xlsx(t2, body, checks)),
                 (f"{a2}.pdf", lambda: exports.annex2_pdf(t2, body)),
                 ("统计表逻辑检查表.pdf", lambda: exports.checks_pdf(checks, body))]
        for name, build in steps:
            with ctx.item(name):
                files[name] = build()
        ctx.summary["failed_checks"] = sum(1 for c in checks if not c.passed)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(f"{campaign.code}/{name}", data)
        ctx.attach(buf.getvalue(), f"统计表-{body}-{campaign.code}.zip", "application/zip")

    @staticmethod
    def summary_lines(summary: dict) -> list[str]:
        failed = summary.get("failed_checks", 0)
        return ["已生成附件1、附件2（Excel 和 PDF）及逻辑检查表。"] + (
            [f"逻辑检查有 {failed} 项未通过，详见逻辑检查表。"] if failed else ["逻辑检查全部通过。"])
