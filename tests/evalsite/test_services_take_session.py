"""Services take the caller's ``session``: no module of ``evalsite/`` but the request's edges reads ``db.session``.

Views (``views_*.py``), blueprints, command modules (``cli.py``, ``*_cli.py``) and package
``__init__`` files run a request or a command and pass ``db.session`` on; every other module takes a
``session`` argument (docs/conventions.md, Transactions). The few request-level helpers below read the
signed-in user or the request itself and use the request's session by design; each says so in its
module docstring. A module listed here that no longer reads ``db.session`` must leave the list.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "evalsite"

REQUEST_LEVEL = {
    "access.py": "role and enterprise-scope checks of the signed-in user (current_user), called by views",
    "audit.py": "record() puts the entry into the request's session, so it commits or rolls back with the change",
    "auth/mfa.py": "the pending login between password and code lives in the browser's session",
    "auth/sessions.py": "the session store checked on every request before any view runs",
    "batch/execute.py": "a job's entry point: it runs in an app context of its own and owns that session",
    "batch/starting.py": "a view helper (flash, redirect) that commits the job row before it is dispatched",
    "campaign_context.py": "campaign_or_404() reads the campaign named by the request",
    "listing.py": "list pages: filter choices and paging run the request's queries",
    "main/inbox.py": "the unread count in the header of every page, for the signed-in user",
    "registry/permissions.py": "the object named in the URL, or 404/403 for the signed-in user",
}


def _edge(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return (name.startswith("views_") or name in ("blueprint.py", "__init__.py")
            or name == "cli.py" or name.endswith("_cli.py"))


def _reads_db_session(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "session"
            and isinstance(node.value, ast.Name) and node.value.id == "db"]


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if not _edge(rel):
            yield rel, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_services_never_read_db_session():
    offenders = {rel: lines for rel, tree in _modules() if rel not in REQUEST_LEVEL
                 for lines in [_reads_db_session(tree)] if lines}
    assert not offenders, ("take a `session: Session` argument instead of reading db.session "
                           f"(module: lines): {offenders}")


def test_request_level_list_is_current_and_documented():
    trees = dict(_modules())
    for rel, reason in REQUEST_LEVEL.items():
        assert reason, rel
        assert rel in trees, f"{rel} is listed but is not a module checked here"
        assert _reads_db_session(trees[rel]), f"{rel} no longer reads db.session: take it off the list"
        doc = ast.get_docstring(trees[rel]) or ""
        assert "db.session" in doc, f"{rel}: its docstring must say why it uses db.session"


def test_the_check_sees_a_db_session_read():
    sample = ast.parse("from .db import db\n\ndef f():\n    return db.session.get(X, 1)\n")
    assert _reads_db_session(sample) == [4]
    assert _reads_db_session(ast.parse("def f(session):\n    return session.get(X, 1)\n")) == []
    assert _edge("registry/views_import.py") and _edge("storage_cli.py") and not _edge("registry/accounts.py")
