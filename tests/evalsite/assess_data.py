"""Shared builders for the assessment tests: full assessments, contracts, files."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

from scoring.indicator_system import default_system

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def office_zip(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr(f"{folder}/document.xml", "<doc/>")
    return buf.getvalue()


def levels(kind: str = "full", **overrides) -> dict:
    """A level for every assessable indicator ('full' or 'none'), with overrides."""
    out = {}
    for ind in default_system().assessable:
        pick = max if kind == "full" else min
        out[ind.code] = pick(ind.rule.levels, key=lambda lv: lv.points).key
    out.update(overrides)
    return out


def make_assessment(session, campaign, enterprise, scores: dict, kind="self", evaluator=None,
                    submitted=True, confirmed=False):
    from evalsite.models import Assessment, AssessmentItem

    system = default_system()
    campaign.indicator_system_hash = campaign.indicator_system_hash or system.hash
    a = Assessment(campaign_id=campaign.id, enterprise_id=enterprise.id, kind=kind,
                   evaluator_id=evaluator.id if evaluator else None, system_hash=system.hash,
                   status="submitted" if submitted else "draft",
                   submitted_at=dt.datetime(2021, 4, 1) if submitted else None)
    if confirmed:
        a.union_confirmed_at = a.management_confirmed_at = dt.datetime(2021, 4, 2)
    for code, level in scores.items():
        a.items.append(AssessmentItem(indicator=code, level=level,
                                      points=system.indicator(code).points_for(level)))
    session.add(a)
    session.flush()
    return a


def good_contract(session, enterprise, **overrides):
    """A comprehensive contract that passes every procedure check, in force in 2021."""
    from evalsite.models import CollectiveContract

    values = dict(scope="enterprise", kind="comprehensive", title="集体合同", enterprise_id=enterprise.id,
                  offer_by="enterprise_union", offer_date=dt.date(2021, 1, 4), reply_date=dt.date(2021, 1, 15),
                  reply_written=True, worker_reps=5, employer_reps=5, worker_chief_is_chair=True,
                  congress_members=60, congress_present=55, congress_in_favour=50,
                  signing_date=dt.date(2021, 2, 1), submitted_date=dt.date(2021, 2, 5),
                  review_result="no_objection", effective_date=dt.date(2021, 2, 20), term_years=3,
                  published_date=dt.date(2021, 2, 25))
    values.update(overrides)
    c = CollectiveContract(**values)
    session.add(c)
    session.flush()
    return c
