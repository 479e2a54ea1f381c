"""Contracts import against the database: lookups, and the one-transaction write through ``service``.

Every contract goes through ``service.save_contract`` (audited like a typed
contract); the meetings of a row replace the stored ones only when the row
lists some. The pages take the registry import's steps (``import_flow``). Every
function takes the caller's ``session`` and never commits.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import record
from ..models import BargainingMeeting, CollectiveContract, Enterprise, Industry, ReportingUnit
from .forms import ContractForm
from . import service
from .contract_import import CONTRACTS, ContractLookups, check_rows
from .import_cells import credit_code
from .import_preview import Preview
from .import_service import allowed_units_for
from .importer import read_sheet

CHUNK = 500


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def lookups(session: Session, codes: set[str], allowed_unit_ids: set[int] | None = None) -> ContractLookups:
    """The enterprises named in the file and their enterprise contracts (with meetings)."""
    new_form = {i.id for i in session.scalars(select(Industry).where(Industry.is_new_form))}
    enterprises, ids = {}, []
    for chunk in _chunks(sorted(codes)):
        for e in session.scalars(select(Enterprise).where(Enterprise.credit_code.in_(chunk))):
            enterprises[e.credit_code] = {"id": e.id, "name": e.name, "unit_id": e.unit_id, "headcount": e.headcount,
                                          "industry_id": e.industry_id, "new_form": e.industry_id in new_form}
            ids.append(e.id)
    contracts = {}
    for chunk in _chunks(ids):
        stmt = select(CollectiveContract).where(CollectiveContract.enterprise_id.in_(chunk),
                                                CollectiveContract.scope == "enterprise")
        for c in session.scalars(stmt):
            values = {name: getattr(c, name) for name in ContractForm.MODEL_FIELDS}
            values.update(id=c.id, meetings=sorted((m.date, bool(m.online)) for m in c.meetings))
            contracts[(c.enterprise_id, c.title)] = values
    units = {u.id: u.name for u in session.scalars(select(ReportingUnit))}
    return ContractLookups(enterprises, units, contracts, allowed_unit_ids, service.local_min_wage())


def preview(session: Session, filename: str, data: bytes, user=None) -> Preview:
    sheet = read_sheet(filename, data, CONTRACTS)
    codes = set()
    for _, raw in sheet.rows:
        check, _ = credit_code(raw.get("统一社会信用代码", ""))
        if check.ok:
            codes.add(check.code)
    return check_rows(sheet.rows, lookups(session, codes, allowed_units_for(user)), sheet.warnings)


def _meetings(contract: CollectiveContract, wanted: list[tuple]) -> None:
    have = {(m.date, bool(m.online)): m for m in contract.meetings}
    for key, meeting in have.items():
        if key not in wanted:
            contract.meetings.remove(meeting)
    for day, online in wanted:
        if (day, online) not in have:
            contract.meetings.append(BargainingMeeting(date=day, online=online))


def write(session: Session, result: Preview, source: str = "") -> dict:
    """Create or update every good row; the caller commits (one transaction)."""
    if not result.ok:
        raise ValueError("preview has errors")
    for row in result.to_write:
        values = dict(row.values)
        ent, meetings = values.pop("enterprise"), values.pop("meetings", None)
        values.pop("credit_code", None)
        if row.action == "create":
            contract = CollectiveContract(scope="enterprise", enterprise_id=ent["id"], unit_id=ent["unit_id"],
                                          industry_id=ent["industry_id"], covered_enterprises=1)
        else:
            contract = session.get(CollectiveContract, row.target_id)
        service.save_contract(session, contract, values)
        if meetings is not None:
            _meetings(contract, meetings)
    session.flush()
    counts = result.counts
    record("contract_import", "contract", None,
           f"导入集体合同{('（' + source + '）') if source else ''}：新增{counts['created']}份，更新{counts['updated']}份，"
           f"未变{counts['unchanged']}份", {"counts": counts, "rows": [r.key for r in result.to_write][:500]})
    return counts
