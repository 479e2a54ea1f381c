"""Helpers shared by the survey tests: links for the world, complete answers, form parsing."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from evalsite.models import Campaign, SurveyLink
from surveys import default_definition

WORKER_ANSWERS = {
    "W01": ["A"], "W02": ["C"], "W03": ["A"], "W04": ["A"], "W05": ["A"],
    "W06": ["A", "C"], "W07": ["A"], "W08": ["A", "C"], "W09": ["A"], "W10": ["A"], "W11": ["A"],
    "W12": ["4"], "W13": ["A"], "W14": ["5"], "W15A": ["4"], "W15B": ["4"], "W15C": ["5"], "W15D": ["3"],
    "W15E": ["4"], "W16": ["B"], "W17": ["A", "C"], "W18": ["希望加强工资集体协商"],
}
EMPLOYER_ANSWERS = {
    "E01": ["B"], "E02": ["A"], "E03": ["A"], "E04": ["A", "B"], "E05": ["5"], "E06": ["4"], "E07": ["4"],
    "E08": ["4"], "E09": ["5"], "E10": ["D"], "E11": ["无"], "E12": ["A"],
}


def make_links(app, session, world):
    """Pin the default definitions and create links for the three enterprises; returns {(ent_id, audience): link}."""
    from evalsite.survey_data import store as svc

    campaign = session.get(Campaign, world.campaign.id)
    svc.pin_defaults(session, campaign)
    svc.ensure_links(session, campaign, [world.ent_a.id, world.ent_a2.id, world.ent_b.id])
    session.commit()
    return {(lk.enterprise_id, lk.audience): lk for lk in session.scalars(select(SurveyLink))}


def hidden_fields(text: str) -> dict:
    return {m.group(1): html.unescape(m.group(2)) for m in
            re.finditer(r'<input type="hidden" name="(_\w+|csrf_token)" value="([^"]*)"', text)}


def last_section(audience: str = "worker") -> int:
    return len(default_definition(audience).sections) - 1


def full_post(client, token: str, answers: dict | None = None, audience: str = "worker", **extra):
    """Post every answer at once as the last page, like a script filling the form."""
    page = client.get(f"/s/{token}?again=1")
    fields = hidden_fields(page.get_data(as_text=True))
    data = {**fields, "_sec": str(last_section(audience)), "_nav": "next"}
    data.update(answers if answers is not None else (WORKER_ANSWERS if audience == "worker" else EMPLOYER_ANSWERS))
    data.update(extra)
    return client.post(f"/s/{token}", follow_redirects=True, data=data), data
