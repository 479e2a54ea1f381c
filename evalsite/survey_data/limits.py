"""Stuffing limits of a survey link: answers a day (the cap) and answers a minute (the burst).

Both are per link, never per IP: a whole factory often leaves through one
address, and an IP next to an answer would be identifying. The values come from
``surveys/settings.yaml`` (``stuffing``), the cap can be set per link.

Where the counts live:

- With Redis (``REDIS_URL``) both counters are Redis keys, bumped in one
  pipelined round trip; every process and machine shares them. The minute key
  expires after two minutes.
- Without Redis both are counted in the database, in the one upsert of the
  link's row for the day (``submission_counter``) that the cap already needed,
  in the submission's transaction: a refused answer is not counted, every
  process and machine sees the same counts, and the hot path keeps its
  statements. The minute is kept as ``window_tag``, an HMAC of (link, minute)
  under the app's secret key, never as a time: the row says nothing about when
  the link's latest answer came to somebody reading the database (only the
  server, holding the key, can tell "same minute or not"); ``window_count`` is
  the answers counted in that minute.
- Redis down: the database counts take over (logged once per call).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time

from flask import current_app
from sqlalchemy import bindparam, case
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
    stmt = dialect_insert(counter).values(link_id=bindparam("p_link"), day=bindparam("p_day"), count=1,
                                          window_tag=bindparam("p_tag"), window_count=1)
    same_minute = counter.c.window_tag == stmt.excluded.window_tag
    return (stmt.on_conflict_do_update(index_elements=[counter.c.link_id, counter.c.day],
                                       set_={"count": counter.c.count + 1,  # every SET reads the old row
                                             "window_count": case((same_minute, counter.c.window_count + 1),
                                                                  else_=1),
                                             "window_tag": stmt.excluded.window_tag})
            .returning(counter.c.count, counter.c.window_count))


# Built once: the hot path only binds values.
_COUNT = {"postgresql": _counter_upsert(pg_insert), "sqlite": _counter_upsert(sqlite_insert)}


def window_tag(link_id: int, minute: int) -> str:
    """The minute of a link's burst window as the database keeps it: an HMAC, not a time."""
    key = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(key, f"survey-burst:{link_id}:{minute}".encode(), hashlib.sha256).hexdigest()[:16]


def count_in_db(session: Session, link_id: int, today: dt.date, minute: int) -> tuple[int, int]:
    """Bump the link's counters (the day, the minute) in one statement; the row lock lasts until commit."""
    conn = session.connection()
    day, window = conn.execute(_COUNT[conn.dialect.name],
                               {"p_link": link_id, "p_day": today, "p_tag": window_tag(link_id, minute)}).one()
    return day, window


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
        except Exception:  # Redis down: fall back to the database
            log.warning("survey limits: Redis unavailable, counting in the database")
        else:
            if minute_count > link.burst:
                return "burst"
            return "cap" if day_count > link.cap else None
    day_count, minute_count = count_in_db(session, link.id, today, minute)
    if minute_count > link.burst:
        return "burst"
    return "cap" if day_count > link.cap else None
