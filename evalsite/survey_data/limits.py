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
import os
import threading
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


class RedisCounter:
    """The counting script over one plain Redis connection per process and thread.

    Every answer makes this one call, so it skips redis-py's client layers (the pool's lock and
    fork check, the retry and deprecation wrappers, the Script object), which cost more than the
    round trip itself: ``Connection.send_command`` and ``read_response`` of redis-py, EVALSHA with
    EVAL when Redis has forgotten the script, one new connection when the old one broke.
    """

    def __init__(self, url: str):
        self.url = url
        self.sha = hashlib.sha1(_BUMP.encode()).hexdigest()
        self._local = threading.local()

    def _connection(self):
        import redis

        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # a forked worker never shares its parent's socket
            options = redis.connection.parse_url(self.url)
            factory = options.pop("connection_class", redis.Connection)
            conn = self._local.conn = factory(socket_timeout=0.5, socket_connect_timeout=0.5, **options)
            self._local.pid = os.getpid()
        return conn

    def bump(self, keys: tuple[str, str]) -> tuple[int, int]:
        """Both counts after this answer (the day's, the minute's)."""
        import redis

        args = (2, *keys, DAY_TTL, MINUTE_TTL)
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.send_command("EVALSHA", self.sha, *args)
                try:
                    day, minute = conn.read_response()
                except redis.exceptions.NoScriptError:
                    conn.send_command("EVAL", _BUMP, *args)
                    day, minute = conn.read_response()
                return int(day), int(minute)
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
                conn.disconnect()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def take_back(self, keys: tuple[str, str]) -> None:
        conn = self._connection()
        try:
            for key in keys:
                conn.send_command("DECR", key)
            for _ in keys:
                conn.read_response()
        except Exception:
            conn.disconnect()
            self._local.conn = None
            raise


def redis_counter() -> RedisCounter | None:
    """This app's counter in Redis (``REDIS_URL``), or None without Redis."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    counter = current_app.extensions.get("survey_redis_counter")
    if counter is None or counter.url != url:
        counter = current_app.extensions["survey_redis_counter"] = RedisCounter(url)
    return counter


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
    counter: RedisCounter | None = None
    day_count: int = 0  # the link's answers counted today, this one included (it paces the releases)


def count_shared(link, today: dt.date) -> Shared | None:
    """Count one answer for the link in Redis (one round trip); None without Redis or when it is down."""
    counter = redis_counter()
    if counter is None:
        return None
    minute = int(time.time() // 60)
    keys = (f"survey:cap:{link.id}:{today.isoformat()}", f"survey:burst:{link.id}:{minute}")
    try:
        day_count, minute_count = counter.bump(keys)
    except Exception:  # Redis down: the caller falls back to the database
        log.warning("survey limits: Redis unavailable, counting in the database")
        return None
    if minute_count > link.burst:
        return Shared("burst", keys, counter=counter, day_count=day_count)
    return Shared("cap" if day_count > link.cap else None, keys, counter=counter, day_count=day_count)


def uncount(shared: Shared | None) -> None:
    """Take back an answer counted in Redis that was not stored (a retry of a stored key); best effort."""
    if shared is None or shared.counter is None:
        return
    try:
        shared.counter.take_back(shared.keys)
    except Exception:
        log.warning("survey limits: Redis unavailable, an answer not stored stays counted")


def count_here(session: Session, link, today: dt.date) -> tuple[str | None, int]:
    """Without Redis: both counts in the database, in the caller's transaction (a refused or rolled back
    answer is not counted). ('burst', 'cap' or None; the link's answers today, this one included)."""
    day_count, minute_count = count_in_db(session, link.id, today, int(time.time() // 60))
    if minute_count > link.burst:
        return "burst", day_count
    return ("cap" if day_count > link.cap else None), day_count
