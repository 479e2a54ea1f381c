"""Stuffing limits of a survey link: answers a day (the cap) and answers a minute (the burst).

Both are per link, never per IP: a whole factory often leaves through one
address, and an IP next to an answer would be identifying. The values come from
``surveys/settings.yaml`` (``stuffing``), the cap can be set per link.

Where the counts live:

- With Redis (``REDIS_URL``) both counters are Redis keys, bumped by one small
  server-side script (one command, one round trip, atomic) before the answer's
  row is written; every process and machine shares them. The day key expires
  after two days, the minute key after two minutes (each set when created). An
  answer counted but not stored (a retried key, a link changed meanwhile) is
  taken back (``uncount``).
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
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import SubmissionCounter

log = logging.getLogger(__name__)
DAY_TTL = 2 * 86400
MINUTE_TTL = 120


# KEYS: the day key, the minute key; ARGV: their lifetimes. Returns both counts after this answer.
_BUMP = """
local day = redis.call('INCR', KEYS[1])
if day == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local minute = redis.call('INCR', KEYS[2])
if minute == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return {day, minute}
"""


def redis_bump():
    """The counting script bound to this app's Redis (EVALSHA, loaded again if Redis forgot it), or None."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    bump = current_app.extensions.get("survey_redis_bump")
    if bump is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=0.5)
        bump = current_app.extensions["survey_redis_bump"] = client.register_script(_BUMP)
    return bump


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


@dataclass(frozen=True)
class Shared:
    """An answer counted in Redis: what the counts say, and the keys to take it back from."""
    refused: str | None  # 'burst', 'cap' or None
    keys: tuple[str, str]


def count_shared(link, today: dt.date) -> Shared | None:
    """Count one answer for the link in Redis (one round trip); None without Redis or when it is down."""
    bump = redis_bump()
    if bump is None:
        return None
    minute = int(time.time() // 60)
    keys = (f"survey:cap:{link.id}:{today.isoformat()}", f"survey:burst:{link.id}:{minute}")
    try:
        day_count, minute_count = bump(keys=list(keys), args=[DAY_TTL, MINUTE_TTL])
    except Exception:  # Redis down: the caller falls back to the database
        log.warning("survey limits: Redis unavailable, counting in the database")
        return None
    if minute_count > link.burst:
        return Shared("burst", keys)
    return Shared("cap" if day_count > link.cap else None, keys)


def uncount(shared: Shared | None) -> None:
    """Take back an answer counted in Redis that was not stored (a retry of a stored key); best effort."""
    if shared is None:
        return
    try:
        pipe = redis_bump().registered_client.pipeline(transaction=False)
        for key in shared.keys:
            pipe.decr(key)
        pipe.execute()
    except Exception:
        log.warning("survey limits: Redis unavailable, an answer not stored stays counted")


def count_here(session: Session, link, today: dt.date) -> str | None:
    """Without Redis: both counts in the database, in the caller's transaction (a refused or rolled back
    answer is not counted). 'burst', 'cap' or None."""
    day_count, minute_count = count_in_db(session, link.id, today, int(time.time() // 60))
    if minute_count > link.burst:
        return "burst"
    return "cap" if day_count > link.cap else None
