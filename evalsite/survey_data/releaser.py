"""Releases paced by the answers, made off the request: one thread per process, a short delay, coalesced.

The answer that paces its group's next release (``submit.Recorded.paces_release``) only asks for it
here. A daemon thread of the process waits ``SURVEY_RELEASE_DELAY`` seconds (1 by default), then
releases every group asked for meanwhile, one release each with all the answers waiting by then. So a
quiet enterprise sees its figures about a second after the fifth answer, and a factory whose workers
answer by the hundred a minute gets one release a second with larger batches, instead of one per
five answers: the worker that serves the survey never waits for a release, and the releases cost
the batch, not the answer. Batches only grow, so "at least ``release_step`` new answers per
release" (``surveys.disclosure.release_due``) holds as before; two processes releasing one group at
once are serialised by ``releases.release`` itself.

With Redis (``REDIS_URL``) and a release process running (``flask survey-releaser``, see
``release_process.py``), the thread only hands the groups over (one SADD a second at most), so the
counting never holds the web process's interpreter while it serves answers; without that process
(its heartbeat key missing) the thread releases them itself, so figures never wait for a process
nobody started.

``SURVEY_RELEASE_DELAY`` unset (None, the tests) releases inline once the reply is sent, as before.
A process that stops releases what it was asked for before it exits (``atexit``); a process killed
outright leaves those answers for the next paced answer or the next page that shows the figures
(``releases.refresh``).
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)
Group = tuple  # (campaign_id, enterprise_id, audience)


class Releaser:
    """The pending groups of one process and the thread that releases them."""

    def __init__(self, app: Flask, delay: float):
        self.app = app._get_current_object() if hasattr(app, "_get_current_object") else app  # not the proxy
        self.delay = delay
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._pending: set[Group] = set()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        atexit.register(self.drain)

    def ask(self, group: Group) -> None:
        """Release this group soon (several asks before the thread wakes make one release)."""
        with self._lock:
            self._pending.add(group)
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()  # forked after the thread started (gunicorn --preload): a thread of its own
                self._thread = threading.Thread(target=self._run, name="survey-releaser", daemon=True)
                self._thread.start()
        self._wake.set()

    def _take(self) -> set[Group]:
        with self._lock:
            groups, self._pending = self._pending, set()
            self._wake.clear()
        return groups

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.delay)  # let the asks of the next second gather into one release
            self.release(self._take())

    def drain(self) -> int:
        """Release what is pending now (at exit, and for tests); returns how many releases were made."""
        return self.release(self._take())

    def release(self, groups: set[Group]) -> int:
        """Hand the groups to the release process when one runs, else release them here; releases made here."""
        from . import release_process, releases  # noqa: PLC0415 - neither imports this module; lazy for start-up

        if groups and release_process.hand_over(self.app.config.get("REDIS_URL"), groups):
            return 0
        made = 0
        for campaign_id, enterprise_id, audience in sorted(groups):
            try:
                with self.app.app_context():
                    made += releases.release_now(campaign_id, enterprise_id, audience)
            except Exception as exc:  # noqa: BLE001 - the answers stay waiting; the next ask or page releases them
                log.warning("survey release in the background failed (%s)", type(exc).__name__)
        return made


def releaser(app: Flask) -> Releaser | None:
    """This app's releaser, or None when releases are made inline (``SURVEY_RELEASE_DELAY`` unset)."""
    delay = app.config.get("SURVEY_RELEASE_DELAY")
    if delay is None:
        return None
    found = app.extensions.get("survey_releaser")
    if found is None:
        found = app.extensions["survey_releaser"] = Releaser(app, float(delay))
    return found
