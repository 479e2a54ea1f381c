"""Sessions that end: a random token per signed-in browser, checked on every request.

The signed Flask cookie only carries the token (``session["_sid"]``); the server keeps its SHA-256,
the user, when it was created and when it was last used: in Redis when ``REDIS_URL`` is set, in the
``user_session`` table otherwise. So logout, a password change, a deactivation and an administrator's
"sign out everywhere" end a session at once (a copied cookie opens nothing afterwards), and a session
ends after ``SESSION_IDLE_MINUTES`` without a request or ``SESSION_ABSOLUTE_HOURS`` after login.

Time comes from ``store.clock`` (UTC, naive), which tests replace to freeze or move time.
The table store is request-level: it is checked before any view runs and uses ``db.session``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Callable, Optional

from flask import Flask, current_app
from sqlalchemy import delete, func, select, update

from ..db import db, is_write, writing
from ..models import UserSession
from ..models.base import utcnow

SESSION_KEY = "_sid"
TOUCH_EVERY = dt.timedelta(seconds=60)  # last use is written at most once a minute per session


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _epoch(naive_utc: dt.datetime) -> float:
    return naive_utc.replace(tzinfo=dt.timezone.utc).timestamp()


def _from_epoch(raw) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(raw), dt.timezone.utc).replace(tzinfo=None)


class _Limits:
    def __init__(self, app: Flask, clock: Callable[[], dt.datetime]):
        self.idle = dt.timedelta(minutes=int(app.config["SESSION_IDLE_MINUTES"]))
        self.absolute = dt.timedelta(hours=float(app.config["SESSION_ABSOLUTE_HOURS"]))
        self.clock = clock

    def alive(self, created: dt.datetime, last_seen: dt.datetime, now: dt.datetime) -> bool:
        return now - created < self.absolute and now - last_seen < self.idle


class DatabaseStore(_Limits):
    """Sessions in the ``user_session`` table; writes go with the caller's transaction."""

    def create(self, user_id: int, session=None) -> str:
        token = secrets.token_urlsafe(32)
        now = self.clock()
        sess = session or db.session
        cutoff_idle, cutoff_abs = now - self.idle, now - self.absolute
        sess.execute(delete(UserSession).where(UserSession.user_id == user_id,
                                               (UserSession.last_seen_at < cutoff_idle)
                                               | (UserSession.created_at < cutoff_abs)))
        sess.add(UserSession(token_hash=_hash(token), user_id=user_id, created_at=now, last_seen_at=now))
        sess.flush()
        return token

    def check(self, token: str) -> Optional[int]:
        """The user id of a live session, else None (and an expired session is forgotten).

        A write request reads and touches in its own transaction. A read request must neither turn
        its transaction into a write (on SQLite that fails when another process wrote in between)
        nor open it before a touch committed elsewhere: it reads, and writes at most once a minute,
        in short transactions of their own before the request's transaction begins.
        """
        if is_write():
            user_id, stmt = self._look(db.session, token)
            if stmt is not None:
                db.session.execute(stmt)
            return user_id
        sess = db.new_session()
        try:
            user_id, stmt = self._look(sess, token)
            if stmt is not None:
                sess.rollback()
                with writing():
                    sess.execute(stmt)
                    sess.commit()
            return user_id
        finally:
            sess.close()

    def _look(self, sess, token: str):
        """(user id or None, the statement that forgets or touches the session, if one is due)."""
        row = sess.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
        if row is None:
            return None, None
        now = self.clock()
        if not self.alive(row.created_at, row.last_seen_at, now):
            return None, delete(UserSession).where(UserSession.id == row.id)
        if now - row.last_seen_at >= TOUCH_EVERY:
            return row.user_id, update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now)
        return row.user_id, None

    def end(self, token: str) -> None:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _hash(token)))

    def end_all(self, user_id: int) -> None:
        db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))

    def count(self, user_id: int) -> int:
        now = self.clock()
        return db.session.scalar(select(func.count()).select_from(UserSession).where(
            UserSession.user_id == user_id, UserSession.last_seen_at >= now - self.idle,
            UserSession.created_at >= now - self.absolute)) or 0


