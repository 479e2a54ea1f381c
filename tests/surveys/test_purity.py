"""The surveys package stays pure: no web, database or PDF imports (DESIGN.md)."""
import ast
from pathlib import Path

import surveys

FORBIDDEN = {"flask", "flask_wtf", "flask_login", "sqlalchemy", "alembic", "wtforms",
             "reportlab", "evalsite", "werkzeug"}


def test_no_forbidden_imports():
    root = Path(surveys.__file__).parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            offenders += [(path.name, n) for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_modules_stay_small():
    root = Path(surveys.__file__).parent
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in root.rglob("*.py")}
    assert max(sizes.values()) < 400, sizes
