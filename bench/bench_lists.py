"""Benchmark of the list pages and their XLSX exports (listing helper) and of the enterprise hub.

Generates 2,000 enrolled enterprises (8 districts) with reports and rectification items in a fresh
database, then prints the median response time of each list page (default, searched by credit code,
sorted, filtered), of each XLSX export of every row, and of one hub page, as the city administrator.

    python bench/bench_lists.py [--url sqlite:////tmp/bench_lists.db | postgresql://postgres@127.0.0.1:5432/bench_lists]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ENTERPRISES = 2000
UNITS = ["环翠区", "文登区", "荣成市", "乳山市", "高新区", "经济开发区", "临港区", "市直产业工会"]


def generate(app) -> None:
    from evalsite.auth.passwords import hash_password
    from evalsite.creditcode import generate as credit_code
    from evalsite.db import Base, db
    from evalsite.models import (Campaign, Enrolment, Enterprise, Industry, RectificationItem, Report,
                                 ReportingUnit, ReportVersion, User)

    with app.app_context():
        Base.metadata.drop_all(db.engine)
        Base.metadata.create_all(db.engine)
        s = db.session
        units = [ReportingUnit(code=f"U{i}", name=n, kind="district", sort_order=i) for i, n in enumerate(UNITS)]
        industry = Industry(code="I1", name="制造业")
        camp = Campaign(code="BENCH", name="2021年全市集体协商集中要约行动", start_date=dt.date(2021, 3, 1),
                        end_date=dt.date(2021, 4, 15), is_current=True)
        s.add_all(units + [industry, camp])
        s.flush()
        rng, codes = random.Random(11), set()
        while len(codes) < ENTERPRISES:
            codes.add(credit_code(rng))
        codes = sorted(codes)
        s.add(User(username="city", password_hash=hash_password("bench-password-1"), role="city_admin",
                   display_name="市总"))
        for i in range(ENTERPRISES):
            e = Enterprise(name=f"威海第{i:04d}号企业有限公司", credit_code=codes[i], unit_id=units[i % 8].id,
                           industry_id=industry.id, headcount=100 + i % 900)
            s.add(e)
            s.flush()
            s.add(Enrolment(campaign_id=camp.id, enterprise_id=e.id, headcount=e.headcount))
            r = Report(campaign_id=camp.id, enterprise_id=e.id, number=f"WH-2021-{i + 1:04d}")
            s.add(r)
            s.flush()
            s.add(ReportVersion(report_id=r.id, version=1, status="issued" if i % 3 else "draft", data={},
                                final_score=60 + i % 40, grade="良好", issue_date=dt.date(2021, 4, 20)))
            for k in range(2):
                s.add(RectificationItem(report_id=r.id, campaign_id=camp.id, enterprise_id=e.id, code=f"P-{k}",
                                        title=f"问题{k}", deadline=dt.date(2021, 6, 1), status=("open", "submitted")[k]))
        s.commit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="sqlite:///" + os.path.join(tempfile.mkdtemp(), "bench_lists.db"))
    args = ap.parse_args()
    from sqlalchemy import select

    from evalsite import create_app
    from evalsite.auth import sessions
    from evalsite.db import db
    from evalsite.models import Enterprise, User

    app = create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench-secret-0123456789", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "UPLOAD_DIR": tempfile.mkdtemp()})
    t = time.perf_counter()
    generate(app)
    print(f"data: {ENTERPRISES} enterprises, {ENTERPRISES} reports, {2 * ENTERPRISES} items "
          f"in {time.perf_counter() - t:.1f} s ({args.url.split(':')[0]})")
    client = app.test_client()
    with app.app_context():
        city = db.session.scalar(select(User))
        code = db.session.scalar(select(Enterprise.credit_code).order_by(Enterprise.id.desc()))
        ent = db.session.scalar(select(Enterprise.id).order_by(Enterprise.id))
        token = sessions.store().create(city.id)
        uid = city.get_id()
        db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"], sess[sessions.SESSION_KEY] = uid, True, token
    urls = [("enterprise list", "/enterprises"), ("… by credit code", f"/enterprises?q={code[:12]}"),
            ("… sorted by headcount, 100 a page", "/enterprises?sort=headcount&per_page=100"),
            ("enterprise export (2,000 rows)", "/enterprises/export.xlsx"),
            ("report list", "/reports/"), ("… drafts", "/reports/?status=draft"),
            ("report export (2,000 rows)", "/reports/?format=xlsx"),
            ("items awaiting acceptance", "/reports/items?status=submitted"),
            ("item export (4,000 rows)", "/reports/items?format=xlsx"),
            ("assignments", "/assessments/assignments"), ("assignment export", "/assessments/assignments?format=xlsx"),
            ("hub", f"/enterprises/{ent}/hub")]
    for label, url in urls:
        client.get(url)
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            resp = client.get(url)
            runs.append(time.perf_counter() - t)
            assert resp.status_code == 200, (url, resp.status_code)
        print(f"{label}: {statistics.median(runs):.3f} s (median of 3)")


if __name__ == "__main__":
    main()
