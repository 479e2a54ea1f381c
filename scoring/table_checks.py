"""逻辑检查 of the campaign tables: every relation between columns and between 附件1 and 附件2.

Like the 审核公式 of union statistics software: before a table is exported
or sent up, each relation is checked on every row and the rows that break it
are listed.  The column relations are data (rules/table_checks.yaml); the
table-wide ones (total = sum of rows, rates = numerator ÷ denominator, the
附件2 row checks, the cross-table sums) are defined here.
"""
from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Hashable, Optional

import yaml

from .tables import COUNT_FIELDS, RATES_ANNEX1, Annex1Row, Annex1Table
from .annex2 import Annex2Table, cross_check

CHECKS_FILE = Path(__file__).parent / "rules" / "table_checks.yaml"
SEVERITIES = ("错误", "提示")
OPS = {"<=": (operator.le, "不大于"), ">=": (operator.ge, "不小于")}
CROSS = ("workers", "contracts", "enterprises")
ANNEX1, ANNEX2, BOTH = "附件1", "附件2", "附件1与附件2"


@dataclass(frozen=True)
class Relation:
    left: str
    op: str
    right: str
    severity: str


@dataclass(frozen=True)
class CheckRules:
    annex1: tuple[Relation, ...]
    cross: dict


@dataclass(frozen=True)
class Finding:
    """One row breaking a check: the row as printed (填报单位 or 序号+合同名称) and the figures."""
    row: str
    message: str


@dataclass(frozen=True)
class LogicCheck:
    table: str                 # 附件1 | 附件2 | 附件1与附件2
    rule: str                  # the relation in Chinese
    severity: str              # 错误 | 提示
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        return not self.findings


def column_label(name: str) -> str:
    """The printed heading of an 附件1 field: "开展质效评估企业数（其中百人以上）"."""
    for f in fields(Annex1Row):
        if f.name == name and "col" in f.metadata:
            _, heading, sub, _ = f.metadata["col"]
            heading = heading.removeprefix("其中：")
            return f"{heading}（{sub}）" if sub else heading
    raise KeyError(name)


def parse_rules(text: str, source: str = "table_checks.yaml") -> CheckRules:
    data = yaml.safe_load(text) or {}
    out = []
    for k, raw in enumerate(data.get("annex1") or [], 1):
        where = f"{source} annex1 第{k}条"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}：应为键值表")
        rel = Relation(str(raw.get("left")), str(raw.get("op")), str(raw.get("right")), str(raw.get("severity")))
        for name in (rel.left, rel.right):
            if name not in COUNT_FIELDS:
                raise ValueError(f"{where}：附件1 没有计数列 {name}")
        if rel.op not in OPS:
            raise ValueError(f"{where}：op 应为 {' / '.join(OPS)}")
        if rel.severity not in SEVERITIES:
            raise ValueError(f"{where}：severity 应为 {' / '.join(SEVERITIES)}")
        out.append(rel)
    cross = dict(data.get("cross") or {})
    if set(cross) != set(CROSS) or any(v not in SEVERITIES for v in cross.values()):
        raise ValueError(f"{source}：cross 应为 {', '.join(CROSS)} 各一项，取值 {' / '.join(SEVERITIES)}")
    return CheckRules(tuple(out), cross)


@lru_cache(maxsize=4)
def load_rules(path: str | Path = CHECKS_FILE) -> CheckRules:
    path = Path(path)
    return parse_rules(path.read_text(encoding="utf-8"), path.name)


def _all_rows(t1: Annex1Table) -> list[Annex1Row]:
    return [*t1.rows, t1.total]


def _relation(t1: Annex1Table, rel: Relation) -> LogicCheck:
    test, word = OPS[rel.op]
    left, right = column_label(rel.left), column_label(rel.right)
    found = tuple(Finding(r.unit_name, f"{left} {getattr(r, rel.left)}，{right} {getattr(r, rel.right)}")
                  for r in _all_rows(t1) if not test(getattr(r, rel.left), getattr(r, rel.right)))
    return LogicCheck(ANNEX1, f"{left}{word}{right}", rel.severity, found)


def _total_is_sum(t1: Annex1Table) -> LogicCheck:
    found = []
    for name in COUNT_FIELDS:
        rows = sum(getattr(r, name) for r in t1.rows)
        if getattr(t1.total, name) != rows:
            found.append(Finding("合计", f"{column_label(name)}：合计 {getattr(t1.total, name)}，各行之和 {rows}"))
    return LogicCheck(ANNEX1, "合计行各计数等于各行之和", "错误", tuple(found))


