"""Problems found in one enterprise result, from rules kept as data.

Which score raises which problem, its wording, deadline and owner are proposals
(DOMAIN §6), so they live in rules/problems.yaml.  Rules are validated at load
(errors name the file and the rule) and applied to an `EnterpriseResult`, which
already carries every figure a description needs.
"""
from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from scoring.combine import EnterpriseResult, IndicatorBreakdown
from scoring.indicator_system import EPS, RATE_KEYS, RATE_NAMES, IndicatorSystem, default_system
from scoring.laws import Laws, LawsError, default_laws
from scoring.procedure import CHECKS, STATUSES

PROBLEMS_FILE = Path(__file__).parent / "rules" / "problems.yaml"
CATEGORIES = ("主体", "程序", "内容", "履行", "满意度", "差异")
SEVERITIES = ("重大", "一般", "提示")
OWNERS = ("职工方", "企业方", "双方")
COMPARISONS = ("below", "equals", "at_most")
VETO_CODES = ("wage_arrears", "collective_incident", "review_unresolved")
_CODE = re.compile(r"^P-[A-Z]+-\d{2}$")
# a letter's fact is read by an employer: no rule or indicator code, no template variable
_FACT_FORBIDDEN = re.compile(r"P-[A-Z]+-\d|\b[A-E]\d{1,2}\b|[{}]|满分")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

# Template variables each trigger kind supplies (sample values used to validate templates).
_IND_VARS = {"code": "B2", "name": "名称", "points": "1", "points_max": "3", "self_points": "3",
             "external_points": "1", "reason": "原因"}
_VARS = {
    "indicator": _IND_VARS,
    "check": {**_IND_VARS, "check_name": "核查", "reason": "原因"},
    "veto": {**_IND_VARS, "event": "事项"},
    "rate": {"code": "E1", "name": "名称", "rate": 0.5, "n": 100, "target": 0.8, "floor": 0.5,
             "rate_name": "参与率", "reason": "原因"},
    "insufficient_survey": {"code": "E1", "name": "名称", "n": 10, "rate_name": "参与率", "reason": "原因"},
    "discrepancy": {"self_total": "80", "external_total": "60", "diff": "20", "indicators": "B2",
                    "reason": "原因"},
}


class ProblemRuleError(ValueError):
    """problems.yaml is invalid; the message names the file and the rule."""


@dataclass(frozen=True)
class Trigger:
    kind: str                 # indicator | check | veto | rate | insufficient_survey | discrepancy
    indicator: Optional[str] = None
    comparison: Optional[str] = None     # below | equals | at_most
    level: Optional[str | float] = None  # level key or points
    check: Optional[str] = None
    status: Optional[str] = None
    rate: Optional[str] = None
    event: Optional[str] = None


@dataclass(frozen=True)
class ProblemRule:
    code: str
    category: str
    severity: str
    title: str
    triggers: tuple[Trigger, ...]        # any of them
    description: str
    requirement: str
    deadline_days: int
    owner: str
    basis: str
    fact: str = ""                 # plain Chinese for letters (no codes, no scores)
    laws: tuple[str, ...] = ()     # articles in rules/laws.yaml, e.g. "集体合同规定 42"


def instance_key(code: str, indicator: Optional[str]) -> tuple[str, str]:
    """What one problem instance is: its rule and the indicator (or check) it fired on.

    ``detect_problems`` fires a rule at most once per indicator, so this key is
    unique within one result; every check trigger names its indicator, and a
    rule without one (the self/external discrepancy) fires once.  One
    rectification item tracks each instance.
    """
    return code, indicator or ""


@dataclass(frozen=True)
class Problem:
    code: str
    category: str
    severity: str
    indicator: Optional[str]
    title: str
    description: str
    requirement: str
    deadline_days: int
    owner: str
    basis: str
    fact: str = ""  # the letter's plain statement of the facts, with the case's figures

    @property
    def key(self) -> tuple[str, str]:
        return instance_key(self.code, self.indicator)


# ---------------------------------------------------------------- loading

def _trigger(raw: Any, fail) -> Trigger:
    if not isinstance(raw, dict):
        raise fail("trigger 应为键值表")
    ind = raw.get("indicator")
    if "check" in raw:
        if raw["check"] not in CHECKS:
            raise fail(f"程序核查 {raw['check']} 不存在")
        if raw.get("status") not in STATUSES:
            raise fail(f"程序核查状态 {raw.get('status')} 无效")
        return Trigger("check", ind, check=raw["check"], status=raw["status"])
    if "veto" in raw:
        if raw["veto"] not in VETO_CODES:
            raise fail(f"否决事项 {raw['veto']} 不存在")
        return Trigger("veto", ind, event=raw["veto"])
    if "rate" in raw:
        if raw["rate"] not in RATE_KEYS or raw.get("below_target") is not True:
            raise fail(f"比率触发条件应为 {{rate: {'|'.join(RATE_KEYS)}, below_target: true}}")
        return Trigger("rate", rate=raw["rate"])
    if raw.get("insufficient_survey") is True:
        return Trigger("insufficient_survey")
    if raw.get("discrepancy") is True:
        return Trigger("discrepancy")
    if ind is not None:
        found = [c for c in COMPARISONS if c in raw]
        if len(found) != 1:
            raise fail(f"指标 {ind} 的触发条件应有且只有一个比较（{'/'.join(COMPARISONS)}）")
        return Trigger("indicator", str(ind), comparison=found[0], level=raw[found[0]])
    raise fail(f"无法识别的触发条件 {raw}")


