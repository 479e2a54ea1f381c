"""One transaction boundary per request: a write request commits once, here, or rolls back.

A request other than GET/HEAD/OPTIONS that answers with a status below 400 (a page, a
download, a redirect after a successful POST) commits the request's session after the view
returned; a 4xx or 5xx answer rolls it back, and so does an exception (the session is closed
at teardown without a commit). So views and services never commit: they add, change and
flush, and either the whole request's work is stored or none of it.

Read requests are never committed: their transaction ends at teardown. The few views that
must commit in steps (the public answer path, survey releases, a login failure that must be
counted while answering 401, ...) call ``db.session.commit()`` themselves with a comment
saying why; ``tests/test_transactions.py`` fails on an uncommented commit in a view.

A view that answers a write request with a page but must not keep anything it did on the way
(a confirmation page shown before the step, a preview) calls :func:`discard`.
"""
from __future__ import annotations

from flask import Flask, Response, g, request

from .db import READ_METHODS

_DISCARD = "_transaction_discard"


def discard() -> None:
    """Roll this request's work back even if it answers with a success status."""
    g._transaction_discard = True


def init_app(app: Flask) -> None:
    @app.after_request
    def _end_transaction(response: Response) -> Response:
        session = g.get("_db_session")
        if session is None or request.method in READ_METHODS or not session.in_transaction():
            return response  # nothing begun, nothing to end (the public answer's own statement, a cached page)
        if response.status_code < 400 and not g.pop(_DISCARD, False):
            session.commit()  # an error here becomes a 500 and the session is rolled back at teardown
        else:
            session.rollback()
        return response