def _rates_recomputed(t1: Annex1Table) -> LogicCheck:
    found = []
    for r in _all_rows(t1):
        for code, heading, num, den in RATES_ANNEX1:
            rate, n, d = r.rate(code), getattr(r, num), getattr(r, den)
            expected = n / d if d else None
            if (rate.value is None) != (expected is None) or (expected is not None
                                                               and abs(rate.value - expected) > 1e-12):
                found.append(Finding(r.unit_name, f"{heading}与{column_label(num)}÷{column_label(den)}不符"))
    return LogicCheck(ANNEX1, "各比率等于分子列÷分母列（合计行按合计数重新计算）", "错误", tuple(found))


def _annex2_rows(t2: Annex2Table) -> LogicCheck:
    found = tuple(Finding(f"第{r.seq}行 {r.contract.name}", w) for r in t2.rows for w in r.warnings)
    return LogicCheck(ANNEX2, "各行通过附件2核对：行业最低工资标准、报送审查期限、合同期限、"
                              "新就业形态劳动者人数", "错误", found)


def _annex2_dates(t2: Annex2Table) -> LogicCheck:
    found = []
    for r in t2.rows:
        c = r.contract
        if c.congress_approved_on and c.congress_approved_on > c.signed_on:
            found.append(Finding(f"第{r.seq}行 {c.name}", "职代会审议通过日期晚于签订日期"))
        if c.effective_on and c.effective_on < c.signed_on:
            found.append(Finding(f"第{r.seq}行 {c.name}", "生效日期早于签订日期"))
    return LogicCheck(ANNEX2, "职代会审议通过不晚于签订日期，生效不早于签订日期", "错误", tuple(found))


def _annex2_coverage(t2: Annex2Table) -> LogicCheck:
    found = tuple(Finding(f"第{r.seq}行 {r.contract.name}", "覆盖企业数或覆盖职工人数为0")
                  for r in t2.rows if r.contract.covered_enterprises <= 0 or r.contract.covered_workers <= 0)
    return LogicCheck(ANNEX2, "每份合同覆盖企业数、覆盖职工人数大于0", "提示", found)


def _cross(t1: Annex1Table, t2: Annex2Table, rules: CheckRules,
           period: Optional[tuple[dt.date, dt.date]]) -> list[LogicCheck]:
    issues = cross_check(t1, t2)   # Σd13 ≤ c16 and the units of 附件2 present in 附件1
    regions = {r.contract.unit_id: r.contract.region for r in t2.rows}
    missing = tuple(Finding(regions[i.unit_id], "附件2有该单位的合同，附件1中没有该填报单位")
                    for i in issues if i.annex1_workers is None)
    over = tuple(Finding(i.unit_name, f"附件2覆盖职工人数之和为{i.annex2_workers}，附件1为{i.annex1_workers}")
                 for i in issues if i.annex1_workers is not None)
    out = [LogicCheck(BOTH, "附件2的所属区市均为附件1的填报单位", "错误", missing),
           LogicCheck(BOTH, "附件2覆盖职工人数之和不大于附件1覆盖职工人数", rules.cross["workers"], over)]
    rows1: dict[Hashable, Annex1Row] = {r.unit_id: r for r in t1.rows}
    contracts, enterprises = defaultdict(int), defaultdict(int)
    for r in t2.rows:
        if period is None or period[0] <= r.contract.signed_on <= period[1]:
            contracts[r.contract.unit_id] += 1
            enterprises[r.contract.unit_id] += r.contract.covered_enterprises

    def compare(values, limit, rule, what, severity):
        found = tuple(Finding(rows1[u].unit_name, f"附件2{what}{v}，附件1为{limit(rows1[u])}")
                      for u, v in values.items() if u in rows1 and v > limit(rows1[u]))
        out.append(LogicCheck(BOTH, rule, severity, found))

    compare(contracts, lambda r: r.c12_contracts + r.c13_contracts,
            "附件2本期签订的合同份数不大于附件1行业性、区域性集体合同份数之和", "本期签订合同", rules.cross["contracts"])
    compare(enterprises, lambda r: r.c12_enterprises + r.c13_enterprises,
            "附件2本期签订合同的覆盖企业数不大于附件1行业性、区域性合同覆盖企业数之和", "覆盖企业数之和为",
            rules.cross["enterprises"])
    return out


def logic_checks(t1: Annex1Table, t2: Annex2Table, period: Optional[tuple[dt.date, dt.date]] = None,
                 rules: Optional[CheckRules] = None) -> tuple[LogicCheck, ...]:
    """Every check, passed or not, in a fixed order: 附件1, 附件2, then between the two.

    ``period`` (campaign start and end) decides which 附件2 contracts count as
    signed in the period, as c12/c13 do.
    """
    rules = rules or load_rules()
    return (_total_is_sum(t1), _rates_recomputed(t1), *(_relation(t1, rel) for rel in rules.annex1),
            _annex2_rows(t2), _annex2_dates(t2), _annex2_coverage(t2), *_cross(t1, t2, rules, period))
