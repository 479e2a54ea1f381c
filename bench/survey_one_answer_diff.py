"""Before/after one answer on the demo, as qiye1_qy (management side): the enterprise survey page, diffed.

Run against a demo served on port 5088 (fresh SQLite: ``flask db upgrade``, ``flask seed-demo``,
``flask run -p 5088``, all with ``EVALSITE_ENV=development DATABASE_URL=sqlite:////tmp/demo.db``):

    PYTHONPATH=. DEMO_DB=/tmp/demo.db .venv/bin/python bench/survey_one_answer_diff.py

It answers once through the public link of enterprise 7's worker questionnaire and prints the diff:
only the response counters move (unless that answer completes a batch of 5: then the next release
appears, which is the point of releases). The distinctive comment is nowhere.
"""
import difflib
import os
import re
import sqlite3
import time

import requests

from tests.evalsite.survey_support import WORKER_ANSWERS, hidden_fields, last_section
BASE = "http://127.0.0.1:5088"

def page(user):
    s = requests.Session()
    html = s.get(BASE + "/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    s.post(BASE + "/login", data={"csrf_token": token, "username": user, "password": "Demo-2021-weihai!"})
    text = s.get(BASE + "/surveys/enterprises/7?campaign=1").text
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", text)

token = sqlite3.connect(os.environ.get("DEMO_DB", "instance/evalsite.db")).execute(
    "select token from survey_link where enterprise_id=7 and audience='worker' and status='open'").fetchone()[0]
before = page("qiye1_qy")
phone = requests.Session()
fields = hidden_fields(phone.get(f"{BASE}/s/{token}?again=1").text)
odd = {**WORKER_ANSWERS, "W01": ["E"], "W14": ["1"], "W18": ["只有我一个人会写的这句意见"]}
r = phone.post(f"{BASE}/s/{token}", data={**fields, "_sec": str(last_section()), "_nav": "next", **odd})
print("answer:", r.status_code, "提交成功" in r.text)
time.sleep(1)
after = page("qiye1_qy")
print("\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=0)))
print("secret anywhere:", "只有我一个人会写的这句意见" in after)
