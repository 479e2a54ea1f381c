"""Registry import against the database: lookups, the check of a file, the one-transaction write.

Every function takes the caller's ``session`` and never commits (the pages' steps, with the
parked upload, are ``import_flow``; the command is ``cli.py``).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import Enterprise, Industry, ReportingUnit
from .import_aliases import squash, vocabulary
from .import_cells import NameMatcher, unit_matcher
from .import_preview import Preview
from .import_rows import OPTIONAL_FIELDS, Lookups, check_rows
from .importer import REGISTRY, read_sheet

SNAPSHOT_FIELDS = ("id", "unit_id", "name", "industry_id", "headcount", "unionised", "above_size") + tuple(
    name for name, _ in OPTIONAL_FIELDS.values())


def unit_lookup(session: Session):
    """(matcher of the units an enterprise may be filed under, id -> name, the city's names)."""
    vocab = vocabulary()
    units = session.scalars(select(ReportingUnit).order_by(ReportingUnit.sort_order, ReportingUnit.id)).all()
    filed = [u for u in units if u.kind != "city"]
    matcher = unit_matcher(vocab, {u.name: u.id for u in filed}, {u.code: u.id for u in filed})
    city = vocab.city_names | {squash(u.name) for u in units if u.kind == "city"}
    return matcher, {u.id: u.name for u in filed}, frozenset(city)


def industry_lookup(session: Session) -> tuple[NameMatcher, dict[int, str]]:
    industries = session.scalars(select(Industry).order_by(Industry.id)).all()
    matcher = NameMatcher("行业", {i.name: i.id for i in industries}, vocabulary().industries,
                          {i.code: i.id for i in industries})
    return matcher, {i.id: i.name for i in industries}


def lookups(session: Session, allowed_unit_ids: set[int] | None = None) -> Lookups:
    units, unit_names, city = unit_lookup(session)
    industries, industry_names = industry_lookup(session)
    existing = {e.credit_code: {f: getattr(e, f) for f in SNAPSHOT_FIELDS}
                for e in session.scalars(select(Enterprise))}
    return Lookups(units, unit_names, industries, industry_names, existing, allowed_unit_ids, city, vocabulary())


def allowed_units_for(user) -> set[int] | None:
    if user is None or user.role == "city_admin":
        return None
    return {user.unit_id} if user.unit_id else set()


def preview(session: Session, filename: str, data: bytes, user=None) -> Preview:
    """Read and check a file (raises ImportFileError for a file that cannot be read).

    A rename or move is written only when its credit code is put in the result's ``accepted`` (ticked).
    """
    sheet = read_sheet(filename, data, REGISTRY)
    return check_rows(sheet.rows, lookups(session, allowed_units_for(user)), sheet.warnings)


def write(session: Session, result: Preview, source: str = "") -> dict:
    """Create or update every good row (a rename or move only when ticked); the caller commits."""
    if not result.ok:
        raise ValueError("preview has errors")
    for row in result.to_write:
        if row.action == "create":
            session.add(Enterprise(normally_operating=True, **row.values))
        else:
            enterprise = session.get(Enterprise, row.enterprise_id)
            for key, value in row.values.items():
                setattr(enterprise, key, value)
    session.flush()
    counts = result.counts
    changed = [r.values["credit_code"] for r in result.to_write]
    held = [r.key for r in result.rows if result.held(r)]
    ticked = {r.key: [[c.label, c.old, c.new] for c in r.changes if c.needs_tick]
              for r in result.to_write if r.needs_tick}
    record("registry_import", "enterprise", None,
           f"导入企业名录{('（' + source + '）') if source else ''}：新增{counts['created']}，更新{counts['updated']}，"
           f"未变{counts['unchanged']}" + (f"，未勾选确认而未更新{counts['held']}" if counts["held"] else ""),
           {"counts": counts, "codes": changed[:500], "ticked": ticked, "held": held[:500]})
    return counts
