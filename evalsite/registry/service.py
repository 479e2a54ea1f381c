"""Writes for enterprises, contracts and meetings, each audited in the same transaction.

Every function takes the caller's ``session`` and never commits (a request commits once, see
``evalsite/transaction.py``; the import commands commit their own work). The audit entries go
into the request's session (``audit.record``), which is the one views pass here.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import can_edit_enterprise
from ..audit import record
from ..creditcode import validate as validate_code
from ..models import BargainingMeeting, CollectiveContract, ContractCoverage, Enterprise, Industry
from . import contract_rules

ENTERPRISE_FIELDS = ("name", "credit_code", "unit_id", "industry_id", "headcount", "unionised", "above_size",
                     "normally_operating", "address", "union_chair", "union_chair_phone", "hr_contact",
                     "hr_contact_phone", "notes")


def _plain(value):
    """A JSON-safe copy of a column value for the audit details."""
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def apply_changes(obj, values: dict) -> dict:
    """Set attributes and return {field: [old, new]} for those that changed."""
    changes = {}
    for name, new in values.items():
        old = getattr(obj, name, None)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changes


def code_owner(session: Session, code: str, exclude_id: int | None = None) -> Enterprise | None:
    stmt = select(Enterprise).where(Enterprise.credit_code == code)
    if exclude_id:
        stmt = stmt.where(Enterprise.id != exclude_id)
    return session.scalar(stmt)


def save_enterprise(session: Session, enterprise: Enterprise | None, values: dict) -> Enterprise:
    creating = enterprise is None
    if creating:
        enterprise = Enterprise()
        session.add(enterprise)
    changes = apply_changes(enterprise, {k: values[k] for k in ENTERPRISE_FIELDS if k in values})
    session.flush()
    if creating or changes:
        action = "enterprise_create" if creating else "enterprise_update"
        verb = "新增企业" if creating else "修改企业"
        record(action, "enterprise", enterprise.id, f"{verb} {enterprise.name}", {"changes": changes})
    return enterprise


# --- contracts --------------------------------------------------------------------------------

def local_min_wage() -> Decimal | None:
    """A deployment may pin the local minimum wage; otherwise targets.yaml gives it by signing date."""
    configured = current_app.config.get("LOCAL_MIN_WAGE")
    return None if configured is None else Decimal(str(configured))


def is_new_form(session: Session, contract: CollectiveContract, industry_id: int | None = None) -> bool:
    if contract.enterprise is not None:
        return contract.enterprise.is_new_form
    industry = session.get(Industry, industry_id) if industry_id else contract.industry
    return bool(industry and industry.is_new_form)


def check_contract(session: Session, contract: CollectiveContract, values: dict, industry_id=None,
                   linked: int = 0):
    return contract_rules.check(values, new_form=is_new_form(session, contract, industry_id),
                                linked_enterprises=linked, local_min_wage=local_min_wage())


def parse_coverage(session: Session, text: str, user) -> tuple[list[Enterprise], list[str]]:
    """Enterprises named by credit codes (one per line); each must be valid, exist and be in scope."""
    found, errors, seen = [], [], set()
    for line_no, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        check = validate_code(raw)
        if not check.ok:
            errors.append(f"第{line_no}行 {raw.strip()}：{check.error}")
            continue
        if check.code in seen:
            continue
        seen.add(check.code)
        enterprise = code_owner(session, check.code)
        if enterprise is None:
            errors.append(f"第{line_no}行 {check.code}：平台内没有此代码的企业")
        elif not can_edit_enterprise(user, enterprise):
            errors.append(f"第{line_no}行 {check.code}：{enterprise.name} 不在您管理的范围内")
        else:
            found.append(enterprise)
    return found, errors


def save_contract(session: Session, contract: CollectiveContract, values: dict,
                  coverage: list[Enterprise] | None = None) -> list:
    creating = contract.id is None
    if creating:
        session.add(contract)
    changes = apply_changes(contract, values)
    session.flush()
    if coverage is not None:
        wanted = {e.id for e in coverage}
        for row in list(contract.coverage):
            if row.enterprise_id not in wanted:
                contract.coverage.remove(row)
        have = {row.enterprise_id for row in contract.coverage}
        for ent_id in sorted(wanted - have):
            contract.coverage.append(ContractCoverage(enterprise_id=ent_id))
        if wanted != have:
            changes["coverage"] = [sorted(have), sorted(wanted)]
    session.flush()
    if creating or changes:
        action = "contract_create" if creating else "contract_update"
        verb = "新增集体合同" if creating else "修改集体合同"
        record(action, "contract", contract.id, f"{verb} {contract.title}", {"changes": changes})
    return list(changes)


def delete_contract(session: Session, contract: CollectiveContract) -> None:
    record("contract_delete", "contract", contract.id, f"删除集体合同 {contract.title}",
           {"enterprise_id": contract.enterprise_id, "scope": contract.scope, "kind": contract.kind})
    session.delete(contract)


def save_meeting(session: Session, contract: CollectiveContract, meeting: BargainingMeeting | None,
                 values: dict) -> BargainingMeeting:
    creating = meeting is None
    if creating:
        meeting = BargainingMeeting(contract_id=contract.id)
        session.add(meeting)
    changes = apply_changes(meeting, values)
    session.flush()
    if creating or changes:
        record("meeting_create" if creating else "meeting_update", "contract", contract.id,
               f"{'新增' if creating else '修改'}协商会议 {meeting.date}", {"meeting_id": meeting.id, "changes": changes})
    return meeting


def delete_meeting(session: Session, meeting: BargainingMeeting) -> None:
    record("meeting_delete", "contract", meeting.contract_id, f"删除协商会议 {meeting.date}",
           {"meeting_id": meeting.id})
    session.delete(meeting)
