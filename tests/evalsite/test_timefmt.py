"""Beijing time: stored UTC, shown and reckoned in the configured zone (issue 10 item 6)."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from evalsite import create_app, timefmt
from evalsite.models.base import utcnow

ROOT = Path(__file__).resolve().parents[2]


def test_format_datetime_converts_stored_utc_to_beijing_time_24_hour():
    # 10:05 UTC on 1 December is 18:05 in Beijing
    assert timefmt.format_datetime(dt.datetime(2026, 12, 1, 10, 5)) == "2026年12月1日 18:05"
    # past 16:00 UTC is already the next day in Beijing
    assert timefmt.format_datetime(dt.datetime(2026, 12, 31, 16, 30)) == "2027年1月1日 00:30"
    aware = dt.datetime(2026, 12, 1, 10, 5, tzinfo=dt.timezone.utc)
    assert timefmt.format_datetime(aware) == "2026年12月1日 18:05"


def test_format_date_never_shifts_a_calendar_date_and_localises_instants():
    assert timefmt.format_date(dt.date(2026, 12, 8)) == "2026年12月8日"
    assert timefmt.format_date(dt.datetime(2026, 12, 7, 17, 0)) == "2026年12月8日"
    assert timefmt.format_date(None) == "" and timefmt.format_date(None, "—") == "—"
    assert timefmt.format_datetime(dt.date(2026, 12, 8)) == "2026年12月8日"


def test_other_zone_from_the_setting(app_config):
    app = create_app({**app_config, "TIMEZONE": "Europe/Berlin"})
    with app.app_context():
        assert timefmt.format_datetime(dt.datetime(2026, 7, 1, 10, 5)) == "2026年7月1日 12:05"
        assert timefmt.to_local(dt.datetime(2026, 7, 1, 10, 5)).utcoffset() == dt.timedelta(hours=2)
    app.extensions["evalsite_db"].engine.dispose()


def test_unknown_zone_refuses_to_start(app_config):
    with pytest.raises(timefmt.TimezoneError, match="TIMEZONE"):
        create_app({**app_config, "TIMEZONE": "Mars/Olympus"})


def test_local_today_follows_the_zone_not_the_server(monkeypatch):
    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.timezone.utc).astimezone(tz)

    monkeypatch.setattr(timefmt.dt, "datetime", Frozen)
    # 17:30 UTC on 1 December is 01:30 on 2 December in Beijing
    assert timefmt.local_today() == dt.date(2026, 12, 2)
    assert timefmt.local_now().hour == 1


def test_local_today_honours_the_fixed_test_day(app):
    app.config["TODAY"] = dt.date(2021, 5, 10)
    with app.app_context():
        assert timefmt.local_today() == dt.date(2021, 5, 10)


def test_templates_filters_and_last_login_shown_in_beijing_time(app, world, session, login_as):
    assert {"datetime_zh", "date_zh"} <= set(app.jinja_env.filters)
    world.district_a.last_login_at = dt.datetime(2026, 12, 1, 10, 5)
    session.commit()
    html = login_as(world.city).get("/users").get_data(as_text=True)
    assert "2026年12月1日 18:05" in html
    assert "2026-12-01 10:05" not in html


def test_stored_instants_are_utc():
    now = utcnow()
    assert now.tzinfo is None
    assert abs(dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - now) < dt.timedelta(seconds=5)


def test_no_code_asks_the_server_clock_for_today():
    """"Today" comes from timefmt.local_today() (the configured zone), never the server's local date."""
    offenders = []
    pattern = re.compile(r"\bdate\.today\(\)|datetime\.now\(\)|datetime\.today\(\)|utcnow\(\)\.date\(\)")
    for path in (ROOT / "evalsite").rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
