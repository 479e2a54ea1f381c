"""Keep respondents' IP addresses and survey tokens out of the logs."""
from __future__ import annotations

import logging
import re

# IPv4, full IPv6 (8 groups) or compressed IPv6 (with "::"); a clock time like 06:41:22 is neither
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"
                 r"|\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b"
                 r"|(?<![0-9a-f:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![0-9a-f:])",
                 re.I)
_TOKEN_PATH = re.compile(r"/(s|verify)/[A-Za-z0-9_\-]+")


def scrub(text: str) -> str:
    text = _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/…", text)
    return _IP.sub("-", text)


class AnonymisingFilter(logging.Filter):
    """Scrub request lines; leave the server's own messages ("Running on http://127.0.0.1:5000") alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        if " HTTP/" in message or "/s/" in message or "/verify/" in message:
            record.msg = scrub(message)
            record.args = ()
        return True
