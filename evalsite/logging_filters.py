"""Keep respondents' IP addresses and survey tokens out of every log line, tracebacks included.

``install(app)`` scrubs every record the process creates (a log-record
factory: whichever logger, whichever handler, added before or after), and
also puts ``AnonymisingFilter`` on the loggers that write request lines
(werkzeug, gunicorn's access and error logs), the app's logger and the
handlers present, for records built elsewhere (``logging.makeLogRecord``).
The message, the formatted traceback (``exc_text``) and the stack are
scrubbed: an exception raised while serving ``/s/<token>`` (its message may
quote SQL parameters) is logged without the token.
"""
from __future__ import annotations

import logging
import re
import traceback

# IPv4, full IPv6 (8 groups) or compressed IPv6 (with "::"); a clock time like 06:41:22 is neither
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"
                 r"|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b"
                 r"|(?<![0-9a-f:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![0-9a-f:])",
                 re.I)
_TOKEN_PATH = re.compile(r"/(s|verify)/[A-Za-z0-9_\-]+")
# a survey link token on its own (32 letters and digits, both cases: not a hex digest or a stored name)
_BARE_TOKEN = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9]{32}(?![A-Za-z0-9_\-])")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def _token(match: re.Match) -> str:
    text = match.group(0)
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text)
    return "…" if mixed else text


def scrub(text: str) -> str:
    text = _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/…", text)
    text = _BARE_TOKEN.sub(_token, text)
    return _IP.sub("-", text)


class AnonymisingFilter(logging.Filter):
    """Scrub every record; leave the development server's banner (" * Running on http://127.0.0.1:5000")
    alone, it names the server, not a client."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_anonymised", False):
            return True
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        # werkzeug logs its start-up banner as one record of several lines, the warning first
        lines = message.split("\n")
        record.msg = "\n".join(line if line.startswith(" * ") else scrub(line) for line in lines)
        record.args = ()
        if record.exc_info and record.exc_info[0] is not None:
            if not record.exc_text:
                record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = scrub(record.exc_text)
            record.exc_info = None  # a formatter must print the scrubbed text, not format it again
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        record._anonymised = True
        return True


def _add(target, flt: AnonymisingFilter) -> None:
    if not any(isinstance(f, AnonymisingFilter) for f in target.filters):
        target.addFilter(flt)


def _install_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "anonymising", False):
        return
    scrubber = AnonymisingFilter()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        scrubber.filter(record)
        return record

    factory.anonymising = True
    logging.setLogRecordFactory(factory)


def install(app) -> None:
    """Scrub every record created from now on; filters on the request-line loggers and the handlers."""
    _install_factory()
    flt = AnonymisingFilter()
    loggers = [logging.getLogger(name) for name in LOGGERS] + [app.logger, logging.getLogger()]
    for logger in loggers:
        _add(logger, flt)
        for handler in logger.handlers:
            _add(handler, flt)
    if logging.lastResort is not None:
        _add(logging.lastResort, flt)
