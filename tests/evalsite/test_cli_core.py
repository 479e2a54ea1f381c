"""create-admin, the log filter and SQLite write transactions."""
from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from evalsite.db import db, writing
from evalsite.logging_filters import AnonymisingFilter, scrub
from evalsite.models import AuditEntry, User


def test_create_admin_with_options(app, session):
    result = app.test_cli_runner().invoke(args=["create-admin", "--username", "boss", "--password", "Liugongdao-Ferry-Nine"])
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "boss"))
    assert user.role == "city_admin" and user.password_hash.startswith("$argon2")


def test_create_admin_prompts_for_missing_values(app, session):
    result = app.test_cli_runner().invoke(args=["create-admin"], input="boss2\nLiugongdao-Ferry-Nine\nLiugongdao-Ferry-Nine\n")
    assert result.exit_code == 0, result.output
    assert session.scalar(select(User).where(User.username == "boss2")) is not None


def test_create_admin_refuses_weak_password_and_duplicates(app, session):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["create-admin", "--username", "x", "--password", "123"])
    assert weak.exit_code != 0 and "至少需要12个字符" in weak.output
    runner.invoke(args=["create-admin", "--username", "dup", "--password", "Liugongdao-Ferry-Nine"])
    again = runner.invoke(args=["create-admin", "--username", "dup", "--password", "Liugongdao-Ferry-Nine"])
    assert again.exit_code != 0 and "已存在" in again.output


def test_log_filter_removes_addresses_and_tokens():
    line = '203.0.113.9 - - [25/Nov/2026] "GET /s/Abc_123-xyz HTTP/1.1" 200 -'
    cleaned = scrub(line)
    assert "203.0.113.9" not in cleaned and "Abc_123-xyz" not in cleaned
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s %s", ("10.1.2.3", "/s/tok"), None)
    AnonymisingFilter().filter(record)
    assert "10.1.2.3" not in record.getMessage() and "tok" not in record.getMessage()


def test_audit_log_is_append_only(app, session):
    import pytest

    from evalsite.models.audit import AuditLogIsAppendOnly

    entry = AuditEntry(action="x", object_type="y", username="t")
    session.add(entry)
    session.commit()
    entry.action = "changed"
    with pytest.raises(AuditLogIsAppendOnly):
        session.commit()
    session.rollback()
    session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        session.commit()


def test_concurrent_writers_do_not_fail(app):
    """Several threads writing at once: no 'database is locked' (BEGIN IMMEDIATE + busy timeout on SQLite)."""
    errors = []

    def work(i):
        try:
            with app.app_context(), writing():
                for j in range(10):
                    db.session.add(AuditEntry(action="t", object_type="thread", object_id=f"{i}-{j}", username="t"))
                    db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "thread")).all()) == 80


def test_log_filter_keeps_clock_times_and_removes_ipv6():
    cleaned = scrub('::1 - - [25/Nov/2026 06:41:22] "GET / HTTP/1.1" 200 -')
    assert "06:41:22" in cleaned and "::1" not in cleaned
    assert "fe80" not in scrub("fe80::1ff:fe23:4567:890a said hello")
    assert "8a2e" not in scrub("2001:0db8:85a3:0000:0000:8a2e:0370:7334")


def test_log_filter_leaves_the_startup_banner_alone():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, " * Running on %s", ("http://127.0.0.1:5000",),
                               None)
    AnonymisingFilter().filter(record)
    assert record.getMessage() == " * Running on http://127.0.0.1:5000"


def test_log_filter_leaves_the_banner_alone_when_werkzeug_sends_it_as_one_record_of_several_lines():
    banner = ("WARNING: This is a development server.\n * Running on http://127.0.0.1:5000\n"
              "Press CTRL+C to quit\n127.0.0.1 - - [01/Dec/2026 12:00:00] \"GET /s/AbCdEfGhIjKlMnOpQrStUvWxYz012345 HTTP/1.1\"")
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, banner, (), None)
    AnonymisingFilter().filter(record)
    lines = record.getMessage().split("\n")
    assert lines[1] == " * Running on http://127.0.0.1:5000"
    assert "127.0.0.1" not in lines[3] and "AbCdEf" not in lines[3]
