"""附件2 《新业态行业集体合同（工资专项集体合同）签订情况统计表》 (DOMAIN §5.3).

One row per new-forms industry contract, with the legal checks of each row and the
cross-check against 附件1 (Σ d13 of a unit feeds its c16).
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Hashable, Iterable

from .dates import term_within
from .tables import _col, _opt, _columns, Column, Targets, load_targets, Annex1Table

@dataclass(frozen=True)
class IndustryContractFacts:
    """One new-forms industry (wage) contract: the source of one 附件2 row."""
    unit_id: Hashable  # reporting unit of 附件1, for cross_check
    region: str = _col("d02", "所属区市", kind="text")
    industry: str = _col("d03", "行业名称", kind="text")
    contract_type: str = _col("d04", "合同类型", kind="text")
    name: str = _col("d05", "合同名称", kind="text")
    worker_party: str = _col("d06", "职工方签约主体", kind="text")
    employer_party: str = _col("d07", "企业方签约主体", kind="text")
    signed_on: dt.date = _col("d08", "签订日期", kind="date")
    term_start: dt.date = _col("d09", "合同期限", "起", kind="date")
    term_end: dt.date = _col("d09", "合同期限", "止", kind="date")
    congress_approved_on: dt.date | None = _opt("d10", "职代会（职工大会）审议通过日期")
    submitted_on: dt.date | None = _opt("d11", "报送人社部门审查", "报送日期")
    effective_on: dt.date | None = _opt("d11", "报送人社部门审查", "生效日期")
    covered_enterprises: int = _col("d12", "覆盖企业数", default=0)
    covered_workers: int = _col("d13", "覆盖职工人数", "合计", default=0)
    new_form_workers: int | None = _opt("d13", "覆盖职工人数", "其中新就业形态劳动者", "count")
    minimum_wage: float | None = _opt("d14", "行业最低工资标准（元/月）", kind="amount")
    piece_rate: str = _col("d15", "计件单价/派送费（元/件、元/单）", kind="text", default="")
    wage_increase_pct: float | None = _opt("d16", "年度工资调整幅度（%）", kind="amount")
    allowances: str = _col("d17", "津贴补贴", kind="text", default="")
    hours_and_rest: str = _col("d18", "工作时间与休息", kind="text", default="")
    safety_and_insurance: str = _col("d19", "职业安全与保险", kind="text", default="")
    training_and_rewards: str = _col("d20", "技能培训与奖惩规则", kind="text", default="")
    remark: str = _col("d21", "备注", kind="text", default="")


COLUMNS_ANNEX2 = (Column("d01", "序号", ("seq",)),) + _columns(IndustryContractFacts)


@dataclass(frozen=True)
class Annex2Row:
    """One contract row: seq is d01; failing checks are listed in Chinese in `warnings`."""
    seq: int
    contract: IndustryContractFacts
    local_minimum_wage: int | None
    warnings: tuple[str, ...]

    def value(self, name: str):
        return self.seq if name == "seq" else getattr(self.contract, name)


@dataclass(frozen=True)
class Annex2Table:
    rows: tuple[Annex2Row, ...]
    columns: tuple[Column, ...] = COLUMNS_ANNEX2


def _zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _check(c: IndustryContractFacts, t: Targets) -> tuple[int | None, tuple[str, ...]]:
    """The DOMAIN §5.3 checks: minimum wage, 10-day filing, 1–3 year term."""
    w = []
    local = t.minimum_wage(c.region, c.signed_on)
    if c.minimum_wage is None:
        w.append("未填写行业最低工资标准")
    elif local is None:
        w.append(f"未配置{c.region}在{_zh(c.signed_on)}适用的最低工资标准，行业最低工资标准未核对")
    elif c.minimum_wage < local:
        w.append(f"行业最低工资标准{c.minimum_wage:g}元/月低于当地最低工资{local}元/月")
    deadline = c.signed_on + dt.timedelta(days=t.filing_days)
    if c.submitted_on is None:
        w.append("未填写报送审查日期")
    elif c.submitted_on < c.signed_on:
        w.append("报送审查日期早于签订日期")
    elif c.submitted_on > deadline:
        w.append(f"报送审查日期{_zh(c.submitted_on)}超过签订后{t.filing_days}日"
                 f"（应不晚于{_zh(deadline)}）")
    if c.term_end < c.term_start:
        w.append("合同期限止日早于起日")
    elif not term_within(c.term_start, c.term_end, t.term_min_years, t.term_max_years):
        w.append(f"合同期限{_zh(c.term_start)}至{_zh(c.term_end)}不在"
                 f"{t.term_min_years}至{t.term_max_years}年之间")
    if c.new_form_workers is not None and c.new_form_workers > c.covered_workers:
        w.append("其中新就业形态劳动者数大于覆盖职工人数")
    return local, tuple(w)


def annex2(contracts: Iterable[IndustryContractFacts],
           targets: Targets | None = None) -> Annex2Table:
    """附件2: one row per contract in the given order, numbered from 1, with checks."""
    targets = targets or load_targets()
    return Annex2Table(tuple(Annex2Row(i, c, *_check(c, targets))
                             for i, c in enumerate(contracts, start=1)))


@dataclass(frozen=True)
class CrossCheckIssue:
    """A unit whose 附件2 covered workers (Σ d13) exceed its 附件1 c16, or is missing there."""
    unit_id: Hashable
    unit_name: str | None
    annex2_workers: int
    annex1_workers: int | None
    message: str


def cross_check(table1: Annex1Table, table2: Annex2Table) -> tuple[CrossCheckIssue, ...]:
    """Σ d13 per unit must not exceed c16: 附件2's workers are part of 附件1's coverage."""
    by_unit: Counter = Counter()
    for r in table2.rows:
        by_unit[r.contract.unit_id] += r.contract.covered_workers
    rows1 = {r.unit_id: r for r in table1.rows}
    issues = []
    for unit_id, workers in by_unit.items():
        row = rows1.get(unit_id)
        if row is None:
            issues.append(CrossCheckIssue(unit_id, None, workers, None,
                                          f"附件2的填报单位{unit_id}不在附件1中"))
        elif workers > row.c16:
            issues.append(CrossCheckIssue(
                unit_id, row.unit_name, workers, row.c16,
                f"{row.unit_name}：附件2覆盖职工人数合计{workers}人，"
                f"超过附件1覆盖职工人数{row.c16}人"))
    return tuple(issues)
