"""Score one enterprise: self, external and survey parts into a final grade.

Pure functions over frozen dataclasses.  The result keeps every intermediate
figure (per indicator, per dimension, caps and flags) so a report can show how
each number follows from the inputs; `explain()` writes that trace in Chinese.
Floats are kept internally; result fields are rounded to 2 places only at
the end, and the grade is read from the rounded final score so the report never
shows 90.00 next to 良好.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

from scoring.indicator_system import EPS, RATE_NAMES, Indicator, IndicatorSystem, Level
from scoring.procedure import FAIL, CheckResult

ScoreValue = Union[str, int, float]
Scores = Mapping[str, ScoreValue]   # code → level key (or item count for proportional rules)


class ScoringError(ValueError):
    """Inputs do not fit the indicator system; the message is Chinese."""


@dataclass(frozen=True)
class RateInput:
    value: Optional[float] = None       # 0..1; None = not measured
    n: int = 0                          # valid responses behind the rate
    sufficient: bool = True             # enough responses (survey package decides)


@dataclass(frozen=True)
class SurveyRates:
    participation: RateInput = RateInput()
    awareness: RateInput = RateInput()
    satisfaction: RateInput = RateInput()
    recognition: RateInput = RateInput()

    def get(self, key: str) -> RateInput:
        return getattr(self, key)


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    level: Optional[str]                # None when not scored
    count: Optional[int]                # proportional rules: counted items
    points: float


@dataclass(frozen=True)
class AssessmentScore:
    indicators: tuple[IndicatorScore, ...]
    dimensions: tuple[tuple[str, float], ...]   # (code, points) for A–D
    total: float
    missing: tuple[str, ...] = ()

    def get(self, code: str) -> Optional[IndicatorScore]:
        return next((s for s in self.indicators if s.code == code), None)


@dataclass(frozen=True)
class SurveyPoints:
    code: str
    rate_key: str
    rate: Optional[float]
    n: int
    floor: float
    target: float
    points_max: float
    points: float
    insufficient: bool


@dataclass(frozen=True)
class IndicatorBreakdown:
    code: str
    name: str
    dimension: str
    points_max: float
    crucial: bool
    rule_kind: str
    rule_text: str
    levels: tuple[Level, ...]
    self_level: Optional[str] = None
    self_points: Optional[float] = None
    external_levels: tuple[Optional[str], ...] = ()
    external_each: tuple[float, ...] = ()      # each evaluator's points
    external_points: Optional[float] = None    # their mean
    combined_points: float = 0.0
    basis_points: float = 0.0                  # external mean if any, else self: used for caps/problems
    suggested_level: Optional[str] = None      # from procedure checks
    discrepancy: bool = False
    rate_key: Optional[str] = None
    survey_rate: Optional[float] = None
    survey_n: Optional[int] = None
    survey_floor: Optional[float] = None
    survey_target: Optional[float] = None
    survey_insufficient: bool = False


@dataclass(frozen=True)
class DimensionBreakdown:
    code: str
    name: str
    points_max: float
    source: str
    self_points: Optional[float]
    external_points: Optional[float]
    combined_points: float


@dataclass(frozen=True)
class EnterpriseResult:
    system_code: str
    system_version: str
    system_hash: str
    weights: tuple[float, float]
    indicators: tuple[IndicatorBreakdown, ...]
    dimensions: tuple[DimensionBreakdown, ...]
    self_total: float
    external_total: Optional[float]
    evaluator_count: int
    assessment_total: float             # A–D after weighting
    survey_total: float
    final: float
    uncapped_grade: str
    grade: str
    stars: Optional[str]
    graded: bool
    cap_reasons: tuple[str, ...]
    crucial_zero: tuple[str, ...]
    veto_events: tuple[str, ...]
    veto_labels: tuple[str, ...]        # Chinese, aligned with veto_events
    discrepancy_total: bool
    discrepancy_indicators: tuple[str, ...]
    survey_insufficient: tuple[str, ...]   # rate keys
    checks: tuple[CheckResult, ...] = field(default=())

    def indicator(self, code: str) -> IndicatorBreakdown:
        return next(i for i in self.indicators if i.code == code)

    def dimension(self, code: str) -> DimensionBreakdown:
        return next(d for d in self.dimensions if d.code == code)

    @property
    def discrepancy(self) -> bool:
        return self.discrepancy_total or bool(self.discrepancy_indicators)

    def explain(self) -> tuple[str, ...]:
        """Lines that show how each figure follows from the inputs."""
        return _explain(self)


def _n(x: Optional[float]) -> str:
    return "—" if x is None else f"{round(x, 2):g}"


# ---------------------------------------------------------------- assessment

def _score_one(ind: Indicator, value: ScoreValue, label: str) -> IndicatorScore:
    if isinstance(value, str):
        level = ind.rule.level(value)
        if level is None:
            raise ScoringError(f"{label} 指标 {ind.code}：档位 {value} 不存在（可选：{'、'.join(ind.level_keys)}）")
        return IndicatorScore(ind.code, level.key, None, level.points)
    if ind.rule.kind == "proportional" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != int(value) or value < 0:
            raise ScoringError(f"{label} 指标 {ind.code}：计数 {value} 应为非负整数")
        if ind.rule.max_count is not None and value > ind.rule.max_count:
            raise ScoringError(f"{label} 指标 {ind.code}：计数 {value} 超过上限 {ind.rule.max_count}")
        level = ind.rule.level_for_count(int(value))
        return IndicatorScore(ind.code, level.key, int(value), level.points)
    raise ScoringError(f"{label} 指标 {ind.code}：应填写档位（{'、'.join(ind.level_keys)}），不能填 {value!r}")


def score_assessment(system: IndicatorSystem, scores: Scores, *, allow_missing: bool = False,
                     label: str = "自评") -> AssessmentScore:
    """Points of one self or external assessment over the assessable dimensions (A–D)."""
    assessable = {i.code: i for i in system.assessable}
    for code in scores:
        if code not in assessable:
            if any(i.code == code for i in system.survey_indicators):
                raise ScoringError(f"{label} 指标 {code}：由问卷计算，不能自评或外评打分")
            raise ScoringError(f"{label}：指标体系 {system.code} 中无指标 {code}")
    items, missing = [], []
    for code, ind in assessable.items():
        if code not in scores or scores[code] is None:
            missing.append(code)
            items.append(IndicatorScore(code, None, None, 0.0))
        else:
            items.append(_score_one(ind, scores[code], label))
    if missing and not allow_missing:
        raise ScoringError(f"{label}：以下指标未评分：{'、'.join(missing)}")
    by_code = {s.code: s.points for s in items}
    dims = tuple((d.code, sum(by_code[i.code] for i in d.indicators))
                 for d in system.dimensions if d.source != "survey")
    return AssessmentScore(tuple(items), dims, sum(p for _, p in dims), tuple(missing))


# ---------------------------------------------------------------- survey

def survey_points(system: IndicatorSystem, rates: Optional[SurveyRates]) -> tuple[SurveyPoints, ...]:
    """E-dimension points; a rate without enough responses scores 0 and is flagged."""
    rates = rates or SurveyRates()
    out = []
    for ind in system.survey_indicators:
        r = ind.rule
        given = rates.get(r.rate)
        if given.value is not None and not 0 <= given.value <= 1:
            raise ScoringError(f"问卷 {RATE_NAMES[r.rate]}：比率 {given.value} 应在 0–1 之间")
        insufficient = given.value is None or not given.sufficient
        pts = 0.0 if insufficient else r.survey_points(ind.points, given.value)
        out.append(SurveyPoints(ind.code, r.rate, given.value, given.n, r.floor, r.target,
                                ind.points, pts, insufficient))
    return tuple(out)


# ---------------------------------------------------------------- combine

def _cap(system: IndicatorSystem, grade: str, cap: str) -> str:
    return cap if system.grade_rank(grade) < system.grade_rank(cap) else grade


def combine(system: IndicatorSystem, self_scores: Scores,
            external_scores: Sequence[Scores] = (), rates: Optional[SurveyRates] = None,
            checks: Sequence[CheckResult] = (), veto_events: Sequence[str] = (),
            has_valid_contract: bool = True) -> EnterpriseResult:
    """Final score and grade of one enterprise with its full breakdown."""
    own = score_assessment(system, self_scores, label="自评")
    ext = [score_assessment(system, s, allow_missing=True, label=f"外评{k + 1}")
           for k, s in enumerate(external_scores)]
    ws, we = system.weights.self_weight, system.weights.external_weight
    statuses = {c.code: c.status for c in checks}
    share = system.discrepancy.indicator_share

    own_by = {x.code: x for x in own.indicators}
    ext_by = [{x.code: x for x in e.indicators} for e in ext]
    # Raw floats per indicator: totals are summed from these, rows show them rounded.
    raw_self, raw_ext, raw_comb, raw_basis = {}, {}, {}, {}
    rows: list[IndicatorBreakdown] = []
    for ind in system.assessable:
        code = ind.code
        mine = own_by[code]
        scored = [e[code] for e in ext_by if e[code].level is not None]
        if ext and not scored:
            raise ScoringError(f"外评：指标 {code} 没有任何评估人评分")
        ext_pts = sum(t.points for t in scored) / len(scored) if scored else None
        combined = mine.points if ext_pts is None else ws * mine.points + we * ext_pts
        basis = mine.points if ext_pts is None else ext_pts
        raw_self[code], raw_ext[code], raw_comb[code], raw_basis[code] = mine.points, ext_pts, combined, basis
        disc = ext_pts is not None and abs(mine.points - ext_pts) >= share * ind.points - EPS
        rows.append(IndicatorBreakdown(
            code, ind.name, ind.dimension, ind.points, ind.crucial, ind.rule.kind,
            ind.rule_text, ind.rule.levels, mine.level, round(mine.points, 2),
            tuple(t.level for t in scored), tuple(round(t.points, 2) for t in scored),
            None if ext_pts is None else round(ext_pts, 2), round(combined, 2), round(basis, 2),
            ind.rule.suggest(statuses) if ind.rule.kind == "procedure" else None, disc))
    surveys = survey_points(system, rates)
    for ind, sp in zip(system.survey_indicators, surveys):
        raw_comb[ind.code] = sp.points
        rows.append(IndicatorBreakdown(
            ind.code, ind.name, ind.dimension, ind.points, ind.crucial, "survey", ind.rule_text, (),
            combined_points=round(sp.points, 2), basis_points=round(sp.points, 2),
            rate_key=sp.rate_key, survey_rate=sp.rate, survey_n=sp.n, survey_floor=sp.floor,
            survey_target=sp.target, survey_insufficient=sp.insufficient))

    dims = []
    for d in system.dimensions:
        codes = [i.code for i in d.indicators]
        survey = d.source == "survey"
        dims.append(DimensionBreakdown(
            d.code, d.name, d.points, d.source,
            None if survey else round(sum(raw_self[c] for c in codes), 2),
            None if survey or not ext else round(sum(raw_ext[c] for c in codes), 2),
            round(sum(raw_comb[c] for c in codes), 2)))

    self_total = sum(raw_self.values())
    ext_total = sum(raw_ext.values()) if ext else None
    assessment_total = sum(raw_comb[c] for c in raw_self)
    survey_total = sum(sp.points for sp in surveys)
    final = round(assessment_total + survey_total, 2)

    band = system.band_for(final)
    grade, reasons = band.grade, []
    zeros = tuple(i.code for i in system.assessable if i.crucial and abs(raw_basis[i.code]) < EPS)
    if zeros:
        cap = system.crucial_caps.two_or_more if len(zeros) >= 2 else system.crucial_caps.one
        grade = _cap(system, grade, cap)
        reasons.append(f"关键指标 {'、'.join(zeros)} 得0分（{len(zeros)}项），等级最高为{cap}")
    events = list(dict.fromkeys(veto_events))
    if statuses.get("effective") == FAIL and "review_unresolved" not in events \
            and system.veto.label("review_unresolved"):
        events.append("review_unresolved")
    for code in events:
        label = system.veto.label(code)
        if label is None:
            known = "、".join(c for c, _ in system.veto.events)
            raise ScoringError(f"否决事项 {code} 不存在（可选：{known}）")
        grade = _cap(system, grade, system.veto.cap)
        reasons.append(f"否决事项：{label}，等级最高为{system.veto.cap}")
    stars = next((b.stars for b in system.grade_bands if b.grade == grade), None)
    if not has_valid_contract:
        grade, stars = system.not_established, None
        reasons.append(f"无有效期内的集体合同，{system.not_established}，不评定等级")

    disc_total = ext_total is not None and abs(self_total - ext_total) >= system.discrepancy.total - EPS
    return EnterpriseResult(
        system.code, system.version, system.hash, (ws, we), tuple(rows), tuple(dims),
        round(self_total, 2), None if ext_total is None else round(ext_total, 2), len(ext),
        round(assessment_total, 2), round(survey_total, 2), final, band.grade, grade, stars,
        has_valid_contract, tuple(reasons), zeros, tuple(events),
        tuple(system.veto.label(e) for e in events), disc_total,
        tuple(r.code for r in rows if r.discrepancy),
        tuple(sp.rate_key for sp in surveys if sp.insufficient), tuple(checks))


# ---------------------------------------------------------------- explain

def _pct(x: float) -> str:
    return f"{round(x * 100, 1):g}%"


def _explain(res: EnterpriseResult) -> tuple[str, ...]:
    ws, we = res.weights
    lines = [f"指标体系 {res.system_code} {res.system_version}（{res.system_hash[:12]}）"]
    for r in res.indicators:
        head = f"{r.code} {r.name}: "
        if r.rule_kind == "survey":
            name = RATE_NAMES[r.rate_key]
            if r.survey_insufficient:
                shown = "未测量" if r.survey_rate is None else _pct(r.survey_rate)
                lines.append(f"{head}{name} {shown}（n={r.survey_n}），有效样本不足，记 0 分")
            else:
                rate, lo, hi = _pct(r.survey_rate), _pct(r.survey_floor), _pct(r.survey_target)
                if r.survey_rate >= r.survey_target - EPS:
                    how = f"{name} {rate}，达到目标 {hi}，得满分"
                elif r.survey_rate <= r.survey_floor + EPS:
                    how = f"{name} {rate}，不高于 {lo}，得 0 分"
                else:
                    how = f"{_n(r.points_max)} × ({rate} − {lo}) ÷ ({hi} − {lo})"
                lines.append(f"{head}{how} = {_n(r.combined_points)}（n={r.survey_n}）")
            continue
        if r.external_points is None:
            text = f"{head}自评 {_n(r.self_points)} = {_n(r.combined_points)}"
        else:
            text = (f"{head}自评 {_n(r.self_points)} × {_n(ws)} + 外评 {_n(r.external_points)} × "
                    f"{_n(we)} = {_n(r.combined_points)}")
            if len(r.external_each) > 1:
                text += f"（外评为 {'、'.join(_n(x) for x in r.external_each)} 的均值）"
        if r.suggested_level:
            named = next((lv.label for lv in r.levels if lv.key == r.suggested_level), r.suggested_level)
            text += f"（程序核查建议档位：{named}）"
        if r.discrepancy:
            text += "［自评与外评差异大］"
        lines.append(text)
    for d in res.dimensions:
        lines.append(f"维度 {d.code} {d.name}: {_n(d.combined_points)} / {_n(d.points_max)}")
    if res.external_total is None:
        lines.append(f"A–D 合计: 自评 {_n(res.self_total)}（无外部评估）")
    else:
        lines.append(f"A–D 合计: 自评 {_n(res.self_total)} × {_n(ws)} + 外评 {_n(res.external_total)} × "
                     f"{_n(we)} = {_n(res.assessment_total)}（{res.evaluator_count}位评估人）")
    lines.append(f"E 问卷合计: {_n(res.survey_total)}")
    lines.append(f"最终得分: {_n(res.assessment_total)} + {_n(res.survey_total)} = {_n(res.final)}")
    lines.append(f"按分数线等级: {res.uncapped_grade}")
    lines.extend(f"等级限制: {reason}" for reason in res.cap_reasons)
    lines.append(f"评定等级: {res.grade}" + (f"（{res.stars}）" if res.stars else ""))
    if res.discrepancy_total:
        lines.append(f"差异提示: 自评与外评总分相差 {_n(abs(res.self_total - res.external_total))} 分")
    if res.discrepancy_indicators:
        lines.append(f"差异提示: 单项差异大的指标 {'、'.join(res.discrepancy_indicators)}")
    return tuple(lines)
