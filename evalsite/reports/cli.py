"""``flask --app evalsite render-reports`` and ``export-tables``."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli import campaign_option, resolve_campaign
from ..db import db


@click.command("render-reports")
@campaign_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, help="PDF 输出目录（按信用代码命名）")
@click.option("--draft-all", is_flag=True, help="同时为所有有评估结果的企业生成草稿并输出预览")
@click.option("--workers", type=int, default=None, help="并行进程数（默认 CPU 核数）")
@click.option("--as", "as_user", default=None, help="以该管理员的身份出具（用户名；四眼原则开启时必填）")
@with_appcontext
def render_reports(campaign_code, out_dir, draft_all, workers, as_user):
    """Issue every approved report of the campaign (resumable), as the administrator named by --as."""
    from .. import four_eyes
    from ..cli import resolve_user
    from .batch import run_batch

    campaign = resolve_campaign(campaign_code)
    user = resolve_user(as_user) if as_user else None
    if user is None and four_eyes.enabled():
        raise click.ClickException("按照“四眼原则”，批量出具须以一位管理员的身份进行，出具人记为该管理员："
                                   "请加 --as 用户名（审核人本人不能出具自己审核的报告）。")
    if user is not None and user.role not in ("city_admin", "district_admin"):
        raise click.ClickException(f"用户 {user.username} 不是管理员，不能出具报告。")
    bar_state = {"bar": None}

    def progress(done, total):
        if bar_state["bar"] is None:
            bar_state["bar"] = click.progressbar(length=max(total, 1), label="生成报告").__enter__()
            bar_state["last"] = 0
        bar_state["bar"].update(done - bar_state["last"])
        bar_state["last"] = done

    try:
        res = run_batch(db.session, campaign, out_dir=out_dir, draft_all=draft_all, workers=workers, progress=progress,
                        user=user)
    finally:
        if bar_state["bar"] is not None:
            bar_state["bar"].__exit__(None, None, None)
    click.echo(f"已出具 {res.issued} 份，未获准出具 {len(res.refused)} 份，新建草稿 {res.drafted} 份，草稿预览 {res.previews} 份，失败 {len(res.failed)} 份。")
    for number, reason in res.refused:
        click.echo(f"  未出具 {number}: {reason}", err=True)
    for number, error in res.failed:
        click.echo(f"  失败 {number}: {error}", err=True)
    if res.failed:
        raise SystemExit(1)


@click.command("export-tables")
@campaign_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True)
@with_appcontext
def export_tables(campaign_code, out_dir):
    """Write 附件1 and 附件2 as XLSX and PDF."""
    from flask import current_app

    from . import tables as S
    from . import views_exports as exports

    campaign = resolve_campaign(campaign_code)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    body = current_app.config.get("ISSUING_BODY", "威海市总工会")
    t1, t2 = S.build_annex1(db.session, campaign), S.build_annex2(db.session, campaign)
    checks = S.logic_checks(campaign, t1, t2)
    files = {
        f"附件1-集中要约行动情况统计表-{campaign.code}.xlsx": exports.annex1_xlsx(t1, body, checks),
        f"附件1-集中要约行动情况统计表-{campaign.code}.pdf": exports.annex1_pdf(t1, body),
        f"附件2-新业态行业集体合同签订情况统计表-{campaign.code}.xlsx": exports.annex2_xlsx(t2, body, checks),
        f"附件2-新业态行业集体合同签订情况统计表-{campaign.code}.pdf": exports.annex2_pdf(t2, body),
        f"统计表逻辑检查表-{campaign.code}.pdf": exports.checks_pdf(checks, body),
    }
    failed = [c for c in checks if not c.passed]
    if failed:
        click.echo(f"逻辑检查：{len(failed)} 项未通过，详见逻辑检查表。", err=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
        click.echo(str(out / name))


@click.command("sync-rectification-items")
@campaign_option
@with_appcontext
def sync_rectification_items(campaign_code):
    """Give every problem of every issued report its own item (reports issued when items were per code)."""
    from sqlalchemy import select

    from ..db import writing
    from ..models import Report, ReportVersion
    from .tracking import create_items

    campaign = resolve_campaign(campaign_code)
    with writing():
        versions = db.session.scalars(select(ReportVersion).join(Report).where(
            Report.campaign_id == campaign.id, Report.kind == "evaluation",
            ReportVersion.status.in_(("issued", "superseded"))).order_by(Report.number, ReportVersion.version)).all()
        made = sum(len(create_items(db.session, v)) for v in versions)
        db.session.commit()
    click.echo(f"已核对 {len(versions)} 个已出具版本，新建整改项 {made} 项。")
