"""Data-entry rules for collective contracts (pure functions over the form values).

ERRORS are values that cannot be true (more present than members, a reply
before the offer...): the form refuses them. WARNINGS are lawful-procedure
deviations (《集体合同规定》 and 《劳动合同法》): the contract is saved and the
warning shown, because the record must reflect what really happened.
Judging the procedure is the scoring package's job, not this module's.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from scoring.procedure import RegionRules, region_rules
from scoring.tables import load_targets
from ..timefmt import local_today

# The legal clocks and the local minimum wage are data a city can change
# (scoring/rules/regions.yaml, scoring/rules/targets.yaml), never constants here.

NON_NEGATIVE = {
    "worker_reps": "职工方代表人数", "employer_reps": "企业方代表人数", "congress_members": "职代会应到人数",
    "congress_present": "出席人数", "congress_in_favour": "赞成人数", "covered_enterprises": "覆盖企业数",
    "covered_workers": "覆盖职工人数", "covered_new_form_workers": "新就业形态劳动者数",
    "min_wage": "最低工资标准", "piece_rate": "计件单价",
}


@dataclass
class RuleResult:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def _days(later: dt.date | None, earlier: dt.date | None) -> int | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).days


def local_minimum_wage(on: dt.date | None = None, region: str | None = None) -> Decimal | None:
    """The monthly minimum wage in force on a day, from scoring/rules/targets.yaml."""
    targets = load_targets()
    amount = targets.minimum_wage(region or "默认", on or local_today())
    return None if amount is None else Decimal(amount)


def check(values: Mapping[str, Any], *, new_form: bool = False, linked_enterprises: int = 0,
          local_min_wage: Decimal | float | None = None, rules: RegionRules | None = None) -> RuleResult:
    """Errors (by field name) and warnings for one contract's values."""
    v = values.get
    rules = rules or region_rules()
    result = RuleResult()
    for name, label in NON_NEGATIVE.items():
        if v(name) is not None and v(name) < 0:
            result.error(name, f"{label}不能为负数")
    _check_congress(v, result)
    _check_dates(v, result)
    _check_numbers(v, result, linked_enterprises)
    if result.errors:
        return result
    _warn_procedure(v, result, rules)
    if local_min_wage is None:
        local_min_wage = local_minimum_wage(v("signing_date") or v("effective_date"))
    _warn_content(v, result, new_form, None if local_min_wage is None else Decimal(str(local_min_wage)))
    return result


def _check_congress(v, result: RuleResult) -> None:
    members, present, favour = v("congress_members"), v("congress_present"), v("congress_in_favour")
    if members is not None and present is not None and present > members:
        result.error("congress_present", "出席人数不能多于职代会（职工大会）应到人数")
    if present is not None and favour is not None and favour > present:
        result.error("congress_in_favour", "赞成人数不能多于出席人数")
    elif members is not None and favour is not None and favour > members:
        result.error("congress_in_favour", "赞成人数不能多于应到人数")


def _check_dates(v, result: RuleResult) -> None:
    pairs = [
        ("reply_date", "offer_date", "答复日期不能早于要约日期"),
        ("signing_date", "congress_date", "签订日期不能早于职代会（职工大会）审议通过日期"),
        ("submitted_date", "signing_date", "报送人社部门审查的日期不能早于签订日期"),
        ("effective_date", "signing_date", "生效日期不能早于签订日期"),
    ]
    for later, earlier, message in pairs:
        days = _days(v(later), v(earlier))
        if days is not None and days < 0:
            result.error(later, message)


def _check_numbers(v, result: RuleResult, linked: int) -> None:
    term = v("term_years")
    if term is not None and (term <= 0 or term > 10):
        result.error("term_years", "合同期限应大于0年且不超过10年")
    pct = v("wage_increase_pct")
    if pct is not None and not (-50 <= pct <= 100):
        result.error("wage_increase_pct", "工资调整幅度应在 -50% 至 100% 之间")
    workers, new_form = v("covered_workers"), v("covered_new_form_workers")
    if workers is not None and new_form is not None and 0 <= workers < new_form:
        result.error("covered_new_form_workers", "新就业形态劳动者数不能多于覆盖职工人数")
    ents = v("covered_enterprises")
    if ents is not None and ents >= 0 and ents < linked:
        result.error("covered_enterprises", f"覆盖企业数不能少于已关联的平台内企业数（{linked}家）")


def _warn_procedure(v, result: RuleResult, rules: RegionRules) -> None:
    w = result.warnings
    reply = _days(v("reply_date"), v("offer_date"))
    if reply is not None and reply > rules.reply_days:
        w.append(f"收到要约后第{reply}天才答复，超过{rules.reply_days}日（《集体合同规定》第32条）")
    wr, er = v("worker_reps"), v("employer_reps")
    if (wr is not None and wr < rules.reps_min) or (er is not None and er < rules.reps_min):
        w.append(f"协商代表每方应不少于{rules.reps_min}人（《集体合同规定》第19条）")
    if wr is not None and er is not None and wr != er:
        w.append(f"双方协商代表人数不相等（职工方{wr}人、企业方{er}人，《集体合同规定》第19条）")
    members, present, favour = v("congress_members"), v("congress_present"), v("congress_in_favour")
    if members and present is not None and present < math.ceil(members * 2 / 3):
        w.append(f"职代会出席{present}人，不足应到{members}人的三分之二（《集体合同规定》第36条）")
    if members and favour is not None and favour * 2 <= members:
        w.append(f"赞成{favour}人，未超过全体{members}人的半数，草案未获通过（《集体合同规定》第36条）")
    filing = _days(v("submitted_date"), v("signing_date"))
    if filing is not None and filing > rules.filing_days:
        w.append(f"签订后第{filing}天才报送人社部门，超过{rules.filing_days}日（《集体合同规定》第42条）")
    term = v("term_years")
    if term is not None and not (rules.term_min_years <= term <= rules.term_max_years):
        w.append(f"合同期限{term}年，一般应为{rules.term_min_years}至{rules.term_max_years}年（《集体合同规定》第38条）")


def _warn_content(v, result: RuleResult, new_form: bool, local_min: Decimal | None) -> None:
    if v("kind") == "wage" and all(v(n) is None for n in ("wage_increase_pct", "min_wage", "piece_rate")):
        result.warnings.append("工资专项集体合同未填写任何工资数额（调整幅度、最低工资或计件单价）")
    min_wage = v("min_wage")
    if new_form and min_wage is not None and local_min is not None and Decimal(str(min_wage)) < local_min:
        result.warnings.append(
            f"行业最低工资标准{min_wage}元/月低于当地最低工资{local_min}元/月（《劳动合同法》第55条）")
