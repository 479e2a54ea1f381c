"""A link's poster and ballot sheet as PDF bytes: used by the link pages and the district ZIP batch."""
from __future__ import annotations

from flask import current_app

from ..models import SurveyLink
from ..pdf.ballots import render_ballots
from ..pdf.data import BallotSheetData, PosterData
from ..pdf.poster import render_poster
from . import store


def poster_pdf(link: SurveyLink) -> bytes:
    return render_poster(PosterData(enterprise_name=link.enterprise.name, audience=link.audience,
                                    url=store.public_url(link.token), short_url=store.short_url(link.token),
                                    campaign_name=link.campaign.name,
                                    deadline=link.closes_on or link.campaign.end_date,
                                    issuing_body=current_app.config.get("ISSUING_BODY", "")))


def ballots_pdf(link: SurveyLink, codes: list[str]) -> bytes:
    return render_ballots(BallotSheetData(enterprise_name=link.enterprise.name, url=store.public_url(link.token),
                                          codes=codes, campaign_name=link.campaign.name, audience=link.audience))
