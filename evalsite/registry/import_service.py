"""Registry import against the database: lookups, the parked upload, the one-transaction write.

The uploaded bytes are parked in a server-side temporary file named by a
random token kept in the (signed) session; the confirm step re-reads and
re-checks that file, so nothing the browser sends back is trusted.
"""
from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

from flask import current_app, session
from sqlalchemy import select

from ..audit import record
from ..db import db
from ..models import Enterprise, Industry, ReportingUnit
from .importer import OPTIONAL_FIELDS, Lookups, Preview, check_rows, read_table

SESSION_KEY = "registry_import"
MAX_AGE = 24 * 3600
SNAPSHOT_FIELDS = ("id", "unit_id", "name", "industry_id", "headcount", "unionised", "above_size") + tuple(
    name for name, _ in OPTIONAL_FIELDS.values())


def lookups(allowed_unit_ids: set[int] | None = None) -> Lookups:
    units, names = {}, {}
    for unit in db.session.scalars(select(ReportingUnit)):
        units[unit.name] = units[unit.code] = unit.id
        names[unit.id] = unit.name
    industries = {}
    for ind in db.session.scalars(select(Industry)):
        industries[ind.name] = industries[ind.code] = ind.id
    existing = {e.credit_code: {f: getattr(e, f) for f in SNAPSHOT_FIELDS}
                for e in db.session.scalars(select(Enterprise))}
    return Lookups(units, names, industries, existing, allowed_unit_ids)


def allowed_units_for(user) -> set[int] | None:
    if user is None or user.role == "city_admin":
        return None
    return {user.unit_id} if user.unit_id else set()


def preview(filename: str, data: bytes, user=None) -> Preview:
    """Read and check a file (raises ImportFileError for a file that cannot be read)."""
    _, rows = read_table(filename, data)
    return check_rows(rows, lookups(allowed_units_for(user)))


def write(result: Preview, source: str = "") -> dict:
    """Create or update every good row; the caller commits (one transaction)."""
    if not result.ok:
        raise ValueError("preview has errors")
    for row in result.rows:
        if row.action == "create":
            db.session.add(Enterprise(normally_operating=True, **row.values))
        elif row.action == "update":
            enterprise = db.session.get(Enterprise, row.enterprise_id)
            for key, value in row.values.items():
                setattr(enterprise, key, value)
    db.session.flush()
    counts = result.counts
    changed = [r.values["credit_code"] for r in result.rows if r.action in ("create", "update")]
    record("registry_import", "enterprise", None,
           f"导入企业名录{('（' + source + '）') if source else ''}：新增{counts['created']}，更新{counts['updated']}，"
           f"未变{counts['unchanged']}", {"counts": counts, "codes": changed[:500]})
    return counts


# --- the parked upload --------------------------------------------------------------------------

def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.glob("*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def park(filename: str, data: bytes, user_id: int, confirmable: bool = True) -> str:
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.bin").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps({"filename": filename, "user_id": user_id,
                                                                 "confirmable": confirmable}), encoding="utf-8")
    session[SESSION_KEY] = token
    return token


def parked(user_id: int, for_confirm: bool = False) -> tuple[str, bytes] | None:
    """The file parked by this session for this user, if still there.

    ``for_confirm``: only a file whose preview was clean (a bad file is parked
    just so its corrections sheet can be downloaded).
    """
    token = session.get(SESSION_KEY)
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id or (for_confirm and not meta.get("confirmable", False)):
        return None
    return meta.get("filename", ""), data


def discard() -> None:
    token = session.pop(SESSION_KEY, None)
    if token and token.replace("-", "").replace("_", "").isalnum():
        for suffix in (".bin", ".json"):
            try:
                os.unlink(_folder() / f"{token}{suffix}")
            except OSError:
                pass
