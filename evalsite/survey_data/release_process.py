"""``flask survey-releaser``: a process of its own that makes the survey releases the web processes ask for.

With Redis, a web process's releaser thread (``releaser.py``) adds the groups whose batches may be
complete to one Redis set (``PENDING``) instead of counting their answers itself; this process takes
them from the set every quarter of a second and releases each (``releases.release_now``:
its own transaction, serialised per group). It keeps a heartbeat key (``ALIVE``, a few seconds'
lifetime) so that the web processes release by themselves whenever it is not running. Two of them
at once are harmless: a group is taken by one (SPOP), and releases of a group wait for each other.

The set holds only (campaign, enterprise, questionnaire) ids, never an answer or a time.
"""
from __future__ import annotations

import logging
import os
import signal
import time

log = logging.getLogger(__name__)
PENDING = "survey:releases:pending"
ALIVE = "survey:releases:alive"
TAKE = 500  # groups taken at once
POLL = 0.25  # seconds between two takes: small releases often keep the database's load smooth
NICENESS = 10  # below the web processes: under load a release waits and grows, an answer never waits for one


_CLIENTS: dict = {}


def _client(url: str):
    """One client (and its connection pool) per Redis URL and process."""
    import redis

    client = _CLIENTS.get(url)
    if client is None:
        client = _CLIENTS[url] = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    return client


def _encode(group) -> str:
    campaign_id, enterprise_id, audience = group
    return f"{int(campaign_id)}:{int(enterprise_id)}:{audience}"


def _decode(value: bytes):
    campaign_id, enterprise_id, audience = value.decode().split(":", 2)
    return int(campaign_id), int(enterprise_id), audience


def hand_over(url: str | None, groups) -> bool:
    """Add the groups to the release process's set if one is running; False when the caller must release."""
    if not url:
        return False
    try:
        client = _client(url)
        if not client.exists(ALIVE):
            return False
        client.sadd(PENDING, *sorted(_encode(g) for g in groups))
        return True
    except Exception:  # noqa: BLE001 - Redis unavailable: the caller releases them itself
        log.warning("survey releases: Redis unavailable, releasing in the web process")
        return False


def _round(app, client) -> int:
    """Renew the heartbeat, then release every group asked for since the last round."""
    client.set(ALIVE, "1", ex=5)
    return _release_pending(app, client)


def _release_pending(app, client) -> int:
    from . import releases

    made = 0
    for value in client.spop(PENDING, TAKE) or []:
        try:
            with app.app_context():
                made += releases.release_now(*_decode(value))
        except Exception as exc:  # noqa: BLE001 - those answers wait for the next ask or page
            log.warning("survey release failed (%s)", type(exc).__name__)
    return made


def run(app, once: bool = False) -> int:
    """Release what the web processes ask for until stopped (SIGTERM, SIGINT); ``once``: one round (tests)."""
    url = app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError("flask survey-releaser needs REDIS_URL: without Redis the web processes release themselves")
    client = _client(url)
    if not once:
        os.nice(NICENESS)  # the answers come first: releases take the CPU the web processes leave
    stopping = []
    if not once:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
    made = 0
    while not stopping:
        try:
            made += _round(app, client)
        except Exception as exc:  # noqa: BLE001 - Redis away for a moment: the web processes release meanwhile
            log.warning("survey releaser: Redis unavailable (%s), trying again", type(exc).__name__)
            if once:
                raise
        if once:
            return made
        time.sleep(POLL)
    try:
        client.delete(ALIVE)  # from now on the web processes release by themselves
        made += _release_pending(app, client)  # what was asked before they knew
    except Exception as exc:  # noqa: BLE001 - Redis gone: those answers wait for the next ask or page
        log.warning("survey releaser: could not finish (%s)", type(exc).__name__)
    return made
