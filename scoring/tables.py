"""Campaign table 附件1 (DOMAIN §5.2) computed from plain records, and the column machinery of both tables.

附件2 (§5.3) is ``scoring.annex2``, which builds on this module (its columns, the targets, and the
cross-check against 附件1); import its names from there.

Why here: the formulas must be one tested truth; the Excel/PDF writers only
read `COLUMNS_ANNEX1/2` and `row.value(field)`. Headings sit in the rows'
field metadata, next to the value they label, so the two cannot drift apart.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, fields
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Hashable, Iterable, Mapping

import yaml

TARGETS_FILE = Path(__file__).parent / "rules" / "targets.yaml"
HUNDRED = 100        # "百人以上" = headcount ≥ 100
DEFAULT_REGION = "默认"


@dataclass(frozen=True)
class Targets:
    """Rate targets and 附件2 check parameters; data, so a city can change them."""
    rates: Mapping[str, float]
    filing_days: int = 10
    term_min_years: int = 1
    term_max_years: int = 3
    # d02 region (or "默认") → ((effective_from, 元/月), ...) sorted by date
    minimum_wages: Mapping[str, tuple] = field(default_factory=lambda: MappingProxyType({}))

    def minimum_wage(self, region: str, on: dt.date) -> int | None:
        """Monthly minimum wage in force in `region` on date `on`; None if not configured."""
        steps = self.minimum_wages.get(region) or self.minimum_wages.get(DEFAULT_REGION, ())
        amounts = [amount for start, amount in steps if start <= on]
        return amounts[-1] if amounts else None


@lru_cache(maxsize=8)
def load_targets(path: str | Path = TARGETS_FILE) -> Targets:
    """Read and check targets.yaml once per process; a bad target fails loudly."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    try:
        rates = {str(k): float(v) for k, v in (data.get("annex1_targets") or {}).items()}
        checks = data.get("annex2_checks") or {}
        wages = {str(region): tuple(sorted((d, int(v)) for d, v in steps.items()))
                 for region, steps in (data.get("minimum_wage") or {}).items()}
        targets = Targets(MappingProxyType(rates), int(checks.get("filing_days", 10)),
                          int(checks.get("term_min_years", 1)),
                          int(checks.get("term_max_years", 3)), MappingProxyType(wages))
    except (TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if any(not 0 <= v <= 1 for v in rates.values()):
        raise ValueError(f"{path}: annex1_targets must lie between 0 and 1")
    if any(not isinstance(d, dt.date) for steps in wages.values() for d, _ in steps):
        raise ValueError(f"{path}: minimum_wage keys must be dates (YYYY-MM-DD)")
    return targets


@dataclass(frozen=True)
class UnitInfo:
    """A reporting unit (district, zone, industry or enterprise union): one row of 附件1."""
    id: Hashable
    name: str
    sort_order: int = 0


@dataclass(frozen=True)
class EnterpriseFacts:
    """One enterprise's contribution to 附件1: flags, plus contracts (份) signed in the period."""
    enterprise_id: Hashable
    unit_id: Hashable
    unionised: bool = False
    normally_operating: bool = True
    above_size: bool = False
    headcount: int = 0
    offer_sent: bool = False
    offer_by_upper: bool = False
    written_reply: bool = False
    talks_held: bool = False
    new_comprehensive: int = 0
    new_wage: int = 0
    new_female: int = 0
    online: bool = False
    has_valid_contract: bool = False       # incl. coverage by industry/regional contracts
    has_valid_wage_contract: bool = False
    covered_workers: int = 0
    evaluated: bool = False
    self_assessed: bool = False
    externally_assessed: bool = False

    def __post_init__(self):
        if min(self.headcount, self.new_comprehensive, self.new_wage, self.new_female,
               self.covered_workers) < 0:
            raise ValueError(f"enterprise {self.enterprise_id}: negative count")
        if (self.written_reply or self.talks_held) and not (self.offer_sent or self.offer_by_upper):
            raise ValueError(f"enterprise {self.enterprise_id}: reply or talks without an offer")


@dataclass(frozen=True)
class AreaContractFacts:
    """An industry or regional contract; counted in c12/c13 when signed in the campaign period."""
    unit_id: Hashable
    scope: str  # 'industry' | 'regional'
    covered_enterprises: int = 0
    covered_workers: int = 0
    signed_in_period: bool = True

    def __post_init__(self):
        if self.scope not in ("industry", "regional"):
            raise ValueError("scope must be 'industry' or 'regional'")


@dataclass(frozen=True)
class EscalationFacts:
    """"两书" sent within one unit (c19) and how many led to rectification."""
    unit_id: Hashable
    letters: int = 0
    rectified: int = 0

    def __post_init__(self):
        if not 0 <= self.rectified <= self.letters:
            raise ValueError("need 0 <= rectified <= letters")


@dataclass(frozen=True)
class Column:
    """Header metadata for renderers: read each of `fields` with row.value(field)."""
    code: str
    heading: str
    fields: tuple[str, ...]
    sub_headings: tuple[str, ...] = ()
    kind: str = "count"  # 'text' | 'count' | 'rate' | 'date' | 'amount'


def _col(code: str, heading: str, sub: str = "", kind: str = "count", **kw):
    """A dataclass field carrying its column code, heading and optional sub-heading."""
    return field(metadata={"col": (code, heading, sub, kind)}, **kw)


def _opt(code: str, heading: str, sub: str = "", kind: str = "date"):
    """An optional (None by default) labelled field."""
    return _col(code, heading, sub, kind, default=None)


def _columns(cls) -> tuple[Column, ...]:
    """Group a row class's labelled fields into columns (sub-columns share a code)."""
    out: list[Column] = []
    for f in fields(cls):
        if "col" not in f.metadata:
            continue
        code, heading, sub, kind = f.metadata["col"]
        if out and out[-1].code == code:
            last = out[-1]
            out[-1] = Column(code, heading, last.fields + (f.name,),
                             last.sub_headings + (sub,), kind)
        else:
            out.append(Column(code, heading, (f.name,), (sub,) if sub else (), kind))
    return tuple(out)


@dataclass(frozen=True)
class Rate:
    """A computed rate; value None when the denominator is 0, below_target None without target."""
    code: str
    heading: str
    numerator: int
    denominator: int
    value: float | None
    target: float | None
    below_target: bool | None


# (code, heading, numerator field, denominator field): the 附件1 formulas as data
RATES_ANNEX1 = (
    ("establishment", "建制率", "c14", "c02"),
    ("wage_establishment", "规上工资专项建制率", "c15", "c03"),
    ("reply", "要约回应率", "c07", "c05"),
    ("talks", "协商开展率", "c08", "c05"),
    ("evaluation_coverage", "百人以上质效评估覆盖率", "c18_hundred", "c04"),
    ("rectification", "整改率", "c19_rectified", "c19_letters"),
)


@dataclass(frozen=True)
class Annex1Row:
    """One reporting unit (or the total, unit_id None): counts c02–c19 and the rates."""
    unit_id: Hashable | None
    unit_name: str = _col("c01", "填报单位", kind="text")
    c02: int = _col("c02", "已建会企业数")
    c03: int = _col("c03", "其中：规模（限额）以上已建会企业数")
    c04: int = _col("c04", "其中：百人以上已建会企业数")
    c05: int = _col("c05", "发出要约企业数")
    c06: int = _col("c06", "其中：“上代下”发出要约数")
    c07: int = _col("c07", "书面回应企业数")
    c08: int = _col("c08", "开展集体协商企业数")
    c09: int = _col("c09", "新签（续签）综合集体合同份数")
    c10: int = _col("c10", "新签（续签）工资专项集体合同份数")
    c11: int = _col("c11", "新签女职工专项集体合同份数")
    c12_contracts: int = _col("c12", "行业性集体合同", "份数")
    c12_enterprises: int = _col("c12", "行业性集体合同", "覆盖企业数")
    c13_contracts: int = _col("c13", "区域性集体合同", "份数")
    c13_enterprises: int = _col("c13", "区域性集体合同", "覆盖企业数")
    c14: int = _col("c14", "有效期内已建制企业数")
    c15: int = _col("c15", "其中：规上已建会企业签订工资专项集体合同数")
    c16: int = _col("c16", "覆盖职工人数")
    c17: int = _col("c17", "线上协商企业数")
    c18_total: int = _col("c18", "开展质效评估企业数", "合计")
    c18_hundred: int = _col("c18", "开展质效评估企业数", "其中百人以上")
    c18_self: int = _col("c18", "开展质效评估企业数", "自评")
    c18_external: int = _col("c18", "开展质效评估企业数", "外部评估")
    c19_letters: int = _col("c19", "“两书”", "发出份数")
    c19_rectified: int = _col("c19", "“两书”", "已整改数")
    rates: tuple[Rate, ...] = ()
    remark: str = _col("c20", "备注", kind="text", default="")

    def rate(self, code: str) -> Rate:
        return next(r for r in self.rates if r.code == code)

    def value(self, name: str):
        """Cell value for a column field: a count, a rate's value, or text."""
        for r in self.rates:
            if r.code == name:
                return r.value
        return getattr(self, name)


COUNT_FIELDS = tuple(f.name for f in fields(Annex1Row) if f.type == "int")
_RATE_COLUMNS = tuple(Column(code, heading, (code,), kind="rate")
                      for code, heading, _, _ in RATES_ANNEX1)
COLUMNS_ANNEX1 = _columns(Annex1Row)[:-1] + _RATE_COLUMNS + _columns(Annex1Row)[-1:]


@dataclass(frozen=True)
class Annex1Table:
    rows: tuple[Annex1Row, ...]
    total: Annex1Row
    columns: tuple[Column, ...] = COLUMNS_ANNEX1


def _rates(counts: Mapping[str, int], targets: Targets) -> tuple[Rate, ...]:
    out = []
    for code, heading, num_field, den_field in RATES_ANNEX1:
        num, den = counts[num_field], counts[den_field]
        target = targets.rates.get(code)
        below = None
        if den and target is not None:  # exact comparison: 8/10 is not "below" 0.80
            below = Fraction(num, den) < Fraction(str(target))
        out.append(Rate(code, heading, num, den, num / den if den else None, target, below))
    return tuple(out)


def _count(ents: list[EnterpriseFacts], areas: list[AreaContractFacts],
           escs: list[EscalationFacts]) -> dict[str, int]:
    """Counts for one unit; each enterprise adds at most 1 to an enterprise column."""
    base = [e for e in ents if e.unionised and e.normally_operating]  # c02 population
    big = [e for e in base if e.headcount >= HUNDRED]
    ind = [a for a in areas if a.scope == "industry" and a.signed_in_period]
    reg = [a for a in areas if a.scope == "regional" and a.signed_in_period]

    def assessed(e):
        return e.evaluated or e.self_assessed or e.externally_assessed

    # rate numerators are drawn from their denominators' population, so ≤ 100 %
    return dict(
        c02=len(base), c03=sum(e.above_size for e in base), c04=len(big),
        c05=sum(e.offer_sent or e.offer_by_upper for e in ents),
        c06=sum(e.offer_by_upper for e in ents),
        c07=sum(e.written_reply for e in ents),       # a reply implies an offer (checked)
        c08=sum(e.talks_held for e in ents),
        c09=sum(e.new_comprehensive for e in ents),
        c10=sum(e.new_wage for e in ents),
        c11=sum(e.new_female for e in ents),
        c12_contracts=len(ind), c12_enterprises=sum(a.covered_enterprises for a in ind),
        c13_contracts=len(reg), c13_enterprises=sum(a.covered_enterprises for a in reg),
        c14=sum(e.has_valid_contract or e.has_valid_wage_contract for e in base),
        c15=sum(e.above_size and e.has_valid_wage_contract for e in base),
        c16=sum(e.covered_workers for e in ents),
        c17=sum(e.online for e in ents),
        c18_total=sum(assessed(e) for e in ents),
        c18_hundred=sum(assessed(e) for e in big),
        c18_self=sum(e.self_assessed for e in ents),
        c18_external=sum(e.externally_assessed for e in ents),
        c19_letters=sum(x.letters for x in escs),
        c19_rectified=sum(x.rectified for x in escs),
    )


def annex1(units: Iterable[UnitInfo], enterprises: Iterable[EnterpriseFacts] = (),
           area_contracts: Iterable[AreaContractFacts] = (),
           escalations: Iterable[EscalationFacts] = (),
           targets: Targets | None = None) -> Annex1Table:
    """附件1: one row per unit in sort order; the total adds counts and recomputes rates.

    One record per enterprise (its contracts are counts in it), so each counts
    once per column; duplicates or unknown units would skew the total: errors.
    """
    targets = targets or load_targets()
    units = sorted(units, key=lambda u: u.sort_order)  # stable: ties keep input order
    ents, areas, escs = list(enterprises), list(area_contracts), list(escalations)
    dupes = [k for k, times in Counter(e.enterprise_id for e in ents).items() if times > 1]
    if dupes:
        raise ValueError(f"enterprises reported twice: {sorted(map(str, dupes))}")
    stray = {r.unit_id for r in (*ents, *areas, *escs)} - {u.id for u in units}
    if stray:
        raise ValueError(f"records for unknown reporting units: {sorted(map(str, stray))}")
    rows = []
    for u in units:
        counts = _count([e for e in ents if e.unit_id == u.id],
                        [a for a in areas if a.unit_id == u.id],
                        [x for x in escs if x.unit_id == u.id])
        rows.append(Annex1Row(u.id, u.name, **counts, rates=_rates(counts, targets)))
    totals = {f: sum(getattr(r, f) for r in rows) for f in COUNT_FIELDS}
    return Annex1Table(tuple(rows), Annex1Row(None, "合计", **totals, rates=_rates(totals, targets)))
