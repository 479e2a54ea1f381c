"""Plain frozen inputs for every PDF document.

The web layer builds these from the database; the renderers never see ORM
objects, so they can be tested (and batch-run) without Flask or a database.
Sequences may be lists or tuples. Numbers that may be absent are ``None``
and print as "—". Every string is printed exactly as given (escaped).
"""
from __future__ import annotations

from dataclasses import dataclass
import datetime as dt
from typing import Literal, Optional, Sequence, Union

Number = Optional[float]
Cell = Union[str, int, float, None]


# ---------------------------------------------------------------- report
@dataclass(frozen=True)
class RateLine:
    """A survey rate (0..1) with its sample size and Wilson 95 % interval."""
    label: str
    value: Number
    n: int
    low: Number = None
    high: Number = None
    suppressed: bool = False  # fewer than 5 answers: not shown at all
    insufficient: bool = False  # shown, but below the minimum sample the score needs (E scores 0)
    protected: bool = False  # withheld from 5+ answers so as not to give fewer than 5 away (surveys.publication)


@dataclass(frozen=True)
class DimensionLine:
    code: str
    name: str
    max_points: float
    self_points: Number = None
    external_points: Number = None
    final_points: Number = None


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    max_points: float
    self_points: Number = None
    external_points: Number = None
    final_points: Number = None
    note: str = ""
    discrepancy: bool = False


@dataclass(frozen=True)
class CheckLine:
    name: str
    status: Literal["pass", "fail", "unknown"]
    reason: str = ""


@dataclass(frozen=True)
class ProblemLine:
    code: str
    severity: str  # 'high' | 'medium' | 'low' (or already Chinese)
    title: str
    description: str
    requirement: str
    deadline: Optional[dt.date]
    owner: str  # 'worker' | 'employer' | 'both' (or already Chinese)


@dataclass(frozen=True)
class ReportData:
    campaign_name: str
    enterprise_name: str
    credit_code: str
    region_name: str
    report_number: str
    version: int
    issue_date: dt.date
    issuing_body: str
    final_score: Number
    grade: str
    self_total: Number = None
    external_total: Number = None
    survey_total: Number = None
    cap_reasons: Sequence[str] = ()
    rates: Sequence[RateLine] = ()
    dimensions: Sequence[DimensionLine] = ()
    indicators: Sequence[IndicatorLine] = ()
    checks: Sequence[CheckLine] = ()
    problems: Sequence[ProblemLine] = ()
    verify_url: str = ""
    verify_code: str = ""
    sha_note: str = ""
    draft: bool = False
    remarks: str = ""  # 评估组说明, printed in its own section


# ---------------------------------------------------------------- closing
@dataclass(frozen=True)
class ClosingItem:
    problem_code: str
    problem_title: str
    measures: str
    outcome: str
    accepted_date: Optional[dt.date] = None
    evidence: str = ""


@dataclass(frozen=True)
class ClosingData:
    """整改情况报告: what was done about each problem of one report."""
    enterprise_name: str
    report_number: str
    items: Sequence[ClosingItem]
    final_statement: str
    verify_url: str = ""
    verify_code: str = ""
    campaign_name: str = ""
    issuing_body: str = ""
    date: Optional[dt.date] = None
    draft: bool = False


# ---------------------------------------------------------------- letters
LetterKind = Literal["reminder", "opinion", "recommendation"]


@dataclass(frozen=True)
class LetterData:
    """One escalation document (一函两书), DOMAIN §6.3."""
    kind: LetterKind
    number: str  # 文号, e.g. 威工监意〔2021〕3号
    addressee: str
    enterprise_name: str
    issuer: str
    date: dt.date
    facts: Sequence[str]
    legal_basis: Sequence[str] = ()  # empty: the template's default citations
    requests: Sequence[str] = ()
    response_deadline: Optional[dt.date] = None
    prior_notice: str = ""  # e.g. the 意见书 the recommendation follows up
    contact: str = ""
    draft: bool = False


# ---------------------------------------------------------------- annex tables
@dataclass(frozen=True)
class AnnexTableData:
    """A campaign statistics table (DOMAIN §5).

    ``columns`` are leaf columns as (heading, subheading); consecutive columns
    with the same heading share a spanning header cell, an empty subheading
    lets the heading span both header rows. ``highlight`` holds (row, col)
    indices into ``rows`` (0-based, leaf columns) printed on light red;
    ``total_highlight`` the columns of the total row printed so.
    """
    title: str
    unit_name: str
    date: Optional[dt.date]
    columns: Sequence[tuple[str, str]]
    rows: Sequence[Sequence[Cell]]
    total_row: Optional[Sequence[Cell]] = None
    highlight: frozenset = frozenset()
    notes: Sequence[str] = ()
    draft: bool = False
    total_highlight: frozenset = frozenset()


@dataclass(frozen=True)
class Annex1Data(AnnexTableData):
    """附件1 《集体协商"集中要约"行动情况统计表》."""


@dataclass(frozen=True)
class Annex2Data(AnnexTableData):
    """附件2 《新业态行业集体合同（工资专项集体合同）签订情况统计表》."""


@dataclass(frozen=True)
class LogicCheckLine:
    """One 逻辑检查 relation and the rows breaking it ((row, figures) pairs; empty when passed)."""
    table: str
    rule: str
    severity: str
    findings: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class CheckSheetData:
    """The 逻辑检查 sheet printed with the tables."""
    title: str
    unit_name: str
    date: Optional[dt.date]
    checks: Sequence[LogicCheckLine]
    draft: bool = False


# ---------------------------------------------------------------- summary
@dataclass(frozen=True)
class SummarySection:
    heading: str
    paragraphs: Sequence[str]


@dataclass(frozen=True)
class SummaryData:
    campaign_name: str
    period: str
    key_figures: Sequence[tuple[str, str]]
    paragraphs: Sequence[str] = ()
    sections: Sequence[SummarySection] = ()
    title: str = ""
    issuing_body: str = ""
    date: Optional[dt.date] = None
    draft: bool = False


# ---------------------------------------------------------------- survey handouts
@dataclass(frozen=True)
class PosterData:
    enterprise_name: str
    audience: Literal["worker", "employer"]
    url: str
    short_url: str
    campaign_name: str
    deadline: Optional[dt.date] = None
    issuing_body: str = ""


@dataclass(frozen=True)
class BallotSheetData:
    enterprise_name: str
    url: str
    codes: Sequence[str]
    campaign_name: str = ""
    audience: str = ""  # 'worker' | 'employer' | ''
