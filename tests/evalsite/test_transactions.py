"""One transaction boundary per request (evalsite/transaction.py).

A write request that answers below 400 is committed once, after the view; a 4xx/5xx answer or an
exception leaves nothing in the database; views commit only where a comment says why.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import abort, redirect
from sqlalchemy import select

from evalsite import confirm
from evalsite.db import db
from evalsite.models import Assessment, ReportingUnit
from tests.conftest import login

ROOT = Path(__file__).resolve().parents[2] / "evalsite"


def _routes(app):
    """Test-only views that write a reporting unit, then answer in different ways."""
    def write(name):
        db.session.add(ReportingUnit(name=name, code=name, kind="district"))
        db.session.flush()

    def raises():
        write("raises")
        raise RuntimeError("after the write")

    def conflict():
        write("conflict")
        abort(409)

    def rerender():
        write("rerender")
        return "表单有误", 400

    def redirects():
        write("redirects")
        return redirect("/")

    def confirmation():
        write("confirmation")
        return confirm.page("t", title="确认", subject="s", consequences=["c"], action_url="/", button="确认",
                            back_url="/")

    def read_only():
        write("read_only")
        return "ok"

    for view in (raises, conflict, rerender, redirects, confirmation):
        app.add_url_rule(f"/_tx/{view.__name__}", view.__name__, view, methods=["POST"])
    app.add_url_rule("/_tx/read_only", "read_only", read_only, methods=["GET"])


def _stored(session, name) -> bool:
    session.expire_all()
    session.rollback()
    return session.scalar(select(ReportingUnit.id).where(ReportingUnit.code == name)) is not None


def test_a_request_that_raises_after_writing_leaves_nothing(app, client, session):
    _routes(app)
    with pytest.raises(RuntimeError):  # TESTING propagates the exception
        client.post("/_tx/raises")
    assert not _stored(session, "raises")


def test_an_unhandled_error_answers_500_and_leaves_nothing(app, client, session):
    _routes(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    resp = client.post("/_tx/raises")
    assert resp.status_code == 500 and "系统错误" in resp.get_data(as_text=True)
    assert not _stored(session, "raises")


@pytest.mark.parametrize("view, status", [("conflict", 409), ("rerender", 400)])
def test_an_error_answer_saves_nothing(app, client, session, view, status):
    _routes(app)
    assert client.post(f"/_tx/{view}").status_code == status
    assert not _stored(session, view)


def test_a_redirect_after_a_successful_post_commits(app, client, session):
    _routes(app)
    assert client.post("/_tx/redirects").status_code == 302
    assert _stored(session, "redirects")


def test_a_confirmation_page_keeps_nothing_the_request_did(app, client, session):
    _routes(app)
    resp = client.post("/_tx/confirmation")
    assert resp.status_code == 200 and "确认" in resp.get_data(as_text=True)
    assert not _stored(session, "confirmation")


def test_a_read_request_is_never_committed(app, client, session):
    _routes(app)
    assert client.get("/_tx/read_only").status_code == 200
    assert not _stored(session, "read_only")


def test_a_form_rerendered_with_400_saves_nothing(client, world, session):
    """The self-assessment form: a level outside the options re-renders with 400; no assessment is created."""
    login(client, world.ent_a_union)
    resp = client.post("/assessments/self/B", data={"level_B1": "nonsense", "note_B1": "要约书编号2021-01"})
    assert resp.status_code == 400 and "要约书编号2021-01" in resp.get_data(as_text=True)
    session.expire_all()
    session.rollback()
    assert session.scalar(select(Assessment)) is None


# ---------------------------------------------------------------- commits in the code
# modules that commit outside a request, or in a session of their own, and why
COMMITTING_MODULES = {
    "transaction.py": "the one commit of every write request",
    "audit.py": "record_apart: a refusal is audited in a session of its own",
    "auth/sessions.py": "a read request touches its server-side session in a short transaction of its own",
    "cli.py": "commands are not requests",
    "jobs.py": "a batch job (not a request) commits each item with its progress, so an interruption loses nothing",
    "reports/batch.py": "the batch renderer commits each issue (not a request)",
    "batch/cli.py": "commands are not requests",
    "storage_cli.py": "commands are not requests: storage-gc forgets expired job files before deleting them",
    "batch/starting.py": "the job row is committed before a runner (thread, RQ worker) may read it",
    "survey_data/submit.py": "the public answer path commits itself (idempotent insert, the hot path)",
    "survey_data/releases.py": "each release is made in a session of its own",
}


def _commit_lines(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if re.search(r"\.commit\(\)", line):
            yield number, line, lines[number - 2] if number > 1 else ""


def test_views_commit_only_with_a_comment_saying_why():
    bare = []
    for path in sorted(ROOT.rglob("views_*.py")):
        for number, line, before in _commit_lines(path):
            if "#" not in line and not before.strip().startswith("#"):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bare, "commits in views without a comment saying why:\n" + "\n".join(bare)


def test_services_never_commit():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if (path.name.startswith("views_") or rel in COMMITTING_MODULES or rel.startswith("demo/")
                or path.name == "cli.py"):
            continue
        found += [f"{rel}:{n}: {line.strip()}" for n, line, _ in _commit_lines(path)]
    assert not found, "commits outside views and the listed modules:\n" + "\n".join(found)


def test_the_commit_scan_sees_the_commits_that_stay():
    """The scans above are not blind: they find the login failure's commented commit and the hot path's."""
    login_commits = [line for _, line, _ in _commit_lines(ROOT / "auth" / "views_login.py")]
    assert len(login_commits) == 1 and "401" in login_commits[0]
    assert list(_commit_lines(ROOT / "survey_data" / "submit.py"))
