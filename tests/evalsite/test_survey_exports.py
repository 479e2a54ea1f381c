"""Row-level exports: de-identified, k-anonymous in every format, published answers only, audited."""
from __future__ import annotations

import csv
import io
import os
import random
import tempfile

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from evalsite.models import AuditEntry
from surveys import default_definition
from surveys.deidentify import background_questions, is_k_anonymous
from tests.evalsite.survey_support import make_links
from tests.evalsite.test_survey_aggregates import add as add_random
from tests.evalsite.test_survey_results import add


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def read_statistics(data: bytes, kind: str):
    fd, path = tempfile.mkstemp(suffix="." + kind)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    try:
        return (pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta)(path)
    finally:
        os.unlink(path)


def background_labels(audience):
    return [f"{q.code} {q.text}" for q in background_questions(default_definition(audience))]


def background_names(audience):
    return [q.code for q in background_questions(default_definition(audience))]


def key_columns(header, audience):
    """Indexes of the background columns (a multiple-choice one is several 0/1 columns)."""
    labels = background_labels(audience)
    keys = [i for i, h in enumerate(header) if any(h == lb or str(h).startswith(lb + "：") for lb in labels)]
    assert len(keys) >= len(labels)  # the check looks at every background answer
    return keys


@pytest.fixture
def varied(app, session, world, factory):
    """Realistic random answers: most combinations of background answers are unique before de-identification."""
    make_links(app, session, world)
    rng = random.Random(9)
    for ent, workers, employers in ((world.ent_a, 37, 12), (world.ent_a2, 23, 6), (world.ent_b, 4, 3)):
        add_random(session, world.campaign, ent, default_definition("worker"), workers, rng)
        add_random(session, world.campaign, ent, default_definition("employer"), employers, rng)


def test_every_row_level_export_is_k_anonymous(app, login_as, session, world, varied):
    """The k-anonymity check on every format, both questionnaires: within each enterprise, >= 5 per combination."""
    client = login_as(world.city)
    for audience in ("worker", "employer"):
        rows = read_csv(client.get(f"/surveys/export.csv?audience={audience}").data)
        keys = key_columns(rows[0], audience)
        assert rows[0][0] == "企业" and len(rows) > 1
        assert is_k_anonymous(rows[1:], 0, keys, 5)
        assert world.ent_b.name not in {r[0] for r in rows[1:]}  # 4 workers, 3 managers: left out
        for kind in ("sav", "dta"):
            resp = client.get(f"/surveys/export.{kind}?audience={audience}")
            assert resp.status_code == 200
            frame, meta = read_statistics(resp.data, kind)
            assert list(frame.columns)[0] == "enterprise" and meta.column_labels[0] == "企业"
            assert meta.variable_value_labels  # value labels for the researchers
            columns = list(frame.columns)
            names = [n for n in columns if n.split("_")[0] in background_names(audience)]
            assert len(names) >= len(background_names(audience))
            values = frame.fillna(-1).values.tolist()
            assert is_k_anonymous(values, 0, [columns.index(n) for n in names], 5)
            assert len(values) == len(rows) - 1
    wb = load_workbook(io.BytesIO(client.get("/surveys/export.xlsx").data))
    for audience, sheet in (("worker", "职工问卷"), ("employer", "企业方问卷")):
        rows = [list(r) for r in wb[sheet].values]
        assert is_k_anonymous(rows[1:], 0, key_columns(rows[0], audience), 5)


def test_exports_hold_no_date_no_id_and_only_published_answers(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 6, W18=["+1+1"])
    client = login_as(world.city)
    rows = read_csv(client.get("/surveys/export.csv?audience=worker").data)
    assert len(rows) == 7
    assert not any(word in cell for cell in rows[0] for word in ("日期", "编号", "版本", "信用代码"))
    assert "2021-04-01" not in client.get("/surveys/export.csv?audience=worker").get_data(as_text=True)
    add(session, world, world.ent_a, 3)  # not yet a release: the file does not move
    assert len(read_csv(client.get("/surveys/export.csv?audience=worker").data)) == 7
    add(session, world, world.ent_a, 2)
    assert len(read_csv(client.get("/surveys/export.csv?audience=worker").data)) == 12


def test_free_text_on_its_own_sheet_formula_safe_and_scoped(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 11, W18=["+1+1"])
    add(session, world, world.ent_b, 11, W18=["B的意见"])
    add(session, world, world.ent_a, 5, audience="employer", E11=["@SUM(A1)"])
    resp = login_as(world.district_a).get("/surveys/export.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    assert wb.sheetnames == ["说明", "职工问卷", "职工问卷意见原文", "企业方问卷", "企业方问卷意见原文"]
    rows = list(wb["职工问卷"].values)
    assert len(rows) == 12 and {r[0] for r in rows[1:]} == {world.ent_a.name}
    assert not any("W18" in str(h) for h in rows[0])  # no free text beside the answers
    texts = list(wb["职工问卷意见原文"].values)
    assert texts[0] == ("企业", "题目", "意见原文") and len(texts) == 12 and texts[1][2] == "'+1+1"
    assert len(list(wb["企业方问卷意见原文"].values)) == 1  # 5 managers: below 10, no free text
    assert "去标识化" in wb["说明"]["A1"].value


def test_each_download_is_audited_and_a_refusal_writes_nothing(app, login_as, session, world):
    make_links(app, session, world)
    add(session, world, world.ent_a, 6)
    assert login_as(world.ent_a_mgmt).get("/surveys/export.sav").status_code == 403
    for url in ("/surveys/export.csv?audience=worker", "/surveys/export.xlsx", "/surveys/export.sav",
                f"/surveys/export.dta?audience=employer&enterprise={world.ent_a.id}"):
        assert login_as(world.city).get(url).status_code == 200, url
    session.rollback()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "survey.export")
                              .order_by(AuditEntry.id)).all()
    assert [e.details["format"] for e in entries] == ["csv", "xlsx", "sav", "dta"]
    assert all(e.username == "city" for e in entries)
    assert entries[-1].details == {"format": "dta", "audiences": ["employer"], "enterprise": world.ent_a.id}
    assert "Stata" in entries[-1].summary
