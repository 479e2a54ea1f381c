"""``flask --app evalsite results``: one line per enrolled enterprise, JSON or CSV."""
from __future__ import annotations

import contextlib
import csv
import io
import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..cli import campaign_option, resolve_campaign
from ..db import db, writing
from ..models import Enrolment, Enterprise, EvaluationResult
from .results import refresh_results

FIELDS = ("credit_code", "name", "self_score", "external_score", "survey_points", "final_score", "grade",
          "problems_major", "problems_general", "problems_hint")


def result_rows(session, campaign) -> list[dict]:
    """Every enrolled enterprise, with None where it has no result yet."""
    rows = session.execute(select(Enterprise, EvaluationResult).join(
        Enrolment, Enrolment.enterprise_id == Enterprise.id).outerjoin(
        EvaluationResult, (EvaluationResult.enterprise_id == Enterprise.id)
        & (EvaluationResult.campaign_id == campaign.id)).where(
        Enrolment.campaign_id == campaign.id).order_by(Enterprise.credit_code)).all()
    out = []
    for ent, res in rows:
        out.append(dict(credit_code=ent.credit_code, name=ent.name,
                        self_score=res.self_total if res else None,
                        external_score=res.external_total if res else None,
                        survey_points=res.survey_total if res else None,
                        final_score=res.final if res else None, grade=res.grade if res else None,
                        problems_major=res.problems_major if res else 0,
                        problems_general=res.problems_general if res else 0,
                        problems_hint=res.problems_hint if res else 0))
    return out


@click.command("results")
@campaign_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option("--no-refresh", is_flag=True, help="不重新计算，直接输出已缓存的结果")
@with_appcontext
def results_command(campaign_code, fmt, no_refresh):
    """Print each enrolled enterprise's scores, grade and problems by severity."""
    with contextlib.nullcontext() if no_refresh else writing():
        campaign = resolve_campaign(campaign_code)
        if not no_refresh:
            refresh_results(db.session, campaign)
            db.session.commit()
    rows = result_rows(db.session, campaign)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(buf.getvalue(), nl=False)
