"""The baseline for bench_submit.py: a bare Flask app inserting one row per POST."""
from __future__ import annotations

import datetime as dt
import os

from flask import Flask, request
from sqlalchemy import text

from evalsite.db import make_engine, writing

app = Flask(__name__)
engine = make_engine(os.environ["DATABASE_URL"])


@app.get("/")
def health():
    return "ok"


@app.post("/")
def insert():
    with writing(), engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_bare (k, body, day) VALUES (:k, :b, :d)"),
                     {"k": request.form["_key"], "b": request.form.get("W18", ""), "d": dt.date.today()})
    return "ok"
