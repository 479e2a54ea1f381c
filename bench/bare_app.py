"""The baseline for bench_submit.py: a bare Flask app inserting the survey's row and nothing else.

Same table (``submission``), same columns (campaign, enterprise, audience, definition hash, submission key,
answers as JSON, the day), one short transaction per POST, and the same 303 to the thank-you page: no
link look-up, no CSRF, no validation, no limits, no draft cookie. The link is read once at start-up from
``BENCH_TOKEN``. Whatever the survey costs beyond this is the price of its checks.
"""
from __future__ import annotations

import datetime as dt
import os

from flask import Flask, redirect, request
from sqlalchemy import insert, select

from evalsite.db import make_engine, writing
from evalsite.models import Campaign, Submission, SurveyLink

app = Flask(__name__)
engine = make_engine(os.environ["DATABASE_URL"])
TOKEN = os.environ["BENCH_TOKEN"]
with engine.connect() as _conn:
    _link = _conn.execute(select(SurveyLink.campaign_id, SurveyLink.enterprise_id, SurveyLink.audience,
                                 Campaign.worker_definition_hash)
                          .join(Campaign, Campaign.id == SurveyLink.campaign_id)
                          .where(SurveyLink.token == TOKEN)).one()
FIXED = {"campaign_id": _link[0], "enterprise_id": _link[1], "audience": _link[2], "definition_hash": _link[3]}
INSERT = insert(Submission.__table__).inline()


@app.get("/healthz")
def health():
    return "ok"


@app.post(f"/s/{TOKEN}")
def insert_one():
    form = request.form
    answers = {code: values if len(values) > 1 else values[0]
               for code, values in form.lists() if not code.startswith("_") and code != "csrf_token"}
    with writing(), engine.begin() as conn:
        conn.execute(INSERT, {**FIXED, "submission_key": form["_key"], "answers": answers,
                              "submitted_on": dt.date.today()})
    return redirect(f"/s/{TOKEN}/thanks", 303)
