"""Benchmark of reports, tables and dashboards on PostgreSQL (issue 6).

Generates a campaign of 2,000 enterprises and 500,000 survey submissions in
the database ``bench_reports`` (bulk COPY), then prints: one report's render
time, the batch time of 1,000 reports on 2 worker processes, the dashboard's
and 附件1's response times through the Flask test client, and peak memory.

    python bench/bench_reports.py [--url postgresql://postgres@127.0.0.1:5432/bench_reports]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ENTERPRISES, SUBMISSIONS, BATCH = 2000, 500_000, 1000
PROBLEMS = [(f"P-PROC-0{k}", f"协商程序问题{k}：未按规定公示或报送审查，职工意见征集不充分") for k in range(1, 6)]
UNITS = ["环翠区", "文登区", "荣成市", "乳山市", "高新区", "经济开发区", "临港区", "市直产业工会"]


def recreate(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from evalsite.db import normalise_url

    target = make_url(normalise_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def realistic_breakdown(rng: random.Random) -> dict:
    """A full-size result: 5 dimensions, 30 indicators, 4 survey rates, 8 procedure checks."""
    dims, inds = [], []
    for d, name in zip("ABCDE", ("协商主体", "协商程序", "合同内容", "履约监督", "职工评价")):
        for k in range(1, 7):
            inds.append({"code": f"{d}{k}", "name": f"{name}指标{k}（含较长的中文说明以测试换行）", "points_max": 4,
                         "self_points": 4, "external_points": rng.choice([0, 2, 4]), "combined_points": 3.2,
                         "discrepancy": k == 1, "rule_text": "有书面记录且经双方签字得满分；部分缺失得一半；无记录不得分。"})
        dims.append({"code": d, "name": name, "points_max": 24, "self_points": 22, "external_points": 18,
                     "combined_points": 19.6})
    for k, key in enumerate(("participation", "awareness", "satisfaction", "recognition")):
        inds[24 + k].update(rate_key=key, survey_rate=0.7 + k * 0.05, survey_n=120)
    checks = [{"name": f"程序检查{k}", "status": ("pass", "fail", "unknown")[k % 3], "reason": "依据《集体合同规定》"}
              for k in range(8)]
    return {"final": 78.4, "grade": "良好", "self_total": 88.0, "external_total": 74.0, "survey_total": 14.2,
            "cap_reasons": [], "dimensions": dims, "indicators": inds, "checks": checks}


def generate(app, rng: random.Random) -> None:
    from evalsite.auth.passwords import hash_password
    from evalsite.creditcode import generate as credit_code
    from evalsite.db import Base, db
    from evalsite.models import (Campaign, CollectiveContract, DetectedProblem, Enrolment, Enterprise,
                                 EvaluationResult, Industry, ReportingUnit, User)

    breakdown = realistic_breakdown(rng)
    with app.app_context():
        Base.metadata.create_all(db.engine)
        s = db.session
        units = [ReportingUnit(code=f"U{i}", name=n, kind="district", sort_order=i) for i, n in enumerate(UNITS)]
        inds = [Industry(code="I1", name="制造业"), Industry(code="I2", name="快递", is_new_form=True)]
        s.add_all(units + inds)
        camp = Campaign(code="BENCH", name="2021年全市集体协商集中要约行动", start_date=dt.date(2021, 3, 1),
                        end_date=dt.date(2021, 4, 15), is_current=True)
        s.add(camp)
        s.flush()
        s.add(User(username="city", password_hash=hash_password("Bench-pass-1"), role="city_admin",
                   display_name="市级管理员"))
        used = set()
        ents = []
        for i in range(ENTERPRISES):
            code = credit_code(rng)
            while code in used:
                code = credit_code(rng)
            used.add(code)
            ents.append(dict(name=f"威海基准企业{i:04d}有限公司", credit_code=code, unit_id=units[i % len(units)].id,
                             industry_id=inds[1 if i % 10 == 0 else 0].id, headcount=rng.randint(20, 2000),
                             unionised=rng.random() < 0.9, above_size=rng.random() < 0.6))
        s.execute(Enterprise.__table__.insert(), ents)
        ids = list(s.scalars(Enterprise.__table__.select().with_only_columns(Enterprise.id).order_by(Enterprise.id)))
        heads = dict(s.execute(Enterprise.__table__.select().with_only_columns(Enterprise.id, Enterprise.headcount)).all())
        s.execute(Enrolment.__table__.insert(), [dict(campaign_id=camp.id, enterprise_id=i, headcount=heads[i],
                                                     manual=False) for i in ids])
        s.execute(CollectiveContract.__table__.insert(), [dict(
            scope="enterprise", kind=rng.choice(["comprehensive", "wage"]), title="集体合同", enterprise_id=i,
            offer_date=dt.date(2021, 3, 3), offer_by="enterprise_union", reply_written=True,
            signing_date=dt.date(2021, 3, 20), review_result="no_objection", effective_date=dt.date(2021, 4, 1),
            term_years=Decimal("3")) for i in ids if rng.random() < 0.8])
        s.execute(EvaluationResult.__table__.insert(), [dict(
            campaign_id=camp.id, enterprise_id=i, system_hash="bench", final=round(rng.uniform(55, 98), 1),
            grade=rng.choice(["优秀", "良好", "合格", "不合格"]), self_total=80.0, external_total=70.0,
            survey_total=12.0, breakdown=breakdown, self_draft=False, evaluator_count=1, discrepancy=False,
            problems_major=0, problems_general=5, problems_hint=0) for i in ids])
        s.execute(DetectedProblem.__table__.insert(), [dict(
            campaign_id=camp.id, enterprise_id=i, code=c, category="程序", severity="medium", indicator="B1",
            title=t, description=f"评估发现{t}。", requirement="制定整改方案并落实。", deadline_days=30, owner="both",
            basis="", superseded=False) for i in ids for c, t in PROBLEMS])
        s.commit()
        raw = s.connection().connection.driver_connection
        answers = json.dumps({"Q1": "a", "Q2": 4, "Q3": ["x", "y"]})
        with raw.cursor() as cur:
            with cur.copy("COPY submission (campaign_id, enterprise_id, audience, definition_hash, submission_key, "
                          "answers, submitted_on) FROM STDIN") as copy:
                for k in range(SUBMISSIONS):
                    copy.write_row((camp.id, ids[k % len(ids)], "worker" if k % 20 else "employer", "h" * 64,
                                    f"k{k:09d}", answers, dt.date(2021, 3, 1 + k % 28)))
        raw.commit()
        s.commit()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/bench_reports")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    from evalsite import create_app

    recreate(args.url)
    tmp = tempfile.mkdtemp()
    app = create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench-secret-0123456789", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "UPLOAD_DIR": tmp})
    t = time.perf_counter()
    generate(app, random.Random(6))
    print(f"data: {ENTERPRISES} enterprises, {SUBMISSIONS} submissions in {time.perf_counter() - t:.1f} s")

    from sqlalchemy import select

    from evalsite.db import db, writing
    from evalsite.reports.batch import run_batch
    from evalsite.models import Campaign, Enterprise, EvaluationResult, User
    from evalsite.reports import workflow as S

    with app.test_request_context(), writing():
        s = db.session
        camp = s.scalar(select(Campaign))
        city = s.scalar(select(User))
        t = time.perf_counter()
        ids = s.scalars(select(EvaluationResult.enterprise_id).order_by(EvaluationResult.enterprise_id)
                        .limit(BATCH)).all()
        for i in ids:
            v = S.draft_report(s, camp, s.get(Enterprise, i), city)
            S.approve(s, v, city)
        s.commit()
        print(f"drafted and approved {len(ids)} reports in {time.perf_counter() - t:.1f} s")
        v = s.scalar(select(S.ReportVersion).order_by(S.ReportVersion.id))
        meta = S.render_meta(v, "https://example.org", today=dt.date(2021, 4, 20))
        S.render_snapshot(v.report.kind, v.data, meta)  # warm up fonts
        times = []
        for _ in range(5):
            t = time.perf_counter()
            S.render_snapshot(v.report.kind, v.data, meta)
            times.append(time.perf_counter() - t)
        print(f"one report render: {statistics.median(times):.3f} s (median of 5; goal < 0.3 s)")
    with app.app_context():
        camp = db.session.scalar(select(Campaign))
        t = time.perf_counter()
        res = run_batch(db.session, camp, out_dir=tmp + "/pdf", workers=args.workers)
        print(f"batch of {res.issued} reports on {args.workers} processes: {time.perf_counter() - t:.1f} s "
              f"(goal < 300 s), failed {len(res.failed)}")
    client = app.test_client()
    from evalsite.auth import sessions

    with app.app_context():
        city = db.session.scalar(select(User))
        uid = city.get_id()
        token = sessions.store().create(city.id)  # sessions are checked on the server
        db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"], sess[sessions.SESSION_KEY] = uid, True, token
    for label, url in (("dashboard", "/dashboard/"), ("附件1 page", "/reports/tables"),
                       ("附件1 xlsx", "/reports/tables/annex1.xlsx")):
        client.get(url)
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            resp = client.get(url)
            runs.append(time.perf_counter() - t)
            assert resp.status_code == 200, (url, resp.status_code)
        print(f"{label}: {statistics.median(runs):.3f} s (median of 3; goal < 1 s)")
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {me:.0f} MB (this process), {kids:.0f} MB (largest worker)")


if __name__ == "__main__":
    main()
