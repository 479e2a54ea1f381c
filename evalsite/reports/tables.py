"""附件1 / 附件2 from the database: facts in a handful of set queries, formulas in scoring.tables.

Why a fixed number of queries: the city runs this over thousands of
enterprises and the page must answer in under a second, so nothing here
queries per enterprise; the counting rules live only in ``scoring.tables``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from scoring import annex2 as A2
from scoring import tables as T

from scoring.dates import contract_expiry

from ..models.contracts import in_force_between
from ..models import (BargainingMeeting, Campaign, CollectiveContract, ContractCoverage, Enterprise,
                      EscalationLetter, Industry, RectificationItem, ReportingUnit)

CONTRACT_TYPES = {("industry", "wage"): "行业工资专项集体合同", ("industry", "comprehensive"): "行业集体合同",
                  ("industry", "female"): "行业集体合同", ("regional", "wage"): "区域性工资专项集体合同"}


def _in_force(review, effective, term, on: dt.date) -> bool:
    return in_force_between(review, effective, term, on, on)


def targets_for(campaign: Campaign) -> T.Targets:
    base = T.load_targets()
    rates = dict(base.rates)
    rates["establishment"] = campaign.target_establishment_rate or rates.get("establishment")
    rates["wage_establishment"] = campaign.target_wage_rate or rates.get("wage_establishment")
    return dataclasses.replace(base, rates=rates)


def _assessment_sets(session: Session, campaign_id: int) -> tuple[set, set, set]:
    """Enterprises self-assessed, externally assessed, and with a result (empty without the evaluation side)."""
    from ..models import Assessment, EvaluationResult

    selfs, externals, evaluated = set(), set(), set()
    for ent_id, kind in session.execute(select(Assessment.enterprise_id, Assessment.kind).where(
            Assessment.campaign_id == campaign_id, Assessment.status == "submitted")):
        (selfs if kind == "self" else externals).add(ent_id)
    evaluated.update(session.scalars(select(EvaluationResult.enterprise_id).where(
        EvaluationResult.campaign_id == campaign_id)))
    return selfs, externals, evaluated


def enterprise_facts(session: Session, campaign: Campaign, unit_ids: Optional[Iterable[int]] = None):
    """EnterpriseFacts for every enterprise of the units (six queries in all)."""
    start, end = campaign.start_date, campaign.end_date
    ent_q = select(Enterprise.id, Enterprise.unit_id, Enterprise.unionised, Enterprise.normally_operating,
                   Enterprise.above_size, Enterprise.headcount)
    if unit_ids is not None:
        ent_q = ent_q.where(Enterprise.unit_id.in_(list(unit_ids)))
    ents = session.execute(ent_q).all()
    ids = select(Enterprise.id)
    if unit_ids is not None:
        ids = ids.where(Enterprise.unit_id.in_(list(unit_ids)))
    c = CollectiveContract
    contracts = session.execute(select(
        c.id, c.enterprise_id, c.kind, c.offer_by, c.offer_date, c.reply_written, c.signing_date, c.review_result,
        c.effective_date, c.term_years).where(c.scope == "enterprise", c.enterprise_id.in_(ids))).all()
    meetings = session.execute(select(BargainingMeeting.contract_id, BargainingMeeting.online, BargainingMeeting.date)
                               .join(c, c.id == BargainingMeeting.contract_id)
                               .where(c.scope == "enterprise", c.enterprise_id.in_(ids))).all()
    covered = session.execute(select(ContractCoverage.enterprise_id, c.kind, c.review_result, c.effective_date,
                                     c.term_years).join(c, c.id == ContractCoverage.contract_id)
                              .where(ContractCoverage.enterprise_id.in_(ids))).all()
    talks, online = defaultdict(bool), defaultdict(bool)
    for contract_id, is_online, day in meetings:
        if start <= day <= end:
            talks[contract_id] = True
            online[contract_id] = online[contract_id] or bool(is_online)
    per_ent = defaultdict(dict)
    for row in contracts:
        f = per_ent[row.enterprise_id]
        in_period = bool(row.offer_date and start <= row.offer_date <= end)
        if in_period:
            f["offer_sent"] = True
            f["offer_by_upper"] = f.get("offer_by_upper", False) or row.offer_by == "upper_union"
            f["written_reply"] = f.get("written_reply", False) or bool(row.reply_written)
            f["talks_held"] = f.get("talks_held", False) or talks[row.id]
            f["online"] = f.get("online", False) or online[row.id]
        if row.signing_date and start <= row.signing_date <= end:
            key = {"comprehensive": "new_comprehensive", "wage": "new_wage", "female": "new_female"}.get(row.kind)
            if key:
                f[key] = f.get(key, 0) + 1
        if _in_force(row.review_result, row.effective_date, row.term_years, campaign.as_of):
            f["has_valid_contract"] = True
            if row.kind == "wage":
                f["has_valid_wage_contract"] = True
    for ent_id, kind, review, effective, term in covered:
        if _in_force(review, effective, term, campaign.as_of):
            per_ent[ent_id]["has_valid_contract"] = True
            if kind == "wage":
                per_ent[ent_id]["has_valid_wage_contract"] = True
    selfs, externals, evaluated = _assessment_sets(session, campaign.id)
    out = []
    for e in ents:
        f = per_ent.get(e.id, {})
        valid = f.get("has_valid_contract", False)
        out.append(T.EnterpriseFacts(
            enterprise_id=e.id, unit_id=e.unit_id, unionised=bool(e.unionised),
            normally_operating=bool(e.normally_operating), above_size=bool(e.above_size), headcount=e.headcount or 0,
            offer_sent=f.get("offer_sent", False), offer_by_upper=f.get("offer_by_upper", False),
            written_reply=f.get("written_reply", False), talks_held=f.get("talks_held", False),
            new_comprehensive=f.get("new_comprehensive", 0), new_wage=f.get("new_wage", 0),
            new_female=f.get("new_female", 0), online=f.get("online", False), has_valid_contract=valid,
            has_valid_wage_contract=f.get("has_valid_wage_contract", False),
            covered_workers=(e.headcount or 0) if valid else 0, evaluated=e.id in evaluated,
            self_assessed=e.id in selfs, externally_assessed=e.id in externals))
    return out


def area_facts(session: Session, campaign: Campaign, unit_ids=None) -> list[T.AreaContractFacts]:
    c = CollectiveContract
    q = select(c.unit_id, c.scope, c.covered_enterprises, c.covered_workers, c.signing_date).where(
        c.scope.in_(("industry", "regional")), c.unit_id.is_not(None))
    if unit_ids is not None:
        q = q.where(c.unit_id.in_(list(unit_ids)))
    return [T.AreaContractFacts(unit_id=r.unit_id, scope=r.scope, covered_enterprises=r.covered_enterprises or 0,
                                covered_workers=r.covered_workers or 0,
                                signed_in_period=bool(r.signing_date and campaign.start_date <= r.signing_date
                                                      <= campaign.end_date))
            for r in session.execute(q)]


def escalation_facts(session: Session, campaign: Campaign, unit_ids=None) -> list[T.EscalationFacts]:
    """c19: issued 意见书 and 建议书 (the "两书"; drafts do not count); rectified when their item was accepted."""
    q = (select(Enterprise.unit_id, RectificationItem.status).select_from(EscalationLetter)
         .join(Enterprise, Enterprise.id == EscalationLetter.enterprise_id)
         .join(RectificationItem, RectificationItem.id == EscalationLetter.item_id)
         .where(EscalationLetter.campaign_id == campaign.id, EscalationLetter.status == "issued",
                EscalationLetter.kind.in_(("opinion", "recommendation"))))
    if unit_ids is not None:
        q = q.where(Enterprise.unit_id.in_(list(unit_ids)))
    counts = defaultdict(lambda: [0, 0])
    for unit_id, status in session.execute(q):
        counts[unit_id][0] += 1
        counts[unit_id][1] += status == "accepted"
    return [T.EscalationFacts(unit_id=u, letters=n, rectified=r) for u, (n, r) in counts.items()]


def build_annex1(session: Session, campaign: Campaign, unit_ids: Optional[list[int]] = None,
                 facts: Optional[list[T.EnterpriseFacts]] = None) -> T.Annex1Table:
    q = select(ReportingUnit).order_by(ReportingUnit.sort_order, ReportingUnit.id)
    if unit_ids is not None:
        q = q.where(ReportingUnit.id.in_(unit_ids))
    units = [T.UnitInfo(u.id, u.name, u.sort_order) for u in session.scalars(q) if u.kind != "city"]
    known = {u.id for u in units}
    if facts is None:
        facts = enterprise_facts(session, campaign, unit_ids)
    ents = [e for e in facts if e.unit_id in known]
    areas = [a for a in area_facts(session, campaign, unit_ids) if a.unit_id in known]
    escs = [x for x in escalation_facts(session, campaign, unit_ids) if x.unit_id in known]
    return T.annex1(units, ents, areas, escs, targets=targets_for(campaign))


def industry_contract_facts(session: Session, campaign: Campaign, unit_ids=None) -> list[A2.IndustryContractFacts]:
    c = CollectiveContract
    q = (select(c, ReportingUnit.name, Industry.name).join(Industry, Industry.id == c.industry_id)
         .join(ReportingUnit, ReportingUnit.id == c.unit_id)
         .where(c.scope.in_(("industry", "regional")), Industry.is_new_form.is_(True), c.signing_date.is_not(None),
                c.signing_date <= campaign.end_date)
         .order_by(ReportingUnit.sort_order, c.signing_date, c.id))
    if unit_ids is not None:
        q = q.where(c.unit_id.in_(list(unit_ids)))
    out = []
    for contract, unit_name, industry_name in session.execute(q):
        start = contract.effective_date or contract.signing_date
        end = contract_expiry(start, contract.term_years) or start
        if end < campaign.start_date:
            continue
        piece = contract.piece_rate_terms or (f"{contract.piece_rate:g}" if contract.piece_rate is not None else "")
        out.append(A2.IndustryContractFacts(
            unit_id=contract.unit_id, region=unit_name, industry=industry_name,
            contract_type=CONTRACT_TYPES.get((contract.scope, contract.kind), "区域性集体合同"),
            name=contract.title, worker_party=contract.worker_signatory or "",
            employer_party=contract.employer_signatory or "", signed_on=contract.signing_date, term_start=start,
            term_end=end, congress_approved_on=contract.congress_date, submitted_on=contract.submitted_date,
            effective_on=contract.effective_date, covered_enterprises=contract.covered_enterprises or 0,
            covered_workers=contract.covered_workers or 0, new_form_workers=contract.covered_new_form_workers,
            minimum_wage=float(contract.min_wage) if contract.min_wage is not None else None, piece_rate=piece,
            wage_increase_pct=float(contract.wage_increase_pct) if contract.wage_increase_pct is not None else None,
            allowances=contract.allowances or "", hours_and_rest=contract.hours_and_rest or "",
            safety_and_insurance=contract.safety_insurance or "", training_and_rewards=contract.training_rewards or "",
            remark=contract.notes or ""))
    return out


def build_annex2(session: Session, campaign: Campaign, unit_ids=None) -> A2.Annex2Table:
    return A2.annex2(industry_contract_facts(session, campaign, unit_ids), targets=targets_for(campaign))


def leaf_columns(columns) -> list[tuple[str, str, str, str]]:
    """(heading, subheading, field, kind) for every leaf column."""
    out = []
    for col in columns:
        for i, name in enumerate(col.fields):
            sub = col.sub_headings[i] if i < len(col.sub_headings) else ""
            out.append((col.heading, sub, name, col.kind))
    return out


def annex1_matrix(table: T.Annex1Table):
    """Rows of cell values, the total row and the (row, col) cells below target."""
    leaves = leaf_columns(table.columns)
    rows = [[r.value(f) for _, _, f, _ in leaves] for r in table.rows]
    total = [table.total.value(f) for _, _, f, _ in leaves]
    highlight = set()
    for i, r in enumerate(table.rows):
        for j, (_, _, f, kind) in enumerate(leaves):
            if kind == "rate" and r.rate(f).below_target:
                highlight.add((i, j))
    total_low = {j for j, (_, _, f, kind) in enumerate(leaves) if kind == "rate" and table.total.rate(f).below_target}
    return leaves, rows, total, highlight, total_low


def annex2_matrix(table: A2.Annex2Table):
    leaves = leaf_columns(table.columns) + [("核对提示", "", "_warnings", "text")]
    rows = [[r.value(f) if f != "_warnings" else "；".join(r.warnings) for _, _, f, _ in leaves] for r in table.rows]
    return leaves, rows


def totals_annex2(table: A2.Annex2Table) -> dict:
    return dict(contracts=len(table.rows), enterprises=sum(r.contract.covered_enterprises for r in table.rows),
                workers=sum(r.contract.covered_workers for r in table.rows))


def _pct(x: float) -> str:
    return f"{x * 100:.1f}".rstrip("0").rstrip(".") + "%"


def annex1_notes(table: T.Annex1Table) -> list[str]:
    """The notes printed under 附件1, with the targets of this campaign (never fixed figures)."""
    targets = [f"{r.heading}" + ("100%（全覆盖）" if r.target >= 1 else f"≥{_pct(r.target)}")
               for r in table.total.rates if r.target is not None]
    notes = ["比率按合计行的计数重新计算，不是各行比率相加。"]
    if targets:
        notes.append("浅红色底纹表示低于本次行动目标值：" + "，".join(targets) + "。")
    return notes


def annex2_notes(table: A2.Annex2Table) -> list[str]:
    return ["“核对提示”列为浅红色的合同，请核实最低工资标准、报送审查日期与合同期限。"] if any(
        r.warnings for r in table.rows) else []


def logic_checks(campaign: Campaign, table1: T.Annex1Table, table2: A2.Annex2Table):
    """逻辑检查 of the two tables of a campaign (contracts signed in the campaign period count in c12/c13)."""
    from scoring.table_checks import logic_checks as run

    return run(table1, table2, (campaign.start_date, campaign.end_date))
