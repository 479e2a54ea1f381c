"""Beijing time: one place that turns stored instants into what people read.

Instants are stored in UTC (naive ``DateTime`` columns holding UTC, see
``models.base.utcnow``). Everything shown to a person, and every "today" used
for a deadline, is reckoned in the configured zone, the ``TIMEZONE`` setting
(default ``Asia/Shanghai``). Dates (``datetime.date``) are calendar days
already and are never shifted.

Formatting is Chinese style, 24-hour: ``2026年12月1日 18:05`` and
``2026年12月1日``. Templates use the filters ``datetime_zh`` and ``date_zh``.
"""
from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"
UTC = dt.timezone.utc


class TimezoneError(ValueError):
    """The TIMEZONE setting names no known zone."""


@lru_cache(maxsize=16)
def zone(name: str | None = None) -> ZoneInfo:
    """The ZoneInfo for ``name`` (or the configured zone); raises TimezoneError."""
    name = name or configured_name()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimezoneError(f"时区设置 TIMEZONE={name!r} 无效，应为 IANA 时区名，如 Asia/Shanghai。") from exc


def configured_name() -> str:
    """The zone name from the app config when there is an app, else the environment."""
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - flask is always installed with evalsite
        has_app_context = lambda: False  # noqa: E731
    if has_app_context():
        name = current_app.config.get("TIMEZONE")
        if name:
            return name
    return os.environ.get("TIMEZONE") or DEFAULT_TIMEZONE


def local_now() -> dt.datetime:
    """Now, as an aware datetime in the configured zone."""
    return dt.datetime.now(UTC).astimezone(zone(configured_name()))


def local_today() -> dt.date:
    """Today's calendar date in the configured zone (deadlines, "overdue").

    ``app.config['TODAY']`` (a date) overrides it, so tests and demos can fix
    the day.
    """
    try:
        from flask import current_app, has_app_context
        if has_app_context() and current_app.config.get("TODAY"):
            return current_app.config["TODAY"]
    except ImportError:  # pragma: no cover
        pass
    return local_now().date()


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    """A stored instant in the configured zone. Naive values are UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone(configured_name()))


def format_date(value: dt.date | dt.datetime | None, empty: str = "") -> str:
    """``2026年12月1日``; a datetime is first turned into local time."""
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def format_datetime(value: dt.datetime | dt.date | None, empty: str = "") -> str:
    """``2026年12月1日 18:05`` in local time (24-hour). A bare date prints as a date."""
    if value is None or value == "":
        return empty
    if not isinstance(value, dt.datetime):
        return format_date(value, empty)
    local = to_local(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_any(value, empty: str = "") -> str:
    """A datetime as date and time, a date as a date (the generic ``date`` filter)."""
    if isinstance(value, dt.datetime):
        return format_datetime(value, empty)
    return format_date(value, empty)


def init_app(app) -> None:
    """Check the TIMEZONE setting at start-up and register the Jinja filters."""
    app.config.setdefault("TIMEZONE", os.environ.get("TIMEZONE") or DEFAULT_TIMEZONE)
    zone(app.config["TIMEZONE"])  # refuse to start with an unknown zone
    app.jinja_env.filters.update(datetime_zh=format_datetime, date_zh=format_date)
