"""Benchmark of the home page's to-do counts, a work queue and the inbox header (issue 11 items 5 and 7).

Builds, in a temporary SQLite file (or ``--url``), a campaign of N enterprises
(default 2,000) in 8 districts with a report, 5 rectification items and 2
evidence requests each, and 20,000 inbox messages; then prints for the city
administrator, a district administrator and an enterprise account the home
page's response time and number of SQL statements, a queue page's, and the
statements the header's unread count costs on every page.

    python bench/bench_home.py [--enterprises 2000] [--url postgresql://...]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(session, n: int, rng: random.Random):
    from evalsite.auth.passwords import hash_password
    from evalsite.creditcode import generate
    from evalsite.models import (Campaign, Enrolment, Enterprise, EvaluatorAssignment, EvidenceRequest, Message,
                                 RectificationItem, Report, ReportVersion, ReportingUnit, User)

    pw = hash_password("Bench-Password-2021!")
    units = [ReportingUnit(name=f"区{k}", code=f"B{k:04d}", kind="district", sort_order=k) for k in range(8)]
    session.add_all(units)
    session.flush()
    campaign = Campaign(code="BENCH", name="基准行动", start_date=dt.date(2021, 3, 1), end_date=dt.date(2021, 4, 15),
                        is_current=True)
    session.add(campaign)
    session.flush()
    city = User(username="city", password_hash=pw, role="city_admin", display_name="市")
    district = User(username="district", password_hash=pw, role="district_admin", unit_id=units[0].id,
                    display_name="区")
    evaluator = User(username="ev", password_hash=pw, role="evaluator", unit_id=units[0].id, display_name="评")
    session.add_all([city, district, evaluator])
    session.flush()
    first = None
    for i in range(n):
        ent = Enterprise(name=f"基准企业{i:05d}", credit_code=generate(rng), unit_id=units[i % 8].id, headcount=150,
                         unionised=True, above_size=True)
        session.add(ent)
        session.flush()
        first = first or ent
        session.add(Enrolment(campaign_id=campaign.id, enterprise_id=ent.id, headcount=150))
        if i % 4 == 0:
            session.add(EvaluatorAssignment(campaign_id=campaign.id, enterprise_id=ent.id, evaluator_id=evaluator.id))
        report = Report(campaign_id=campaign.id, enterprise_id=ent.id, number=f"BENCH-{i:05d}")
        session.add(report)
        session.flush()
        status = rng.choice(["draft", "approved", "returned"])  # the schema's state rules: approved => dated
        session.add(ReportVersion(report_id=report.id, version=1, data={}, status=status,
                                  approved_at=dt.datetime(2021, 5, 1) if status == "approved" else None))
        for k in range(5):
            status = rng.choice(["open", "submitted", "returned"])
            session.add(RectificationItem(report_id=report.id, campaign_id=campaign.id, enterprise_id=ent.id,
                                          code=f"P-PROC-0{k + 1}", subject="", title=f"问题{k}",
                                          owner=rng.choice(["职工方", "企业方", "双方"]),
                                          deadline=dt.date(2021, 6, 1) + dt.timedelta(days=rng.randrange(-60, 60)),
                                          status=status, returned_count=int(status == "returned"),
                                          measures="已整改" if status != "open" else None,
                                          submitted_at=dt.datetime(2021, 5, 1) if status != "open" else None))
        for k in range(2):
            session.add(EvidenceRequest(campaign_id=campaign.id, enterprise_id=ent.id, indicator="B3", message="请补充",
                                        status="open", due_date=dt.date(2021, 5, 1)))
    ent_user = User(username="ent", password_hash=pw, role="enterprise", enterprise_id=first.id, side="union",
                    display_name="企")
    session.add(ent_user)
    session.flush()
    users = [city.id, district.id, evaluator.id, ent_user.id]
    session.add_all([Message(recipient_id=users[k % 4], kind="issued", title=f"消息{k}", body="",
                             read_at=None if k % 3 else dt.datetime(2021, 5, 1)) for k in range(20000)])
    session.commit()
    return {"city": city, "district": district, "evaluator": evaluator, "ent": ent_user}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=2000)
    ap.add_argument("--url", default=None)
    args = ap.parse_args()
    from sqlalchemy import event

    from evalsite import create_app
    from evalsite.db import Base
    from tests.conftest import login

    url = args.url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench_home.db")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-0123456789", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "REDIS_URL": None, "TESTING": True})
    engine = app.extensions["evalsite_db"].engine
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    session = app.extensions["evalsite_db"].factory()
    t0 = time.perf_counter()
    users = build(session, args.enterprises, random.Random(11))
    print(f"built {args.enterprises} enterprises, {args.enterprises * 5} items, 20000 messages "
          f"in {time.perf_counter() - t0:.1f} s ({engine.dialect.name})")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda c, cur, s, *a: statements.append(s))
    for name, path in (("city", "/"), ("city", "/todo/answers"), ("district", "/"), ("evaluator", "/"),
                       ("ent", "/"), ("ent", "/inbox")):
        client = app.test_client()
        login(client, users[name])
        times = []
        for _ in range(5):
            statements.clear()
            t = time.perf_counter()
            assert client.get(path).status_code == 200
            times.append((time.perf_counter() - t) * 1000)
        header = sum(1 for s in statements if "from message" in s.lower() and "count" in s.lower())
        print(f"{name:<10} GET {path:<14} median {statistics.median(times):7.1f} ms  "
              f"{len(statements):3d} SQL statements ({header} for the header's unread count)")


if __name__ == "__main__":
    main()