def _check_against(rule: ProblemRule, system: IndicatorSystem, fail) -> None:
    """Indicator codes and level keys named by the rule exist in the system."""
    codes = {i.code for i in system.indicators}
    for t in rule.triggers:
        if t.indicator is None:
            continue
        if t.indicator not in codes:
            raise fail(f"指标 {t.indicator} 不在指标体系 {system.code} 中")
        if isinstance(t.level, str) and t.level not in system.indicator(t.indicator).level_keys:
            raise fail(f"指标 {t.indicator} 无档位 {t.level}")


def _laws_of(raw: dict, laws: Laws, fail) -> tuple[str, ...]:
    refs = raw.get("laws")
    if not isinstance(refs, list) or not refs:
        raise fail("缺少 laws（文书引用的法律条文，如 “集体合同规定 42”）")
    try:
        return tuple(a.ref for a in laws.cite(str(r) for r in refs))
    except LawsError as exc:
        raise fail(str(exc)) from exc


def parse_rules(text: str, source: str = "problems.yaml",
                system: Optional[IndicatorSystem] = None, laws: Optional[Laws] = None) -> tuple[ProblemRule, ...]:
    """Parse and validate problem rules (against `system` when given, and the cited laws)."""
    laws = default_laws() if laws is None else laws
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProblemRuleError(f"{source}：YAML 解析失败：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ProblemRuleError(f"{source}：缺少 rules 列表")
    out, seen = [], set()
    for k, raw in enumerate(data["rules"], 1):
        code = raw.get("code") if isinstance(raw, dict) else None
        where = f"{source} 规则 {code or f'第{k}条'}"

        def fail(msg: str, where: str = where) -> ProblemRuleError:
            return ProblemRuleError(f"{where}：{msg}")

        if not isinstance(code, str) or not _CODE.match(code):
            raise fail("编码应形如 P-PROC-01")
        if code in seen:
            raise fail("编码重复")
        seen.add(code)
        for key in ("title", "description", "requirement", "basis", "fact", "trigger"):
            if not raw.get(key):
                raise fail(f"缺少字段 {key}")
        for key, allowed in (("category", CATEGORIES), ("severity", SEVERITIES), ("owner", OWNERS)):
            if raw.get(key) not in allowed:
                raise fail(f"{key} 应为 {'/'.join(allowed)} 之一")
        days = raw.get("deadline_days")
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            raise fail("deadline_days 应为正整数")
        trig = raw["trigger"]
        subs = trig["any"] if isinstance(trig, dict) and "any" in trig else [trig]
        if not isinstance(subs, list) or not subs:
            raise fail("any 应为非空列表")
        triggers = tuple(_trigger(t, fail) for t in subs)
        for t in triggers:
            for template in (raw["description"], raw["title"]):
                try:
                    string.Formatter().vformat(str(template), (), _VARS[t.kind])
                except (KeyError, IndexError, ValueError) as exc:
                    raise fail(f"描述模板变量 {exc} 不适用于 {t.kind} 类触发条件") from exc
        fact = str(raw["fact"]).strip().rstrip("。")
        if _FACT_FORBIDDEN.search(fact):
            raise fail("fact 是写给企业的事实陈述，不得含问题编码、指标编码、分值或模板变量")
        rule = ProblemRule(code, raw["category"], raw["severity"], str(raw["title"]), triggers,
                           str(raw["description"]), str(raw["requirement"]), days,
                           raw["owner"], str(raw["basis"]), fact, _laws_of(raw, laws, fail))
        if system is not None:
            _check_against(rule, system, fail)
        out.append(rule)
    return tuple(out)


def load_rules(path: str | Path, system: Optional[IndicatorSystem] = None) -> tuple[ProblemRule, ...]:
    path = Path(path)
    return parse_rules(path.read_text(encoding="utf-8"), path.name, system)


@functools.lru_cache(maxsize=1)
def default_rules() -> tuple[ProblemRule, ...]:
    return load_rules(PROBLEMS_FILE, default_system())


# ---------------------------------------------------------------- detection

def _n(x: Optional[float]) -> str:
    return "—" if x is None else f"{round(x, 2):g}"


def _ind_vars(row: Optional[IndicatorBreakdown]) -> dict:
    if row is None:
        return {k: "—" for k in _IND_VARS}
    return {"code": row.code, "name": row.name, "points": _n(row.basis_points),
            "points_max": _n(row.points_max), "self_points": _n(row.self_points),
            "external_points": _n(row.external_points),
            "reason": f"{row.code} {row.name} 得 {_n(row.basis_points)} 分（满分 {_n(row.points_max)}）"}


def _detail(kind: str, values: dict) -> str:
    """The case's own figures for the letter, in plain Chinese ("" when only a score fired)."""
    if kind in ("check", "veto"):
        return _ISO_DATE.sub(lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", str(values.get("reason") or ""))
    if kind == "rate":
        return (f"{values['rate_name']}为{values['rate']:.1%}（有效样本{values['n']}份），"
                f"低于{values['target']:.0%}的目标")
    if kind == "insufficient_survey":
        return f"{values['rate_name']}的有效样本仅{values['n']}份，未达到最低样本量"
    if kind == "discrepancy":
        return f"企业自评{values['self_total']}分，外部评估{values['external_total']}分，相差{values['diff']}分"
    return ""


def letter_fact(rule: ProblemRule, detail: str = "") -> str:
    """``<rule's fact>：<the case's figures>。``"""
    return rule.fact + (f"：{detail}" if detail else "") + "。"


def _threshold(rule: ProblemRule, row: IndicatorBreakdown, level: str | float) -> float:
    if not isinstance(level, str):
        return float(level)
    found = next((lv for lv in row.levels if lv.key == level), None)
    if found is None:
        raise ProblemRuleError(f"规则 {rule.code}：指标 {row.code} 无档位 {level}")
    return found.points


def _match(rule: ProblemRule, t: Trigger, res: EnterpriseResult,
           rows: dict[str, IndicatorBreakdown]) -> list[tuple[Optional[str], dict]]:
    """(indicator, template variables) for each way the trigger fires."""
    row = rows.get(t.indicator) if t.indicator else None
    if t.kind == "indicator":
        if row is None:
            return []
        limit, p = _threshold(rule, row, t.level), row.basis_points
        hit = {"below": p < limit - EPS, "equals": abs(p - limit) < EPS, "at_most": p <= limit + EPS}
        return [(row.code, _ind_vars(row))] if hit[t.comparison] else []
    if t.kind == "check":
        found = [c for c in res.checks if c.code == t.check and c.status == t.status]
        return [(t.indicator, {**_ind_vars(row), "check_name": c.name, "reason": c.reason})
                for c in found[:1]]
    if t.kind == "veto":
        if t.event not in res.veto_events:
            return []
        label = res.veto_labels[res.veto_events.index(t.event)]
        return [(t.indicator, {**_ind_vars(row), "event": label, "reason": label})]
    survey = [r for r in res.indicators if r.rate_key is not None]
    if t.kind == "rate":
        return [(r.code, {"code": r.code, "name": r.name, "rate": r.survey_rate, "n": r.survey_n,
                          "target": r.survey_target, "floor": r.survey_floor,
                          "rate_name": RATE_NAMES[r.rate_key],
                          "reason": f"{r.name} {r.survey_rate:.1%}，低于目标 {r.survey_target:.0%}"})
                for r in survey if r.rate_key == t.rate and not r.survey_insufficient
                and r.survey_rate < r.survey_target - EPS]
    if t.kind == "insufficient_survey":
        return [(r.code, {"code": r.code, "name": r.name, "n": r.survey_n,
                          "rate_name": RATE_NAMES[r.rate_key], "reason": f"{r.name}有效样本不足"})
                for r in survey if r.survey_insufficient]
    if t.kind == "discrepancy" and res.discrepancy:
        diff = abs(res.self_total - res.external_total)
        return [(None, {"self_total": _n(res.self_total), "external_total": _n(res.external_total),
                        "diff": _n(diff), "indicators": "、".join(res.discrepancy_indicators) or "无",
                        "reason": f"自评与外评相差 {_n(diff)} 分"})]
    return []


def detect_problems(result: EnterpriseResult,
                    rules: Optional[tuple[ProblemRule, ...]] = None) -> tuple[Problem, ...]:
    """Problems in rule order; a rule fires at most once per indicator."""
    rules = default_rules() if rules is None else rules
    rows = {r.code: r for r in result.indicators}
    out: list[Problem] = []
    for rule in rules:
        seen: set[Optional[str]] = set()
        for t in rule.triggers:
            for indicator, values in _match(rule, t, result, rows):
                if indicator in seen:
                    continue
                seen.add(indicator)
                basis = rule.basis
                if indicator and indicator in rows and not basis.startswith("指标"):
                    basis = f"指标 {indicator} {rows[indicator].name}；{basis}"
                out.append(Problem(rule.code, rule.category, rule.severity, indicator,
                                   rule.title.format(**values), rule.description.format(**values),
                                   rule.requirement, rule.deadline_days, rule.owner, basis,
                                   letter_fact(rule, _detail(t.kind, values))))
    return tuple(out)
