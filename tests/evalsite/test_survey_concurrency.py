"""Many phones at once through a real threaded server: every answer once, replays never twice."""
from __future__ import annotations

import os
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from evalsite.models import Submission, SurveyLink
from tests.evalsite.survey_support import WORKER_ANSWERS, hidden_fields, last_section, make_links

ON_PG = os.environ.get("TEST_DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def served(app, session, world):
    from werkzeug.serving import make_server

    links = make_links(app, session, world)
    link = session.get(SurveyLink, links[(world.ent_a.id, "worker")].id)
    link.daily_cap = 1_000_000
    session.commit()
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    srv.socket.listen(512)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{srv.server_port}/s/{link.token}"
    with urllib.request.urlopen(base) as resp:
        fields = hidden_fields(resp.read().decode())
    form = {**fields, "_sec": str(last_section()), "_nav": "next", **WORKER_ANSWERS}
    yield base, form
    srv.shutdown()
    thread.join(5)


def _post(url: str, form: dict) -> int:
    body = urllib.parse.urlencode(form, doseq=True).encode()
    for attempt in range(3):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=60) as resp:
                text = resp.read().decode()
                return resp.status if "提交成功" in text else -resp.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (ConnectionError, urllib.error.URLError):  # listen backlog full: a phone would retry
            if attempt == 2:
                raise
    return 0


def _run(served, session, total: int, replays: int):
    url, form = served
    keys = [secrets.token_urlsafe(18) for _ in range(total)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda k: _post(url, {**form, "_key": k}), keys))
    assert statuses.count(200) == total, {s: statuses.count(s) for s in set(statuses)}
    replay_key = secrets.token_urlsafe(18)
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: _post(url, {**form, "_key": replay_key}), range(replays)))
    assert statuses.count(200) == replays
    session.expire_all()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Submission)) == total + 1
    assert session.scalar(select(func.count()).select_from(Submission)
                          .where(Submission.submission_key == replay_key)) == 1


@pytest.mark.pg
@pytest.mark.slow
def test_2000_concurrent_submissions_and_200_replays_on_postgresql(served, session):
    _run(served, session, 2000, 200)


@pytest.mark.skipif(ON_PG, reason="the PostgreSQL variant runs the full 2,000")
def test_concurrent_submissions_and_replays_on_sqlite(served, session):
    _run(served, session, 300, 100)
