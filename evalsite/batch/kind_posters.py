"""A ZIP of the survey posters (and, if asked, new ballot slips) of a district's enrolled enterprises.

Each (enterprise, questionnaire) is one item, done only when the requester
runs that link (``survey_data.disclosure.runs_link``: the worker link is run by
the union side and administrators, the employer link by the management side
and administrators); links not yet made or closed are listed too. A ZIP of
posters only is cached until a link, an enterprise name or the campaign
changes; slips are never cached: every request issues new one-time codes.
"""
from __future__ import annotations

import io
import zipfile

from flask import current_app
from sqlalchemy import select

from ..jobs import Refused, fingerprint
from ..models import Campaign, Enrolment, Enterprise, ReportingUnit, SurveyLink
from ..survey_data import store
from ..survey_data.disclosure import run_link_refusal, runs_link
from ..survey_data.printing import ballots_pdf, poster_pdf

MAX_BALLOTS = 600
NO_LINK = "尚未生成问卷链接：请先在问卷总览页面生成链接。"
CLOSED = "该问卷链接已关闭，未生成海报。"


def scope(session, campaign_id: int, unit_id: int | None, enterprise_id: int | None) -> list[Enterprise]:
    stmt = (select(Enterprise).join(Enrolment, Enrolment.enterprise_id == Enterprise.id)
            .where(Enrolment.campaign_id == campaign_id).order_by(Enterprise.name, Enterprise.id))
    if enterprise_id:
        stmt = stmt.where(Enterprise.id == enterprise_id)
    elif unit_id:
        stmt = stmt.where(Enterprise.unit_id == unit_id)
    return list(session.scalars(stmt))


def links_of(session, campaign_id: int, ents: list[Enterprise]) -> dict:
    ids = [e.id for e in ents]
    rows = session.scalars(select(SurveyLink).where(SurveyLink.campaign_id == campaign_id,
                                                    SurveyLink.enterprise_id.in_(ids),
                                                    SurveyLink.status != "rotated").order_by(SurveyLink.id))
    return {(link.enterprise_id, link.audience): link for link in rows}  # the newest wins


def inputs_fingerprint(session, user, params: dict) -> str | None:
    """What the posters-only ZIP is built from; None (no cache) when it carries new ballot codes."""
    if int(params.get("ballots") or 0):
        return None
    campaign = session.get(Campaign, params["campaign_id"])
    ents = scope(session, campaign.id, params.get("unit_id"), params.get("enterprise_id"))
    links = links_of(session, campaign.id, ents)
    state = [(e.id, e.name, e.credit_code, a, *((lk.id, lk.token, lk.status, lk.closes_on) if (lk := links.get(
        (e.id, a))) else ())) for e in ents for a in store.AUDIENCE_CODES]
    return fingerprint("survey.posters", user.role, user.unit_id, user.enterprise_id, user.side, params,
                       campaign.name, campaign.end_date, current_app.config.get("ISSUING_BODY", ""),
                       current_app.config.get("PUBLIC_BASE_URL", ""), state)


class Posters:
    LABEL = "问卷海报和作答码打包下载"

    @staticmethod
    def run(ctx) -> None:
        p, session, user = ctx.params, ctx.session, ctx.user
        campaign = session.get(Campaign, p["campaign_id"])
        ballots = min(max(int(p.get("ballots") or 0), 0), MAX_BALLOTS)
        ents = scope(session, campaign.id, p.get("unit_id"), p.get("enterprise_id"))
        links = links_of(session, campaign.id, ents)
        ctx.set_total(len(ents) * len(store.AUDIENCE_CODES))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for ent in ents:
                folder = f"{ent.credit_code}-{ent.name}"
                for audience in store.AUDIENCE_CODES:
                    label = f"{ent.name} · {'职工问卷' if audience == 'worker' else '企业方问卷'}"
                    with ctx.item(label):
                        if not runs_link(user, ent, audience):
                            raise Refused(run_link_refusal(user, audience))
                        link = links.get((ent.id, audience))
                        if link is None:
                            raise Refused(NO_LINK)
                        if link.status == "closed":
                            raise Refused(CLOSED)
                        files = {f"{folder}/海报-{label.split(' · ')[1]}.pdf": poster_pdf(link)}
                        if ballots:
                            codes = store.issue_ballots(session, link, ballots)
                            files[f"{folder}/作答码-{label.split(' · ')[1]}.pdf"] = ballots_pdf(link, codes)
                            ctx.count("codes", len(codes))
                        for name, data in files.items():
                            zf.writestr(name, data)
                        ctx.count("posters")
        where = p.get("unit_name") or (ents[0].name if p.get("enterprise_id") and ents else "")
        ctx.attach(buf.getvalue(), f"问卷海报{'和作答码' if ballots else ''}-{where}-{campaign.code}.zip",
                   "application/zip")

    @staticmethod
    def summary_lines(summary: dict) -> list[str]:
        lines = [f"已打包 {summary.get('posters', 0)} 份问卷海报。"]
        if summary.get("codes"):
            lines.append(f"新生成一次性作答码 {summary['codes']} 个：作答码只印在本压缩包的作答码单上（平台数据库只保存其摘要），"
                         "压缩包只有申请人及其上级管理员可以下载；这些链接今后须凭作答码作答。")
        return lines


def unit_name(session, unit_id: int | None) -> str:
    unit = session.get(ReportingUnit, unit_id) if unit_id else None
    return unit.name if unit else ""
