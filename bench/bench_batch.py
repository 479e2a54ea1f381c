"""Benchmark of the batch jobs without Redis (issue 11 item 6) on a temporary SQLite database.

Prints: the time of a batch approve of N drafts and a batch issue of the same N reports (thread runner,
started from the web forms, as a district administrator), and the posters ZIP of the district built (cache
miss) and answered from the storage (cache hit).

    python bench/bench_batch.py [--n 60]
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
TOKEN = re.compile(r'name="confirm" value="([0-9a-f]+)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60)
    args = parser.parse_args()
    from sqlalchemy import select

    from evalsite import create_app
    from evalsite.auth import sessions
    from evalsite.batch import execute
    from evalsite.creditcode import generate
    from evalsite.db import Base, db, writing
    from evalsite.models import Campaign, Enrolment, Enterprise, Job, ReportingUnit, ReportVersion, User
    from evalsite.reports import workflow as S
    from evalsite.survey_data import store
    import datetime as dt
    import random

    tmp = tempfile.mkdtemp()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench-secret-0123456789",
                      "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "UPLOAD_DIR": tmp,
                      "STORAGE_DIR": tmp + "/files", "JOB_RUNNER": "thread", "MFA_REQUIRED_FOR_ADMINS": False})
    rng = random.Random(3)
    with app.app_context(), writing():
        Base.metadata.create_all(db.engine)
        s = db.session
        unit = ReportingUnit(name="环翠区", code="371002", kind="district", sort_order=1)
        s.add(unit)
        s.flush()
        camp = Campaign(code="B", name="基准行动", start_date=dt.date(2021, 3, 1), end_date=dt.date(2021, 4, 15),
                        report_deadline=dt.date(2021, 4, 23), is_current=True)
        s.add(camp)
        drafter = User(username="drafter", password_hash="x", display_name="起草人", role="district_admin",
                       unit_id=unit.id)
        approver = User(username="approver", password_hash="x", display_name="审核人", role="district_admin",
                        unit_id=unit.id)
        s.add_all([drafter, approver])
        s.flush()
        ents = []
        for i in range(args.n):
            ent = Enterprise(name=f"基准企业{i:03d}", credit_code=generate(rng), unit_id=unit.id, headcount=200,
                             unionised=True, above_size=True)
            s.add(ent)
            s.flush()
            s.add(Enrolment(campaign_id=camp.id, enterprise_id=ent.id, headcount=200))
            ents.append(ent)
        s.flush()
        for ent in ents:
            S.draft_report(s, camp, ent, drafter, result={"final": 80.0, "grade": "良好", "dimensions": [],
                                                           "indicators": []})
        store.ensure_links(s, camp, [e.id for e in ents])
        s.commit()
        ids = [str(v) for v in s.scalars(select(ReportVersion.id))]
        token = sessions.store().create(approver.id)
        s.commit()
        approver_id = approver.get_id()
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"], sess[sessions.SESSION_KEY] = approver_id, True, token

    def run(url, data):
        first = client.post(url, data=data)
        resp = first
        if first.status_code == 200:
            resp = client.post(url, data={**data, "confirm": TOKEN.search(first.data.decode()).group(1)})
        job_id = int(resp.headers["Location"].rsplit("/", 1)[1])
        assert execute.wait(job_id, 1800), "job did not finish"
        with app.app_context():
            return db.session.get(Job, job_id)

    for action in ("approve", "issue"):
        if action == "issue":  # the approver may not issue alone: the drafter issues
            with app.app_context(), writing():
                token = sessions.store().create(db.session.scalar(select(User.id).where(User.username == "drafter")))
                db.session.commit()
                drafter_id = db.session.scalar(select(User).where(User.username == "drafter")).get_id()
            with client.session_transaction() as sess:
                sess["_user_id"], sess[sessions.SESSION_KEY] = drafter_id, token
        t = time.perf_counter()
        job = run(f"/batch/reports?campaign=1", {"action": action, "version": ids})
        print(f"batch {action} of {args.n} reports: {time.perf_counter() - t:.1f} s, done {job.done}/{job.total}, "
              f"refused {len(job.refusals)} (1 web form + 1 confirmation instead of {2 * args.n} clicks)")
    for label in ("posters ZIP, cache miss", "posters ZIP, cache hit"):
        t = time.perf_counter()
        job = run("/batch/posters?campaign=1", {})
        print(f"{label}: {time.perf_counter() - t:.2f} s ({job.summary.get('posters')} posters, "
              f"from cache: {job.from_cache})")


if __name__ == "__main__":
    main()
