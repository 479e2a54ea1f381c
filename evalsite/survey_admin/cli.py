"""``flask --app evalsite survey-links``: the open links of a campaign, one per line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..cli import campaign_option, resolve_campaign
from ..db import db, writing
from ..models import Enterprise, SurveyLink
from ..survey_data import disclosure as policy
from ..survey_data import store as svc


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
        if policy.operator_grant(audience).run_link:  # the command runs with the city's rights
            click.echo(f"{credit}\t{audience}\t{svc.public_url(token)}")


@click.command("survey-release")
@campaign_option
@with_appcontext
def survey_release(campaign_code):
    """Publish every group with at least 5 unpublished answers (e.g. before scoring or issuing reports)."""
    from ..survey_data.store import response_counts
    from ..survey_data.releases import latest, refresh

    campaign = resolve_campaign(campaign_code)
    counts = response_counts(db.session, campaign.id)
    made = refresh(db.session, campaign.id, counts)
    db.session.rollback()
    published = latest(db.session, campaign.id)
    waiting = sum(n - published[k].answers if k in published else n for k, n in counts.items())
    click.echo(f"{campaign.name}：新发布 {made} 批；{len(published)} 组已有发布结果，"
               f"{waiting} 份答卷等待下一批（每批至少5份）。")


@click.command("survey-releaser")
@with_appcontext
def survey_releaser():
    """Make the survey releases the web processes ask for, until stopped (needs REDIS_URL; see README)."""
    from flask import current_app

    from ..survey_data import release_process

    click.echo("问卷结果发布进程已启动（Ctrl+C 停止）。", err=True)
    made = release_process.run(current_app._get_current_object())
    click.echo(f"问卷结果发布进程已停止，共发布 {made} 批。", err=True)
