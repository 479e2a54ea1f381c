"""Legal procedure checks on one collective contract (DOMAIN §2).

Each check is a pure function of a `ContractRecord` and the region's legal
clocks (`RegionRules`, kept in rules/regions.yaml so a city can change them
without a code change).  A check never guesses: when a figure is missing it
answers 'unknown' and says what is missing, so a blank field is never read as
compliance.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Callable, Optional

import yaml

RULES_DIR = Path(__file__).parent / "rules"
REGIONS_FILE = RULES_DIR / "regions.yaml"

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
STATUSES = (PASS, FAIL, UNKNOWN)


@dataclass(frozen=True)
class ContractRecord:
    """What the archive says about one contract; every field may be missing."""

    kind: Optional[str] = None            # comprehensive | wage | female
    scope: Optional[str] = None           # enterprise | industry | regional
    offer_by: Optional[str] = None        # enterprise_union | upper_union | employer
    offer_date: Optional[date] = None     # date the offer reached the other side
    reply_date: Optional[date] = None
    reply_written: Optional[bool] = None
    worker_reps: Optional[int] = None
    employer_reps: Optional[int] = None
    worker_chief_is_chair: Optional[bool] = None
    outside_experts_worker: Optional[int] = None
    outside_experts_employer: Optional[int] = None
    meeting_dates: tuple[date, ...] = ()
    congress_members: Optional[int] = None
    congress_present: Optional[int] = None
    congress_in_favour: Optional[int] = None
    signing_date: Optional[date] = None
    submitted_date: Optional[date] = None
    review_result: Optional[str] = None   # pending | no_objection | objection | objection_resolved
    effective_date: Optional[date] = None
    term_years: Optional[float] = None
    wage_increase_pct: Optional[float] = None
    min_wage: Optional[float] = None
    piece_rate: Optional[float] = None
    wage_terms_text: Optional[str] = None
    published_date: Optional[date] = None


@dataclass(frozen=True)
class RegionRules:
    """Legal clocks of one region (days are calendar days)."""

    name: str
    reply_days: int
    filing_days: int
    review_days: int
    reps_min: int
    reps_warn_max: int
    term_min_years: float
    term_max_years: float
    publication_days: int


@dataclass(frozen=True)
class CheckResult:
    code: str
    name: str
    status: str          # pass | fail | unknown
    reason: str          # Chinese, with the figures
    basis: str           # legal article


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    basis: str
    func: Callable[[ContractRecord, RegionRules], tuple[str, str]]

    def __call__(self, record: ContractRecord, rules: RegionRules) -> CheckResult:
        status, reason = self.func(record, rules)
        return CheckResult(self.code, self.name, status, reason, self.basis)


class RegionRulesError(ValueError):
    """regions.yaml is malformed or names an unknown region."""


# ---------------------------------------------------------------- regions

_RULE_FIELDS = tuple(f.name for f in fields(RegionRules) if f.name != "name")
_INT_FIELDS = {"reply_days", "filing_days", "review_days", "reps_min",
               "reps_warn_max", "publication_days"}


def parse_regions(text: str, source: str = "regions.yaml") -> dict[str, RegionRules]:
    """Parse a regions file; regions inherit missing clocks from 默认."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RegionRulesError(f"{source}：YAML 解析失败：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise RegionRulesError(f"{source}：缺少 regions 表")
    raw = data["regions"]
    base = raw.get("默认")
    if not isinstance(base, dict):
        raise RegionRulesError(f"{source}：缺少 默认 地区")
    out: dict[str, RegionRules] = {}
    for name, values in raw.items():
        values = values or {}
        if not isinstance(values, dict):
            raise RegionRulesError(f"{source} 地区 {name}：应为键值表")
        unknown = set(values) - set(_RULE_FIELDS)
        if unknown:
            raise RegionRulesError(f"{source} 地区 {name}：未知字段 {'、'.join(sorted(unknown))}")
        merged = {**base, **values}
        missing = [k for k in _RULE_FIELDS if k not in merged]
        if missing:
            raise RegionRulesError(f"{source} 地区 {name}：缺少字段 {'、'.join(missing)}")
        for key in _RULE_FIELDS:
            v = merged[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise RegionRulesError(f"{source} 地区 {name}：{key} 应为非负数")
            if key in _INT_FIELDS and v != int(v):
                raise RegionRulesError(f"{source} 地区 {name}：{key} 应为整数")
        if merged["term_min_years"] > merged["term_max_years"]:
            raise RegionRulesError(f"{source} 地区 {name}：合同期限下限大于上限")
        if merged["reps_min"] > merged["reps_warn_max"]:
            raise RegionRulesError(f"{source} 地区 {name}：代表人数下限大于提示上限")
        out[str(name)] = RegionRules(
            name=str(name),
            **{k: (int(merged[k]) if k in _INT_FIELDS else float(merged[k])) for k in _RULE_FIELDS},
        )
    default = data.get("default", "默认")
    if default not in out:
        raise RegionRulesError(f"{source}：默认地区 {default} 未定义")
    out[None] = out[default]  # type: ignore[index]
    return out


@functools.lru_cache(maxsize=1)
def _regions() -> dict:
    return parse_regions(REGIONS_FILE.read_text(encoding="utf-8"), REGIONS_FILE.name)


def region_rules(name: Optional[str] = None) -> RegionRules:
    """The legal clocks of `name` (None → the file's default region)."""
    regions = _regions()
    if name not in regions:
        known = "、".join(sorted(k for k in regions if k is not None))
        raise RegionRulesError(f"{REGIONS_FILE.name}：未定义地区 {name}（已定义：{known}）")
    return regions[name]


# ---------------------------------------------------------------- helpers

def _missing(*pairs: tuple[object, str]) -> Optional[str]:
    names = [label for value, label in pairs if value is None]
    return "缺少" + "、".join(names) + "，无法判断" if names else None


def _num(x: float) -> str:
    return f"{x:g}"


# ---------------------------------------------------------------- checks

def check_offer_reply(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    miss = _missing((r.offer_date, "要约送达日期"), (r.reply_date, "答复日期"))
    if miss:
        return UNKNOWN, miss
    days = (r.reply_date - r.offer_date).days
    if days < 0:
        return UNKNOWN, f"答复日期 {r.reply_date} 早于要约送达日期 {r.offer_date}，数据有误"
    head = f"要约于{r.offer_date}送达，{r.reply_date}答复，间隔{days}天"
    if days > rules.reply_days:
        return FAIL, f"{head}，超过法定{rules.reply_days}天"
    if r.reply_written is False:
        return FAIL, f"{head}，但答复非书面形式"
    if r.reply_written is None:
        return UNKNOWN, f"{head}，未超过{rules.reply_days}天，但缺少答复是否书面的记录"
    return PASS, f"{head}，未超过法定{rules.reply_days}天，书面答复"


def check_reps(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    miss = _missing((r.worker_reps, "职工方代表人数"), (r.employer_reps, "企业方代表人数"))
    if miss:
        return UNKNOWN, miss
    w, e = r.worker_reps, r.employer_reps
    head = f"职工方代表{w}人，企业方代表{e}人"
    problems = []
    if min(w, e) < rules.reps_min:
        problems.append(f"少于每方{rules.reps_min}人")
    if w != e:
        problems.append("双方人数不对等")
    if problems:
        return FAIL, f"{head}，" + "，".join(problems)
    text = f"{head}，人数对等且不少于{rules.reps_min}人"
    if max(w, e) > rules.reps_warn_max:
        text += f"；提示：超过{rules.reps_warn_max}人，请核实是否符合地方规定"
    return PASS, text


def check_congress(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    miss = _missing((r.congress_members, "职代会代表（职工）总数"),
                    (r.congress_present, "出席人数"),
                    (r.congress_in_favour, "赞成人数"))
    if miss:
        return UNKNOWN, miss
    m, p, y = r.congress_members, r.congress_present, r.congress_in_favour
    if m <= 0 or p > m or y > p or p < 0 or y < 0:
        return UNKNOWN, f"应到{m}人、出席{p}人、赞成{y}人，数据不一致"
    quorum = (2 * m + 2) // 3          # ceil(2/3·m) without floating point
    head = f"应到{m}人，出席{p}人，赞成{y}人"
    problems = []
    if p < quorum:
        problems.append(f"出席人数不足三分之二（至少{quorum}人）")
    if 2 * y <= m:
        problems.append(f"赞成人数未超过全体半数（至少{m // 2 + 1}人）")
    if problems:
        return FAIL, f"{head}，" + "，".join(problems)
    return PASS, f"{head}，出席达到三分之二（{quorum}人），赞成超过全体半数"


def check_filing(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    miss = _missing((r.signing_date, "签字日期"), (r.submitted_date, "报送审查日期"))
    if miss:
        return UNKNOWN, miss
    days = (r.submitted_date - r.signing_date).days
    if days < 0:
        return UNKNOWN, f"报送日期 {r.submitted_date} 早于签字日期 {r.signing_date}，数据有误"
    head = f"合同于{r.signing_date}签字，{r.submitted_date}报送审查，间隔{days}天"
    if days > rules.filing_days:
        return FAIL, f"{head}，超过法定{rules.filing_days}天"
    return PASS, f"{head}，未超过法定{rules.filing_days}天"


def check_term(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    if r.term_years is None:
        return UNKNOWN, "缺少合同期限，无法判断"
    t, lo, hi = r.term_years, rules.term_min_years, rules.term_max_years
    if t < lo or t > hi:
        return FAIL, f"合同期限{_num(t)}年，不在{_num(lo)}–{_num(hi)}年之间"
    return PASS, f"合同期限{_num(t)}年，在{_num(lo)}–{_num(hi)}年之间"


_FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|元)")


def check_wage_terms(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    if r.kind is None:
        return UNKNOWN, "缺少合同类型，无法判断"
    if r.kind != "wage":
        return PASS, "非工资专项集体合同，本项不适用"
    figures = []
    if r.wage_increase_pct is not None:
        figures.append(f"工资调整幅度{_num(r.wage_increase_pct)}%")
    if r.min_wage is not None:
        figures.append(f"企业最低工资{_num(r.min_wage)}元")
    if r.piece_rate is not None:
        figures.append(f"计件单价{_num(r.piece_rate)}元")
    if figures:
        return PASS, "工资专项合同载明具体数额：" + "、".join(figures)
    if r.wage_terms_text is None:
        return UNKNOWN, "缺少工资调整幅度、最低工资、计件单价及工资条款文本，无法判断"
    found = _FIGURE.findall(r.wage_terms_text)
    if found:
        return PASS, "工资条款文本含具体数额：" + "、".join(found[:3])
    return FAIL, "工资专项合同未载明工资调整幅度、最低工资或计件单价等具体数额"


_REVIEW_TEXT = {
    "pending": "审查结果待定",
    "no_objection": "人社部门未提出异议",
    "objection": "人社部门提出审查意见，尚未落实",
    "objection_resolved": "审查意见已落实，重新报送",
}


def check_effective(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    if r.review_result is None:
        return UNKNOWN, "缺少审查结果，无法判断"
    if r.review_result not in _REVIEW_TEXT:
        return UNKNOWN, f"审查结果 {r.review_result} 无法识别"
    text = _REVIEW_TEXT[r.review_result]
    if r.effective_date is not None:
        text += f"，生效日期{r.effective_date}"
    if r.review_result == "pending":
        return UNKNOWN, f"{text}（收到文本{rules.review_days}日内未提出异议即生效）"
    if r.review_result == "objection":
        return FAIL, text
    return PASS, text


def check_publication(r: ContractRecord, rules: RegionRules) -> tuple[str, str]:
    miss = _missing((r.effective_date, "生效日期"), (r.published_date, "公示日期"))
    if miss:
        return UNKNOWN, miss
    days = (r.published_date - r.effective_date).days
    head = f"合同于{r.effective_date}生效，{r.published_date}公示，间隔{days}天"
    if days > rules.publication_days:
        return FAIL, f"{head}，超过{rules.publication_days}天"
    return PASS, f"{head}，未超过{rules.publication_days}天"


CHECKS: dict[str, Check] = {c.code: c for c in (
    Check("offer_reply", "要约按期书面答复", "《集体合同规定》第32条", check_offer_reply),
    Check("reps", "协商代表人数对等", "《集体合同规定》第19条", check_reps),
    Check("congress", "职代会审议通过", "《集体合同规定》第36条；《劳动合同法》第51条", check_congress),
    Check("filing", "按期报送审查", "《集体合同规定》第42条", check_filing),
    Check("term", "合同期限", "《集体合同规定》第38条", check_term),
    Check("wage_terms", "工资条款含具体数额", "《集体合同规定》第9条；《山东省企业工资集体协商条例》", check_wage_terms),
    Check("effective", "审查生效", "《集体合同规定》第44–47条；《劳动合同法》第54条", check_effective),
    Check("publication", "生效后公示", "《集体合同规定》第48条", check_publication),
)}


def run_checks(record: ContractRecord, rules: Optional[RegionRules] = None) -> tuple[CheckResult, ...]:
    """Run every registered check in registry order."""
    rules = rules or region_rules()
    return tuple(check(record, rules) for check in CHECKS.values())