class RedisStore(_Limits):
    """Sessions in Redis: a hash per session, a set of session hashes per user."""

    def __init__(self, app: Flask, clock):
        super().__init__(app, clock)
        import redis

        self.redis = redis.Redis.from_url(app.config["REDIS_URL"])
        self.prefix = app.config.get("SESSION_REDIS_PREFIX") or "evalsite:"

    def _key(self, digest: str) -> str:
        return f"{self.prefix}session:{digest}"

    def _user_key(self, user_id: int) -> str:
        return f"{self.prefix}user-sessions:{user_id}"

    def create(self, user_id: int, session=None) -> str:
        token = secrets.token_urlsafe(32)
        digest, stamp = _hash(token), _epoch(self.clock())
        ttl = int(self.absolute.total_seconds()) + 60
        pipe = self.redis.pipeline()
        pipe.hset(self._key(digest), mapping={"user_id": user_id, "created": stamp, "last_seen": stamp})
        pipe.expire(self._key(digest), ttl)
        pipe.sadd(self._user_key(user_id), digest)
        pipe.expire(self._user_key(user_id), ttl)
        pipe.execute()
        return token

    def check(self, token: str) -> Optional[int]:
        digest = _hash(token)
        data = self.redis.hgetall(self._key(digest))
        if not data:
            return None
        user_id = int(data[b"user_id"])
        created, last_seen = _from_epoch(data[b"created"]), _from_epoch(data[b"last_seen"])
        now = self.clock()
        if not self.alive(created, last_seen, now):
            self._forget(user_id, digest)
            return None
        if now - last_seen >= TOUCH_EVERY:
            self.redis.hset(self._key(digest), "last_seen", _epoch(now))
        return user_id

    def _forget(self, user_id: int, digest: str) -> None:
        self.redis.delete(self._key(digest))
        self.redis.srem(self._user_key(user_id), digest)

    def end(self, token: str) -> None:
        digest = _hash(token)
        raw = self.redis.hget(self._key(digest), "user_id")
        self.redis.delete(self._key(digest))
        if raw is not None:
            self.redis.srem(self._user_key(int(raw)), digest)

    def end_all(self, user_id: int) -> None:
        digests = self.redis.smembers(self._user_key(user_id))
        if digests:
            self.redis.delete(*(self._key(d.decode()) for d in digests))
        self.redis.delete(self._user_key(user_id))

    def count(self, user_id: int) -> int:
        return sum(1 for d in self.redis.smembers(self._user_key(user_id)) if self.redis.exists(self._key(d.decode())))


def init_app(app: Flask) -> None:
    store_cls = RedisStore if app.config.get("REDIS_URL") else DatabaseStore
    app.extensions["evalsite_sessions"] = store_cls(app, utcnow)


def store():
    return current_app.extensions["evalsite_sessions"]


def set_clock(app: Flask, clock: Callable[[], dt.datetime]) -> None:
    """Replace the clock (naive UTC datetimes), e.g. to freeze time in a test."""
    app.extensions["evalsite_sessions"].clock = clock


def now() -> dt.datetime:
    """The auth clock in naive UTC (the sessions' clock, so tests move both together)."""
    return store().clock()


def begin(user) -> None:
    """Sign ``user`` in on this browser with a new session id (the old one, if any, ends)."""
    from flask import session
    from flask_login import login_user

    old = session.get(SESSION_KEY)
    if old:
        store().end(old)
    session.clear()  # nothing from before the login survives it (session fixation)
    token = store().create(user.id)
    login_user(user)
    session[SESSION_KEY] = token


def end_current() -> None:
    from flask import session
    from flask_login import logout_user

    token = session.get(SESSION_KEY)
    if token:
        store().end(token)
    logout_user()
    session.clear()


def end_all(user_id: int) -> None:
    """End every session of a user (the caller commits, for the database store)."""
    store().end_all(user_id)


def current_user_id() -> Optional[int]:
    """The user id of this request's live session, or None."""
    from flask import session

    token = session.get(SESSION_KEY)
    if not token or not isinstance(token, str):
        return None
    return store().check(token)


def now_epoch() -> float:
    """The auth clock as Unix seconds (the clock is naive UTC: never let the machine's zone in)."""
    return _epoch(now())
