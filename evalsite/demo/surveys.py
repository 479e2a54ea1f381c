"""Demo stage: pinned questionnaires, links for every enrolled enterprise, synthetic answers.

Each enterprise gets its own propensities (participation, awareness,
satisfaction, recognition) so rates differ between enterprises; some stay
below the required sample and a few under the 5-answer threshold. Rows are
bulk-inserted: a few seconds for 300 enterprises.

Figures are published in releases (``survey_data.releases``): the demo
releases what it inserted, then adds a last batch of 1–4 answers to some
enterprises, so the pages show a response counter ahead of the released
figures, their release date, and small cells hidden as "不足5人，不显示".
"""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import insert, select

from surveys import required_sample, validate_answers

from ..timefmt import local_today
from ..campaign_context import current_campaign
from ..models import Enrolment, Submission
from ..survey_data import releases
from ..survey_data import store as svc

COMMENTS = ["希望工资增长幅度再高一些", "加班费计算要更透明", "建议多组织技能培训", "协商结果要及时公开",
            "食堂和宿舍条件有待改善", "希望增加带薪休假天数", "感谢工会为职工争取权益", "计件单价调整要听取一线意见"]


def _scale(rng, mean: float) -> str:
    return str(max(1, min(5, round(rng.gauss(mean, 0.8)))))


def _worker(rng, p: dict) -> dict:
    participated = rng.random() < p["par"]
    aware = rng.random() < p["awa"]
    raw = {"W01": rng.choices("ABCDE", [58, 15, 10, 9, 8])[0], "W02": rng.choice("ABCD"), "W03": rng.choices("ABCD", [80, 10, 7, 3])[0],
           "W04": rng.choices("ABC", [75, 15, 10])[0], "W05": rng.choices("ABC", [85, 8, 7])[0],
           "W06": rng.sample("ABCDEFG", rng.randint(1, 3)) if participated else ["H"],
           "W07": "A" if aware else rng.choice("BC"), "W12": _scale(rng, p["sat"]), "W13": rng.choices("ABCD", [60, 25, 5, 10])[0],
           "W14": "X" if rng.random() < 0.05 else _scale(rng, p["sat"]), "W16": rng.choices("ABCDE", [30, 35, 20, 10, 5])[0],
           "W17": rng.sample("ABCDEFGH", rng.randint(1, 3))}
    for code in ("W15A", "W15B", "W15C", "W15D", "W15E"):
        raw[code] = _scale(rng, p["sat"] - 0.2)
    if aware:
        raw.update(W08=rng.sample("ABCDEFG", rng.randint(1, 4)), W09=rng.choice("AAB" + "C"), W10=rng.choice("AB"))
    if participated:
        raw["W11"] = rng.choice("ABCD")
    if rng.random() < 0.15:
        raw["W18"] = rng.choice(COMMENTS)
    return raw


def _employer(rng, p: dict) -> dict:
    raw = {"E01": rng.choice("ABCDE"), "E02": rng.choice("ABCD"), "E03": rng.choices("ABC", [85, 5, 10])[0],
           "E04": rng.sample("ABCD", rng.randint(1, 3)), "E10": [rng.choice("ABCDE")], "E12": rng.choice("ABC")}
    for code in ("E05", "E06", "E07", "E08", "E09"):
        raw[code] = _scale(rng, p["rec"])
    return raw


def _count(rng, headcount: int) -> int:
    needed = required_sample(headcount)
    roll = rng.random()
    if roll < 0.08:
        return rng.randint(0, 4)  # under the privacy threshold
    if roll < 0.85:
        return rng.randint(5, max(6, needed // 3))  # below the sample size
    return rng.randint(needed, min(headcount, needed + 10))


def seed(ctx) -> None:
    session, rng = ctx.session, ctx.rng
    campaign = ctx.data.get("campaign") or current_campaign(session)
    if campaign is None:
        return
    svc.pin_defaults(session, campaign)
    enrolled = session.execute(select(Enrolment.enterprise_id, Enrolment.headcount)
                               .where(Enrolment.campaign_id == campaign.id).order_by(Enrolment.enterprise_id)).all()
    svc.ensure_links(session, campaign, [eid for eid, _ in enrolled])
    worker, employer = (svc.pinned_definition(session, campaign, a) for a in ("worker", "employer"))
    days = max(1, (min(campaign.end_date, local_today()) - campaign.start_date).days + 1)
    rows, tails = [], []
    for eid, headcount in enrolled:
        p = {"par": rng.uniform(0.45, 0.97), "awa": rng.uniform(0.5, 0.98), "sat": rng.uniform(3.2, 4.7),
             "rec": rng.uniform(3.3, 4.8)}
        for definition, count, make in ((worker, _count(rng, headcount or 100), _worker),
                                        (employer, rng.choice([0, 2, 5, 6, 8, 10]), _employer)):
            tail = rng.choice([0, 0, 1, 2, 3, 4]) if count >= 10 else 0  # answers after the last release
            for i in range(count):
                answers = validate_answers(definition, make(rng, p)).answers
                (tails if i >= count - tail else rows).append({"campaign_id": campaign.id, "enterprise_id": eid, "audience": definition.audience,
                             "definition_hash": definition.hash, "submission_key": secrets.token_urlsafe(18),
                             "answers": answers,
                             "submitted_on": campaign.start_date + dt.timedelta(days=rng.randrange(days))})
    for start in range(0, len(rows), 5000):
        session.execute(insert(Submission), rows[start:start + 5000])
    for eid, _ in enrolled:
        for audience in ("worker", "employer"):
            releases.release(session, campaign.id, eid, audience)
    for start in range(0, len(tails), 5000):
        session.execute(insert(Submission), tails[start:start + 5000])
    ctx.data["survey_submissions"] = len(rows) + len(tails)
