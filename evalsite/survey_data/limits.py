"""Stuffing limits of a survey link: answers a day (the cap) and answers a minute (the burst).

Both are per link, never per IP: a whole factory often leaves through one
address, and an IP next to an answer would be identifying. The values come from
``surveys/settings.yaml`` (``stuffing``), the cap can be set per link.

Where the counts live:

- With Redis (``REDIS_URL``) both counters are Redis keys, bumped in one
  pipelined round trip; every process and machine shares them. The minute key
  expires after two minutes.
- Without Redis (one machine) the day is counted in the database (one upsert,
  in the submission's transaction, so a refused answer is not counted) and the
  minute in this process's memory. The burst is deliberately *not* in the
  database: a per-minute row next to a link would be a durable record of when
  the link's newest answer arrived (time of day, which no answer may carry),
  and it would cost a statement on the hot path. Memory is forgotten within a
  minute and costs nothing. Several worker processes each see part of the
  traffic, so each allows its share: the limit divided by ``WEB_CONCURRENCY``
  (gunicorn's worker count, default 1).
- Redis down: the database and memory counters take over (logged once per call).
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import os
import threading
import time

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import SubmissionCounter

log = logging.getLogger(__name__)
DAY_TTL = 2 * 86400
MINUTE_TTL = 120


def redis_client():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get("survey_redis")
    if client is None:
        import redis

        client = current_app.extensions["survey_redis"] = redis.Redis.from_url(url, socket_timeout=0.5)
    return client


def _counter_upsert(dialect_insert):
    counter = SubmissionCounter.__table__
    return (dialect_insert(counter).values(link_id=bindparam("p_link"), day=bindparam("p_day"), count=1)
            .on_conflict_do_update(index_elements=[counter.c.link_id, counter.c.day],
                                   set_={"count": counter.c.count + 1})
            .returning(counter.c.count))


# Built once: the hot path only binds values.
_COUNT = {"postgresql": _counter_upsert(pg_insert), "sqlite": _counter_upsert(sqlite_insert)}


def count_in_db(session: Session, link_id: int, today: dt.date) -> int:
    """Bump the link's counter for the day in one statement; the row lock lasts until commit."""
    conn = session.connection()
    return conn.scalar(_COUNT[conn.dialect.name], {"p_link": link_id, "p_day": today})


class MinuteWindow:
    """Answers per link in the current minute, in this process (thread-safe, bounded)."""

    MAX_LINKS = 10_000

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[int, tuple[int, int]] = {}

    def hit(self, link_id: int, minute: int) -> int:
        with self._lock:
            seen, n = self._counts.get(link_id, (minute, 0))
            n = n + 1 if seen == minute else 1
            if len(self._counts) >= self.MAX_LINKS and link_id not in self._counts:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == minute}
            self._counts[link_id] = (minute, n)
            return n


def _processes() -> int:
    value = os.environ.get("WEB_CONCURRENCY", "1")
    return max(1, int(value)) if value.isdigit() else 1


def _burst_here(link_id: int, limit: int, minute: int) -> bool:
    window = current_app.extensions.setdefault("survey_burst", MinuteWindow())
    return window.hit(link_id, minute) > math.ceil(limit / _processes())


def over_limit(session: Session, link, today: dt.date) -> str | None:
    """Count one answer for the link: 'burst', 'cap' or None (accepted). ``link`` is a PublicLink."""
    minute = int(time.time() // 60)
    client = redis_client()
    if client is not None:
        day_key, minute_key = f"survey:cap:{link.id}:{today.isoformat()}", f"survey:burst:{link.id}:{minute}"
        try:
            pipe = client.pipeline(transaction=False)
            pipe.incr(day_key).expire(day_key, DAY_TTL).incr(minute_key).expire(minute_key, MINUTE_TTL)
            day_count, _, minute_count, _ = pipe.execute()
        except Exception:  # Redis down: fall back to memory and the database
            log.warning("survey limits: Redis unavailable, counting in memory and the database")
        else:
            if minute_count > link.burst:
                return "burst"
            return "cap" if day_count > link.cap else None
    if _burst_here(link.id, link.burst, minute):
        return "burst"
    return "cap" if count_in_db(session, link.id, today) > link.cap else None
