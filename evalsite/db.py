"""Database engine, sessions and the declarative base.

One engine per app (kept in ``app.extensions``), one session per app
context.  SQLite gets WAL, a busy timeout and ``BEGIN IMMEDIATE`` for write
transactions so several gunicorn workers do not fail with "database is
locked"; read-only requests keep plain deferred transactions.
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


T = TypeVar("T")
_write_mode: contextvars.ContextVar[bool] = contextvars.ContextVar("evalsite_write_mode", default=False)
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def normalise_url(url: str) -> str:
    """Accept the usual PostgreSQL URL spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str, **kwargs) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # let us emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if is_write() else "BEGIN")


def insert_or_reread(session: Session, row: T, stmt) -> T:
    """Insert ``row``, or return the twin another transaction inserted since ``stmt`` found none.

    For get-or-create behind a unique constraint: two first visits at once both miss the row and
    both insert, and the constraint refuses the second. The insert runs in a SAVEPOINT, so that
    refusal undoes only the insert, never the caller's earlier work, and the row is read again.
    """
    session.flush()  # the caller's own pending work, outside the savepoint: its errors stay its own
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = session.scalar(stmt)
        if found is None:  # refused for another reason: not a lost race
            raise
        return found
    return row


def is_write() -> bool:
    """A write transaction: inside ``writing()``, or serving a request that is not GET/HEAD/OPTIONS.

    Read from the request itself rather than set per request, so nothing can
    leak into the next request when a streamed response is never closed.
    """
    return _write_mode.get() or (has_request_context() and request.method not in READ_METHODS)


@contextlib.contextmanager
def writing():
    """Mark the transactions opened inside as writes (BEGIN IMMEDIATE on SQLite)."""
    token = _write_mode.set(True)
    try:
        yield
    finally:
        _write_mode.reset(token)


@dataclass
class _State:
    engine: Engine
    factory: sessionmaker
    autocommit: Engine | None = None  # PostgreSQL: the survey's lone INSERTs (``Database.autocommit_engine``)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.autocommit is not None:
            self.autocommit.dispose()


class Database:
    """Access to the current app's engine and the app-context session."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["evalsite_db"] = _State(engine, sessionmaker(bind=engine, expire_on_commit=False,
                                                                       info={"app": app}))  # storage.storage_for

        @app.teardown_appcontext
        def _close(_exc):
            session = g.pop("_db_session", None)
            if session is not None:
                session.close()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["evalsite_db"].engine

    @property
    def session(self) -> Session:
        if "_db_session" not in g:
            g._db_session = current_app.extensions["evalsite_db"].factory()
        return g._db_session

    def autocommit_engine(self) -> Engine | None:
        """PostgreSQL only: a small pool in autocommit without the pre-ping, for the survey's one-statement answers.

        The pre-ping is a round trip per checkout, as dear as the INSERT it guards; on this pool a dead
        connection is met instead (``connection_invalidated``) and the statement is tried once more on a
        fresh one (``survey_data.submit``), the "optimistic" disconnect handling of SQLAlchemy's docs.
        """
        state = current_app.extensions["evalsite_db"]
        if state.autocommit is None and state.engine.dialect.name == "postgresql":
            state.autocommit = create_engine(state.engine.url, isolation_level="AUTOCOMMIT", pool_size=2,
                                             max_overflow=8)
        return state.autocommit

    def new_session(self) -> Session:
        """A session independent of the request (threads, batch jobs)."""
        return current_app.extensions["evalsite_db"].factory()


db = Database()
