"""``flask --app evalsite survey-links``: the open links of a campaign, one per line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..cli import campaign_option, resolve_campaign
from ..db import db, writing
from ..models import Enterprise, SurveyLink
from ..services import surveys as svc


@click.command("survey-links")
@campaign_option
@click.option("--create", is_flag=True, help="先为参加行动但还没有链接的企业生成链接")
@with_appcontext
def survey_links(campaign_code, create):
    """Print credit code, audience and full URL of every open link."""
    with writing():
        campaign = resolve_campaign(campaign_code)
        if create:
            ids = db.session.scalars(svc.enrolled_ids(db.session, campaign.id)).all()
            made = svc.ensure_links(db.session, campaign, ids)
            db.session.commit()
            click.echo(f"# 新生成 {made} 个链接", err=True)
    stmt = (select(Enterprise.credit_code, SurveyLink.audience, SurveyLink.token)
            .join(Enterprise, Enterprise.id == SurveyLink.enterprise_id)
            .where(SurveyLink.campaign_id == campaign.id, SurveyLink.status == "open")
            .order_by(Enterprise.credit_code, SurveyLink.audience))
    for credit, audience, token in db.session.execute(stmt):
        click.echo(f"{credit}\t{audience}\t{svc.public_url(token)}")


@click.command("survey-refresh")
@campaign_option
@with_appcontext
def survey_refresh(campaign_code):
    """Bring the stored per-enterprise survey totals up to date (e.g. after a deployment or an import)."""
    from ..services.survey_aggregates import live_counts, refreshed

    campaign = resolve_campaign(campaign_code)
    counts = live_counts(db.session, campaign.id)
    aggregates = refreshed(db.session, campaign.id, counts)
    click.echo(f"{campaign.name}：{len(counts)} 组答卷，{len(aggregates)} 组汇总已是最新。")
