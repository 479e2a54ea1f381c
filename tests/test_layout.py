"""The domain packages stay pure: no web, database, forms or PDF imports."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"flask", "flask_wtf", "flask_login", "flask_limiter", "sqlalchemy", "wtforms", "reportlab", "evalsite",
             "werkzeug", "jinja2", "psycopg", "openpyxl"}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


@pytest.mark.parametrize("package", ["surveys", "scoring"])
def test_domain_package_imports_no_web_db_or_pdf(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offenders = [f"{p.relative_to(ROOT)}:{line} imports {name}" for p in files for line, name in _imports(p)
                 if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_forbidden_import_is_detected(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom flask import Flask\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert [name for _, name in _imports(bad)] == ["os", "flask", "sqlalchemy.orm"]
