"""The public privacy notice at /s/privacy, generated from the disclosure policy.

Nothing on this page is written by hand about who sees what: the rows come
from ``surveys.disclosure.notice()``, the same table every page and export
asks, so the promise and the behaviour cannot drift apart.
"""
from __future__ import annotations

from flask import render_template

from surveys import disclosure

from .blueprint import bp


@bp.get("/s/privacy")
def privacy_notice():
    return render_template("survey_site/privacy.html", notice=disclosure.notice(),
                           runs={a: disclosure.VIEWERS[v] for a, v in disclosure.RUNS_LINK.items()},
                           audiences=disclosure.AUDIENCES)
