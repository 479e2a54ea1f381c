"""The job kinds: name → module with ``LABEL``, ``run(ctx)`` and ``summary_lines(summary)``."""
from __future__ import annotations

from . import kind_assign, kind_exports, kind_posters, kind_reports

KINDS = {
    "reports.approve": kind_reports.Approve,
    "reports.issue": kind_reports.Issue,
    "survey.posters": kind_posters.Posters,
    "survey.xlsx": kind_exports.SurveyXlsx,
    "tables.zip": kind_exports.CampaignTables,
    "assess.assign": kind_assign.Assign,
}


def label(kind: str) -> str:
    entry = KINDS.get(kind)
    return entry.LABEL if entry else "批量任务"


def summary_lines(kind: str, summary: dict | None) -> list[str]:
    entry = KINDS.get(kind)
    return entry.summary_lines(summary or {}) if entry else []
