"""Indicator systems as data: load, validate and hash a YAML definition.

The points, levels, weights and grade bands are proposals a city may change
(DOMAIN §3), so they live in YAML.  A definition is checked once at load, with
errors in Chinese naming the file and the indicator, and identified by the
SHA-256 of its canonical JSON so a stored score always knows which rules
produced it.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

from scoring.procedure import CHECKS, FAIL, PASS

DEFAULT_FILE = Path(__file__).parent / "indicators" / "default.yaml"
RULE_KINDS = ("levels", "proportional", "survey", "procedure")
RATE_KEYS = ("participation", "awareness", "satisfaction", "recognition")
RATE_NAMES = {"participation": "参与率", "awareness": "知晓率",
              "satisfaction": "满意率", "recognition": "企业认可度"}
SOURCES = ("assessment", "survey")
EPS = 1e-9


class IndicatorSystemError(ValueError):
    """The definition is invalid; the message names file, place and problem."""


@dataclass(frozen=True)
class Level:
    key: str
    label: str
    points: float
    min_count: Optional[int] = None     # proportional rules only


@dataclass(frozen=True)
class ProcedureLink:
    """Which level a passing / failing procedure check suggests."""
    check: str
    pass_level: Optional[str]
    fail_level: Optional[str]


@dataclass(frozen=True)
class Rule:
    kind: str
    levels: tuple[Level, ...] = ()
    rate: Optional[str] = None          # survey
    floor: Optional[float] = None       # survey
    target: Optional[float] = None      # survey
    count_label: Optional[str] = None   # proportional
    max_count: Optional[int] = None     # proportional
    checks: tuple[ProcedureLink, ...] = ()  # procedure

    def level(self, key: str) -> Optional[Level]:
        return next((lv for lv in self.levels if lv.key == key), None)

    def level_for_count(self, count: int) -> Level:
        """Highest level whose threshold the count reaches (levels sorted high→low)."""
        return next(lv for lv in self.levels if count >= (lv.min_count or 0))

    def survey_points(self, points: float, rate: float) -> float:
        share = (rate - self.floor) / (self.target - self.floor)
        return points * min(1.0, max(0.0, share))

    def suggest(self, statuses: Mapping[str, str]) -> Optional[str]:
        """Level suggested by procedure check statuses; None if any is unknown."""
        candidates = []
        for link in self.checks:
            status = statuses.get(link.check)
            key = link.pass_level if status == PASS else link.fail_level if status == FAIL else None
            if status not in (PASS, FAIL) or key is None:
                return None
            candidates.append(self.level(key))
        return min(candidates, key=lambda lv: lv.points).key if candidates else None

    def text(self, points: float) -> str:
        if self.kind == "survey":
            return (f"{RATE_NAMES[self.rate]}达到{self.target:.0%}得{_n(points)}分，不高于{self.floor:.0%}得0分，"
                    "其间按比例计分")
        return "；".join(f"{lv.label} {_n(lv.points)}分" for lv in self.levels)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    dimension: str
    points: float
    checks: str
    evidence: tuple[str, ...]
    crucial: bool
    rule: Rule

    @property
    def level_keys(self) -> tuple[str, ...]:
        return tuple(lv.key for lv in self.rule.levels)

    def points_for(self, level_key: str) -> float:
        level = self.rule.level(level_key)
        if level is None:
            raise KeyError(f"指标 {self.code}：无档位 {level_key}（可选：{'、'.join(self.level_keys)}）")
        return level.points

    @functools.cached_property
    def rule_text(self) -> str:
        return self.rule.text(self.points)


@dataclass(frozen=True)
class Dimension:
    code: str
    name: str
    points: float
    source: str                         # assessment | survey
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min: float
    stars: Optional[str] = None


@dataclass(frozen=True)
class Weights:
    self_weight: float
    external_weight: float


@dataclass(frozen=True)
class Discrepancy:
    total: float
    indicator_share: float


@dataclass(frozen=True)
class CrucialCaps:
    one: str
    two_or_more: str


@dataclass(frozen=True)
class Veto:
    cap: str
    events: tuple[tuple[str, str], ...]   # (code, Chinese label)

    def label(self, code: str) -> Optional[str]:
        return dict(self.events).get(code)


@dataclass(frozen=True)
class IndicatorSystem:
    code: str
    version: str
    title: str
    dimensions: tuple[Dimension, ...]
    grade_bands: tuple[GradeBand, ...]  # best first
    weights: Weights
    discrepancy: Discrepancy
    crucial_caps: CrucialCaps
    hash: str
    canonical: str
    veto: Veto
    not_established: str
    total: float
    schema_version: int

    @functools.cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions for i in d.indicators)

    @functools.cached_property
    def assessable(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions if d.source != "survey" for i in d.indicators)

    @functools.cached_property
    def survey_indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for d in self.dimensions if d.source == "survey" for i in d.indicators)

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(f"指标体系 {self.code} 中无指标 {code}")

    def band_for(self, score: float) -> GradeBand:
        return next((b for b in self.grade_bands if score >= b.min - EPS), self.grade_bands[-1])

    def grade_rank(self, grade: str) -> int:
        return [b.grade for b in self.grade_bands].index(grade)   # 0 = best band


def _n(x: float) -> str:
    return f"{round(x, 2):g}"


# ---------------------------------------------------------------- parsing

@dataclass(frozen=True)
class _Parser:
    """Builds the dataclasses; every error goes through `fail` for one format."""

    source: str

    def fail(self, where: str, problem: str) -> IndicatorSystemError:
        return IndicatorSystemError(f"{self.source}{' ' + where if where else ''}：{problem}")

    def get(self, raw: Any, key: str, where: str, kind: type | tuple = object) -> Any:
        if not isinstance(raw, dict) or key not in raw or raw[key] is None:
            raise self.fail(where, f"缺少字段 {key}")
        value = raw[key]
        if kind in (float, (int, float)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.fail(where, f"{key} 应为数字")
            return float(value)
        if not isinstance(value, kind):
            raise self.fail(where, f"字段 {key} 类型错误")
        return value

    def system(self, raw: Any, canonical: str, digest: str) -> IndicatorSystem:
        if not isinstance(raw, dict):
            raise self.fail("", "顶层应为键值表")
        dims_raw = self.get(raw, "dimensions", "", list)
        dims = tuple(self.dimension(d) for d in dims_raw)
        codes = [i.code for d in dims for i in d.indicators] + [d.code for d in dims]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise self.fail(f"指标 {dup[0]}", "编码重复")
        total = self.get(raw, "total", "", float) if "total" in raw else 100.0
        dim_sum = sum(d.points for d in dims)
        if abs(dim_sum - total) > EPS:
            raise self.fail("", f"各维度分值之和 {_n(dim_sum)} 与总分 {_n(total)} 不符")
        bands = self.bands(self.get(raw, "grade_bands", "", list))
        grades = {b.grade for b in bands}
        w = self.get(raw, "weights", "", dict)
        weights = Weights(self.get(w, "self", "权重", float), self.get(w, "external", "权重", float))
        if min(weights.self_weight, weights.external_weight) < 0 or \
                abs(weights.self_weight + weights.external_weight - 1) > EPS:
            raise self.fail("权重", "自评与外评权重应为非负数且之和为1")
        d = self.get(raw, "discrepancy", "", dict)
        disc = Discrepancy(self.get(d, "total", "差异阈值", float),
                           self.get(d, "indicator_share", "差异阈值", float))
        if disc.total <= 0 or not 0 < disc.indicator_share <= 1:
            raise self.fail("差异阈值", "total 应大于0，indicator_share 应在 (0, 1] 内")
        c = self.get(raw, "crucial_caps", "", dict)
        caps = CrucialCaps(self.get(c, "one", "关键指标上限", str),
                           self.get(c, "two_or_more", "关键指标上限", str))
        v = raw.get("veto") or {"cap": caps.one, "events": {}}
        veto = Veto(self.get(v, "cap", "否决事项", str),
                    tuple((str(k), str(lbl)) for k, lbl in (v.get("events") or {}).items()))
        for where, grade in (("关键指标上限", caps.one), ("关键指标上限", caps.two_or_more),
                             ("否决事项", veto.cap)):
            if grade not in grades:
                raise self.fail(where, f"等级 {grade} 不在等级线中")
        return IndicatorSystem(
            code=str(self.get(raw, "code", "")), version=str(self.get(raw, "version", "")),
            title=str(self.get(raw, "title", "")), dimensions=dims, grade_bands=bands,
            weights=weights, discrepancy=disc, crucial_caps=caps, hash=digest,
            canonical=canonical, veto=veto, not_established=str(raw.get("not_established", "未建制")),
            total=total, schema_version=int(self.get(raw, "schema_version", "")))

    def bands(self, raw: list) -> tuple[GradeBand, ...]:
        bands = tuple(GradeBand(str(self.get(b, "grade", "等级线")), self.get(b, "min", "等级线", float),
                                None if b.get("stars") is None else str(b["stars"])) for b in raw)
        mins = [b.min for b in bands]
        if not mins or any(a <= b for a, b in zip(mins, mins[1:])) or mins[-1] != 0:
            raise self.fail("等级线", "下限应由高到低严格递减，且最低等级的下限为0")
        if len({b.grade for b in bands}) != len(bands):
            raise self.fail("等级线", "等级名称重复")
        return bands

    def dimension(self, raw: Any) -> Dimension:
        code = str(self.get(raw, "code", "维度"))
        where = f"维度 {code}"
        source = raw.get("source", "assessment")
        if source not in SOURCES:
            raise self.fail(where, f"source 应为 {'/'.join(SOURCES)}")
        inds = tuple(self.indicator(i, code) for i in self.get(raw, "indicators", where, list))
        points = self.get(raw, "points", where, float)
        total = sum(i.points for i in inds)
        if abs(total - points) > EPS:
            raise self.fail(where, f"指标分值之和 {_n(total)} 与维度分值 {_n(points)} 不符")
        for ind in inds:
            if (ind.rule.kind == "survey") != (source == "survey"):
                raise self.fail(f"指标 {ind.code}", "问卷维度只能使用 survey 规则，其他维度不能使用 survey 规则")
        return Dimension(code, str(self.get(raw, "name", where)), points, source, inds)

    def indicator(self, raw: Any, dim: str) -> Indicator:
        code = str(self.get(raw, "code", f"维度 {dim} 的指标"))
        where = f"指标 {code}"
        points = self.get(raw, "points", where, float)
        if points <= 0:
            raise self.fail(where, "满分应大于0")
        evidence = raw.get("evidence") or []
        if not isinstance(evidence, list):
            raise self.fail(where, "evidence 应为列表")
        rule = self.rule(self.get(raw, "rule", where, dict), where, points)
        return Indicator(code, str(self.get(raw, "name", where)), dim, points,
                         str(raw.get("checks", "")), tuple(str(e) for e in evidence),
                         bool(raw.get("crucial", False)), rule)

    def rule(self, raw: dict, where: str, points: float) -> Rule:
        kind = raw.get("kind")
        if kind not in RULE_KINDS:
            raise self.fail(where, f"规则类型 {kind} 无效（可选：{'、'.join(RULE_KINDS)}）")
        if kind == "survey":
            rate = raw.get("rate")
            if rate not in RATE_KEYS:
                raise self.fail(where, f"问卷比率 {rate} 无效（可选：{'、'.join(RATE_KEYS)}）")
            floor, target = self.get(raw, "floor", where, float), self.get(raw, "target", where, float)
            if not 0 <= floor < target <= 1:
                raise self.fail(where, "问卷阈值应满足 0 ≤ floor < target ≤ 1")
            return Rule(kind, rate=rate, floor=floor, target=target)
        levels = self.levels(self.get(raw, "levels", where, list), where, points, kind)
        keys = {lv.key for lv in levels}
        if kind == "proportional":
            max_count = raw.get("max_count")
            return Rule(kind, levels, count_label=str(raw.get("count_label", "计数项")),
                        max_count=None if max_count is None else int(max_count))
        links = tuple(self.link(x, where, keys) for x in self.get(raw, "checks", where, list)) \
            if kind == "procedure" else ()
        if kind == "procedure" and not links:
            raise self.fail(where, "procedure 规则至少需要一项程序核查")
        return Rule(kind, levels, checks=links)

    def levels(self, raw: list, where: str, points: float, kind: str) -> tuple[Level, ...]:
        levels = []
        for item in raw:
            key = str(self.get(item, "key", where))
            lv_points = self.get(item, "points", where, float)
            if lv_points > points + EPS:
                raise self.fail(where, f"分值档位超过该指标满分（档位 {key} 为 {_n(lv_points)} 分，满分 {_n(points)} 分）")
            if lv_points < 0:
                raise self.fail(where, f"档位 {key} 分值为负")
            min_count = None
            if kind == "proportional":
                min_count = item.get("min_count")
                if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 0:
                    raise self.fail(where, f"档位 {key} 缺少非负整数门槛 min_count")
            levels.append(Level(key, str(item.get("label", key)), lv_points, min_count))
        if len({lv.key for lv in levels}) != len(levels):
            raise self.fail(where, "档位键重复")
        if not any(abs(lv.points - points) < EPS for lv in levels):
            raise self.fail(where, "没有等于满分的档位")
        if not any(abs(lv.points) < EPS for lv in levels):
            raise self.fail(where, "没有0分档位")
        if kind == "proportional":
            counts = [lv.min_count for lv in levels]
            pts = [lv.points for lv in levels]
            if any(a <= b for a, b in zip(counts, counts[1:])) or any(a <= b for a, b in zip(pts, pts[1:])):
                raise self.fail(where, "计数门槛应由高到低排列，且分值随门槛递减")
            if counts[-1] != 0:
                raise self.fail(where, "最低档位的计数门槛应为0")
        return tuple(levels)

    def link(self, raw: Any, where: str, keys: set[str]) -> ProcedureLink:
        check = str(self.get(raw, "check", where))
        if check not in CHECKS:
            raise self.fail(where, f"程序核查 {check} 不存在（可选：{'、'.join(CHECKS)}）")
        pass_level, fail_level = raw.get("pass"), raw.get("fail")
        for key in (pass_level, fail_level):
            if key is not None and key not in keys:
                raise self.fail(where, f"程序核查 {check} 指向不存在的档位 {key}")
        return ProcedureLink(check, pass_level, fail_level)


def canonical_json(data: Any) -> str:
    """Key order, comments and whitespace of the YAML do not change this."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def parse_system(text: str, source: str = "<text>") -> IndicatorSystem:
    """Parse and validate one indicator-system YAML text."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IndicatorSystemError(f"{source}：YAML 解析失败：{exc}") from exc
    canonical = canonical_json(raw)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return _Parser(source).system(raw, canonical, digest)


def load_system(path: str | Path) -> IndicatorSystem:
    path = Path(path)
    return parse_system(path.read_text(encoding="utf-8"), path.name)


@functools.lru_cache(maxsize=1)
def default_system() -> IndicatorSystem:
    return load_system(DEFAULT_FILE)
