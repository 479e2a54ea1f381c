"""Submit benchmark: the real survey submit vs a bare Flask app inserting the same row, in one run.

    make bench-submit                       # or: python bench/bench_submit.py [options]
    python bench/bench_submit.py --seconds 15 --connections 32 --rounds 2 --profile

Both apps run under the same gunicorn (``--workers`` sync workers) against one PostgreSQL database
(``BENCH_DB``, default ``bench``, dropped and created by every run) with Redis (``BENCH_REDIS_URL``,
flushed by every run) as ``REDIS_URL``; the load comes from another process (``bench/loadgen.py``,
closed loop, every request waited for, so rows can be compared with acknowledged answers).
The survey side is the whole public path: link look-up, CSRF, validation of every answer, the INSERT,
the Redis limit counters, the redirect that clears the draft. The bare side (``bench/bare_app.py``)
does the INSERT and the redirect only. Rounds alternate survey and bare, so a load that the machine's
other processes add falls on both.

Goal (issue 13): survey throughput >= 0.7 x bare, p99 <= 1.5 x bare, 0 errors, rows = acknowledged.
``--profile`` also samples the survey workers with py-spy during its first round and prints where the
time goes (bench/profile_top.py); bench/README.md keeps the last figures.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
PG_NAME = os.environ.get("BENCH_DB", "bench")  # dropped and created by every run
REDIS_BENCH = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")  # flushed by every run
SECRET = "bench-secret-key-0123456789"
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(url: str) -> str:
    """Schema, one enterprise, a campaign with the default definitions, one open worker link; its token."""
    from sqlalchemy.orm import Session
    import random

    from evalsite import models  # noqa: F401
    from evalsite.creditcode import generate
    from evalsite.db import Base, make_engine
    from evalsite.models import Campaign, Enrolment, Enterprise, ReportingUnit, SurveyLink
    from evalsite.survey_data import store

    admin = create_engine(PG_SERVER.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
    admin.dispose()
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        unit = ReportingUnit(code="B1", name="基准区", kind="district")
        s.add(unit)
        s.flush()
        ent = Enterprise(name="基准测试企业", credit_code=generate(random.Random(1)), unit_id=unit.id, headcount=5000)
        camp = Campaign(code="BENCH", name="基准", start_date=dt.date(2021, 1, 1), end_date=dt.date(2099, 1, 1),
                        is_current=True)
        s.add_all([ent, camp])
        s.flush()
        s.add(Enrolment(campaign_id=camp.id, enterprise_id=ent.id, headcount=5000))
        store.ensure_links(s, camp, [ent.id])
        s.execute(SurveyLink.__table__.update().values(daily_cap=10 ** 9))  # the limits count, never refuse
        token = s.scalar(select(SurveyLink.token).where(SurveyLink.audience == "worker"))
        s.commit()
    engine.dispose()
    return token


def start(target: str, env: dict, port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--backlog", "2048",
           "--chdir", str(ROOT), "--log-level", "warning", "--graceful-timeout", "20", target]
    proc = subprocess.Popen(cmd, env={**os.environ, **env, "WEB_CONCURRENCY": str(workers)})
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except Exception:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{target} did not start")


def machine_cpu() -> float:
    """CPU seconds (user + system, every process) the machine has used so far (Linux /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return (int(fields[0]) + int(fields[1]) + int(fields[2]) + int(fields[5]) + int(fields[6])) / os.sysconf("SC_CLK_TCK")


def server_cpu(names=("postgres", "redis-server")) -> float:
    """CPU seconds used so far by the database and Redis server processes (Linux /proc)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.split("(", 1)[1] in names:
            fields = tail.split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def start_releaser(env: dict) -> subprocess.Popen:
    """The survey's release process (``flask survey-releaser``), as a deployment with Redis runs it."""
    flask = str(Path(sys.executable).with_name("flask"))
    proc = subprocess.Popen([flask, "--app", "evalsite:create_app()", "survey-releaser"], cwd=str(ROOT),
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    for _ in range(100):  # its heartbeat: from now on the web processes hand their releases over
        if client.exists("survey:releases:alive"):
            return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("flask survey-releaser did not start")


def process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_cpu(proc: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's workers (Linux /proc)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        return float("nan")
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()  # gunicorn finishes the requests under way, then exits
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def form_body(port: int, token: str) -> tuple[str, str]:
    """The last page's POST as a phone sends it: the session cookie, CSRF token and every answer.

    Like a phone, it GETs the page, then submits once (a key of its own, not counted), and keeps the
    cookie as the server left it: the first POST of a session is answered with an updated cookie
    (Flask-Login's marker), later ones are not.
    """
    from surveys import default_definition
    from tests.evalsite.survey_support import WORKER_ANSWERS

    base = f"http://127.0.0.1:{port}/s/{token}"
    with urllib.request.urlopen(base) as resp:
        page = resp.read().decode()
        cookie = resp.headers.get("Set-Cookie", "").split(";")[0]
    fields = dict(re.findall(r'<input type="hidden" name="(csrf_token|_def)" value="([^"]*)"', page))
    form = {**fields, "_sec": str(len(default_definition("worker").sections) - 1), "_nav": "next", **WORKER_ANSWERS}
    body = urllib.parse.urlencode(form, doseq=True)
    first = urllib.request.Request(base, data=(body + "&_key=" + "warmup" + secrets.token_hex(8)).encode(),
                                   headers={"Cookie": cookie}, method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(first)
    except urllib.error.HTTPError as answer:  # the 303 to the thank-you page
        if answer.code != 303:
            raise
        cookie = (answer.headers.get("Set-Cookie") or cookie).split(";")[0]
    return body, cookie


def load(url: str, body_file: str, cookie: str, prefix: str, args, seconds: float | None = None) -> dict:
    cmd = [sys.executable, str(HERE / "loadgen.py"), url, "--seconds", str(seconds or args.seconds),
           "--connections", str(args.connections), "--body-file", body_file, "--key-prefix", prefix]
    if cookie:
        cmd += ["--cookie", cookie]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def rows_with(url: str, prefix: str) -> int:
    from evalsite.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(text("SELECT count(*) FROM submission WHERE submission_key LIKE :p"), {"p": prefix + "-%"})
    engine.dispose()
    return n


def one_round(label: str, target: str, env: dict, token: str, url: str, body: tuple | None, args,
              profile_to: str | None) -> tuple[dict, tuple]:
    port = free_port()
    proc = start(target, env, port, args.workers)
    releaser = start_releaser(env) if label == "survey" else None
    spy = None
    with tempfile.NamedTemporaryFile("w", suffix=".form", delete=False) as f:
        pass
    try:
        body = body or form_body(port, token)
        Path(f.name).write_text(body[0])
        target_url, cookie = f"http://127.0.0.1:{port}/s/{token}", body[1] if label == "survey" else ""
        if args.warmup:  # every worker's first answers load the questionnaire, compile templates and queries
            load(target_url, f.name, cookie, f"warm{secrets.token_hex(4)}", args, args.warmup)
        if profile_to:
            spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(proc.pid),
                                    "--subprocesses", "--format", "raw", "--rate", "250", "--nonblocking",
                                    *(["--gil"] if os.environ.get("BENCH_PROFILE_GIL") else []),
                                    "--duration", str(int(args.seconds)), "--output", profile_to],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        prefix = f"{label}{secrets.token_hex(4)}"
        cpu, everything, servers = worker_cpu(proc), machine_cpu(), server_cpu()
        releasing = process_cpu(releaser.pid) if releaser else 0.0
        res = load(target_url, f.name, cookie, prefix, args)
        res["cpu_ms"] = (worker_cpu(proc) - cpu) * 1000 / max(res["acknowledged"], 1)
        res["machine_ms"] = (machine_cpu() - everything) * 1000 / max(res["acknowledged"], 1)
        res["server_ms"] = (server_cpu() - servers) * 1000 / max(res["acknowledged"], 1)
        res["releaser_ms"] = ((process_cpu(releaser.pid) - releasing) * 1000 / max(res["acknowledged"], 1)
                              if releaser else 0.0)
        if spy:
            spy.wait(60)
    finally:
        os.unlink(f.name)
        stop(proc)
        if releaser:
            stop(releaser)
    res["rows"] = rows_with(url, prefix)
    return res, body


def merge(results: list[dict]) -> dict:
    """Totals over the rounds; throughput and latencies are the median round's."""
    total = {k: sum(r[k] for r in results) for k in ("acknowledged", "errors", "rows", "sent")}
    total["cpu_ms"] = sorted(r["cpu_ms"] for r in results)[len(results) // 2]
    total["machine_ms"] = sorted(r["machine_ms"] for r in results)[len(results) // 2]
    total["server_ms"] = sorted(r["server_ms"] for r in results)[len(results) // 2]
    mid = sorted(results, key=lambda r: r["rps"])[len(results) // 2]
    return {**total, "rps": mid["rps"], "p50_ms": mid["p50_ms"], "p99_ms": mid["p99_ms"],
            "statuses": [r["statuses"] for r in results]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--warmup", type=float, default=3, help="seconds of load before each measured round")
    ap.add_argument("--rounds", type=int, default=2, help="alternating survey/bare rounds (median reported)")
    ap.add_argument("--profile", nargs="?", const="bench-submit-profile.txt",
                    help="py-spy the survey workers in round 1; raw stacks to this file")
    args = ap.parse_args()
    url = f"{PG_SERVER}/{PG_NAME}"
    token = prepare_database(url)
    import redis

    redis.Redis.from_url(REDIS_BENCH).flushdb()
    env = {"DATABASE_URL": url, "REDIS_URL": REDIS_BENCH, "SECRET_KEY": SECRET, "EVALSITE_ENV": "development",
           "RATELIMIT_ENABLED": "0", "BENCH_TOKEN": token}
    print(f"PostgreSQL {PG_NAME}, Redis {REDIS_BENCH}; gunicorn -w {args.workers} (sync); load: bench/loadgen.py "
          f"{args.connections} connections x {args.seconds:g} s, {args.rounds} round(s) each; {os.cpu_count()} CPUs")
    runs: dict[str, list[dict]] = {"survey": [], "bare": []}
    body = None
    for n in range(args.rounds):
        for label, target in (("survey", "evalsite:create_app()"), ("bare", "bench.bare_app:app")):
            profile_to = args.profile if label == "survey" and n == 0 else None
            res, body = one_round(label, target, env, token, url, body, args, profile_to)
            runs[label].append(res)
            print(f"  round {n + 1} {label:<6} {res['rps']:7.1f} req/s  p50 {res['p50_ms']:6.1f} ms  "
                  f"p99 {res['p99_ms']:6.1f} ms  CPU/answer: workers {res['cpu_ms']:5.2f} ms, PostgreSQL+Redis {res['server_ms']:5.2f} ms, releaser {res['releaser_ms']:4.2f} ms, machine {res['machine_ms']:5.2f} ms  statuses {res['statuses']}  rows {res['rows']}", flush=True)
    s, b = merge(runs["survey"]), merge(runs["bare"])
    report(s, b)
    if args.profile:
        from bench.profile_top import summary

        print(f"\nWhere the survey workers' time goes (py-spy, {args.profile}):")
        print(summary(args.profile))


def report(s: dict, b: dict) -> None:
    ratio = s["rps"] / b["rps"] if b["rps"] else 0.0
    p99 = s["p99_ms"] / b["p99_ms"] if b["p99_ms"] else float("inf")
    print("\n| app    |   req/s | p50 ms | p99 ms | errors | acknowledged |   rows | rows = ack | CPU ms/answer: workers | PostgreSQL+Redis | machine |")
    print("|--------|--------:|-------:|-------:|-------:|-------------:|-------:|------------|-----------------------:|-----------------:|--------:|")
    for label, x in (("survey", s), ("bare", b)):
        print(f"| {label:<6} | {x['rps']:7.1f} | {x['p50_ms']:6.1f} | {x['p99_ms']:6.1f} | {x['errors']:6d} |"
              f" {x['acknowledged']:12d} | {x['rows']:6d} | {'yes' if x['rows'] == x['acknowledged'] else 'NO':<10} |"
              f" {x['cpu_ms']:22.2f} | {x['server_ms']:16.2f} | {x['machine_ms']:7.2f} |")
    goals = [("throughput survey/bare", f"{ratio:.2f}", ratio >= 0.7, ">= 0.70"),
             ("p99 survey/bare", f"{p99:.2f}", p99 <= 1.5, "<= 1.50"),
             ("errors (survey)", str(s["errors"]), s["errors"] == 0, "0"),
             ("rows = acknowledged", "yes" if s["rows"] == s["acknowledged"] else "no",
              s["rows"] == s["acknowledged"], "yes")]
    print()
    for name, value, ok, want in goals:
        print(f"  {name:<24} {value:>6}  (goal {want}) {'met' if ok else 'MISSED'}")
    print(f"  goal {'met' if all(g[2] for g in goals) else 'MISSED'}")


if __name__ == "__main__":
    main()
