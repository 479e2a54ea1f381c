"""The differencing attack, as every role: one new answer changes nothing but the response counter.

Snapshot every page and export that shows survey data, add one answer with
distinctive content, snapshot again: apart from the response counters
(``class="counter"``) and form tokens, every page and file is identical, and
the distinctive content appears nowhere. Four more answers make a release of
5: the new figures appear.
"""
from __future__ import annotations

import random
import re

import pytest

from surveys import default_definition
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_survey_aggregates import add as add_random
from tests.evalsite.test_survey_disclosure import client_for
from tests.evalsite.test_survey_results import add as add_fixed

SECRET = "只有我一个人会写的这句意见：三号车间的排班表有问题"
ODD = {"W01": ["E"], "W02": ["A"], "W03": ["D"], "W04": ["C"], "W14": ["1"], "W16": ["E"], "W18": [SECRET]}
COUNTER = re.compile(r'<(span|strong) class="counter">.*?</\1>', re.S)
TOKEN = re.compile(r'name="csrf_token" (type="hidden" )?value="[^"]*"|value="[^"]*" name="csrf_token"')


def urls(world):
    a, a2 = world.ent_a.id, world.ent_a2.id
    pages = [f"/surveys/enterprises/{a}", f"/surveys/enterprises/{a2}", "/surveys/", "/assessments/self/E",
             "/surveys/export.csv?audience=worker", f"/surveys/export.csv?audience=worker&enterprise={a}",
             "/surveys/export.csv?audience=employer", "/surveys/export.xlsx", "/surveys/export.sav?audience=worker",
             "/surveys/export.dta?audience=worker", f"/surveys/export.sav?audience=employer&enterprise={a}"]
    return pages


ROLES = ("ent_a_mgmt", "ent_a_union", "evaluator", "district_a", "district_b", "city")


def snapshot(app, world):
    """role → url → (status, normalised body) of every survey page/export the role may open."""
    out = {}
    for role in ROLES:
        client = client_for(app, world.users()[role])
        for url in urls(world):
            resp = client.get(url)
            if resp.status_code != 200:
                out[(role, url)] = (resp.status_code, "")
                continue
            if url.endswith(".xlsx"):
                body = xlsx_text(resp.data)
            elif ".sav" in url or ".dta" in url:
                body = statistics_text(resp.data, "sav" if ".sav" in url else "dta")
            else:
                body = resp.get_data(as_text=True)
            out[(role, url)] = (200, body)
    return out


def xlsx_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(f"{ws.title}:" + "|".join("" if v is None else str(v) for row in ws.iter_rows(values_only=True)
                                              for v in row) for ws in wb.worksheets)


def statistics_text(data: bytes, kind: str) -> str:
    """The values and labels of an SPSS/Stata file (its header holds the time it was written)."""
    from tests.evalsite.test_survey_exports import read_statistics

    frame, meta = read_statistics(data, kind)
    return frame.to_csv() + repr(meta.column_labels) + repr(sorted(meta.variable_value_labels.items()))


def normalised(body: str) -> str:
    return TOKEN.sub("", COUNTER.sub("", body))


@pytest.fixture
def answered(app, session, world):
    make_links(app, session, world)
    campaign = world.campaign
    rng = random.Random(5)
    for ent, n in ((world.ent_a, 32), (world.ent_a2, 18), (world.ent_b, 14)):
        add_random(session, campaign, ent, default_definition("worker"), n, rng)
        add_random(session, campaign, ent, default_definition("employer"), 11, rng)
    return rng


def test_one_answer_changes_nothing_but_the_counter_and_five_make_a_release(app, session, world, answered):
    before = snapshot(app, world)
    shown = {key for key, (status, _) in before.items() if status == 200}
    assert len(shown) >= 20  # every role sees something: a test of nothing would pass too
    assert {role for role, _ in shown} == set(ROLES)
    add_fixed(session, world, world.ent_a, 1, **ODD)
    after = snapshot(app, world)
    for key in before:
        assert before[key][0] == after[key][0], key
        assert normalised(before[key][1]) == normalised(after[key][1]), key
        assert SECRET not in after[key][1], key
    def counter(body):
        return [m.group(0) for m in COUNTER.finditer(body)]

    counters = [key for key in shown if counter(before[key][1]) != counter(after[key][1])]
    assert counters  # the response counter did move

    add_fixed(session, world, world.ent_a, 4, **ODD)
    released = snapshot(app, world)
    moved = {key for key in shown if normalised(before[key][1]) != normalised(released[key][1])}
    page = f"/surveys/enterprises/{world.ent_a.id}"
    for role in ("ent_a_mgmt", "ent_a_union", "evaluator", "district_a", "city"):
        assert (role, page) in moved, role
        assert "第2批" in released[(role, page)][1]
    assert ("city", "/surveys/") in moved and ("district_a", "/surveys/") in moved
    assert ("district_b", "/surveys/") not in moved  # enterprise A is not in district B's totals
    assert SECRET not in released[("ent_a_mgmt", page)][1]  # management never sees free text
