"""The reports area's lists (``evalsite/listing.py``): reports, rectification items, supervision letters.

Each is a declaration plus the scoped select it runs on; the views parse, apply, page or export.
Every filter is a URL parameter, so a to-do item on the home page can open exactly what it counts,
e.g. ``/reports/items?status=submitted`` (answers awaiting acceptance), ``/reports/items?overdue=1``,
``/reports/?status=draft`` (drafts awaiting approval), ``/reports/letters?awaiting=1``.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select

from ..access import scope_enterprises
from ..listing import Column, Filter, Listing, industry_filter, unit_filter
from ..models import EscalationLetter, Enterprise, RectificationItem, Report, ReportingUnit, ReportVersion, User
from ..models.reports import ITEM_STATUSES, LETTER_KINDS, LETTER_STATUSES, REPORT_KINDS, VERSION_STATUSES
from ..timefmt import local_today

FROZEN = ("issued", "superseded", "revoked")  # what an enterprise sees of its reports (ReportVersion.is_frozen)
GRADES = ("优秀", "良好", "合格", "不合格")
UNIT_ORDER = select(ReportingUnit.sort_order).where(ReportingUnit.id == Enterprise.unit_id).scalar_subquery()
SEARCH = (Enterprise.name, Enterprise.credit_code)


# --- reports: (report, enterprise, latest visible version) ---------------------------------------------------------
REPORTS = Listing(
    "报告",
    [
        Column("number", "报告编号", (Report.number,), lambda r: r[0].number),
        Column("kind", "类型", (Report.kind,), lambda r: r[0].kind_label),
        Column("enterprise", "企业", (Enterprise.name,), lambda r: r[1].name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda r: r[1].credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda r: r[1].unit.name),
        Column("version", "最新版本", (ReportVersion.version,), lambda r: r[2].version, desc_first=True, num=True),
        Column("status", "状态", (ReportVersion.status,), lambda r: r[2].status_label),
        Column("score", "得分", (ReportVersion.final_score,), lambda r: r[2].final_score, desc_first=True, num=True),
        Column("grade", "等级", (ReportVersion.grade,), lambda r: r[2].grade or ""),
        Column("issued", "出具日期", (ReportVersion.issue_date,),
               lambda r: r[2].issue_date if r[2].is_frozen else None, desc_first=True),
    ],
    [
        unit_filter(Enterprise.unit_id),
        industry_filter(Enterprise.industry_id),
        Filter("status", "状态", "choice", list(VERSION_STATUSES.items()), where=lambda v: ReportVersion.status == v),
        Filter("kind", "类型", "choice", list(REPORT_KINDS.items()), where=lambda v: Report.kind == v),
        Filter("grade", "等级", "choice", [(g, g) for g in GRADES], where=lambda v: ReportVersion.grade == v),
    ],
    search=SEARCH + (Report.number,), search_label="企业名称、信用代码或报告编号",
    default_sort="number", tiebreak=(Report.id,),
)


def reports_select(user: User, campaign_id: int) -> Select:
    """Each report of the campaign with its latest version the user may see (enterprises: issued ones only)."""
    latest = select(ReportVersion.report_id, func.max(ReportVersion.version).label("v")).group_by(
        ReportVersion.report_id)
    if user.role == "enterprise":
        latest = latest.where(ReportVersion.status.in_(FROZEN))
    latest = latest.subquery()
    stmt = (select(Report, Enterprise, ReportVersion)
            .join(Enterprise, Enterprise.id == Report.enterprise_id)
            .join(latest, latest.c.report_id == Report.id)
            .join(ReportVersion, (ReportVersion.report_id == Report.id) & (ReportVersion.version == latest.c.v))
            .where(Report.campaign_id == campaign_id))
    return scope_enterprises(stmt, user, campaign_id)


# --- rectification items: (item, enterprise) -------------------------------------------------------------------------
def _overdue(value: bool):
    cond = RectificationItem.status.in_(("open", "returned")) & (RectificationItem.deadline < local_today())
    return cond if value else ~cond


ITEMS = Listing(
    "整改项",
    [
        Column("enterprise", "企业", (Enterprise.name,), lambda r: r[1].name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda r: r[1].credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda r: r[1].unit.name),
        Column("title", "问题", (RectificationItem.title,), lambda r: r[0].title),
        Column("owner", "责任方", (RectificationItem.owner,), lambda r: r[0].owner_label),
        Column("deadline", "整改期限", (RectificationItem.deadline,), lambda r: r[0].deadline),
        Column("status", "状态", (RectificationItem.status,), lambda r: r[0].status_label),
        Column("submitted", "提交时间", (RectificationItem.submitted_at,), lambda r: r[0].submitted_at,
               desc_first=True),
        Column("returned", "退回次数", (RectificationItem.returned_count,), lambda r: r[0].returned_count,
               desc_first=True, num=True),
    ],
    [
        unit_filter(Enterprise.unit_id),
        industry_filter(Enterprise.industry_id),
        Filter("status", "状态", "choice", list(ITEM_STATUSES.items()), where=lambda v: RectificationItem.status == v),
        Filter("overdue", "已逾期", "bool", where=_overdue),
    ],
    search=SEARCH, default_sort="deadline", tiebreak=(RectificationItem.id,),
)


def items_select(user: User, campaign_id: int) -> Select:
    stmt = (select(RectificationItem, Enterprise).join(Enterprise, Enterprise.id == RectificationItem.enterprise_id)
            .where(RectificationItem.campaign_id == campaign_id))
    return scope_enterprises(stmt, user, campaign_id)


# --- supervision letters: (letter, enterprise) -----------------------------------------------------------------------
def _awaiting(value: bool):
    cond = (EscalationLetter.status == "issued") & EscalationLetter.responded_at.is_(None)
    return cond if value else ~cond


LETTERS = Listing(
    "监督函件",
    [
        Column("enterprise", "企业", (Enterprise.name,), lambda r: r[1].name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda r: r[1].credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda r: r[1].unit.name),
        Column("kind", "文书", (EscalationLetter.kind,), lambda r: r[0].kind_label),
        Column("number", "文号", (EscalationLetter.number,), lambda r: r[0].number or ""),
        Column("status", "状态", (EscalationLetter.status,), lambda r: r[0].status_label),
        Column("issued", "出具日期", (EscalationLetter.issued_at,), lambda r: r[0].issued_at, desc_first=True),
        Column("deadline", "答复期限", (EscalationLetter.response_deadline,), lambda r: r[0].response_deadline),
        Column("responded", "答复日期", (EscalationLetter.responded_at,), lambda r: r[0].responded_at,
               desc_first=True),
    ],
    [
        unit_filter(Enterprise.unit_id),
        Filter("kind", "文书", "choice", list(LETTER_KINDS.items()), where=lambda v: EscalationLetter.kind == v),
        Filter("status", "状态", "choice", list(LETTER_STATUSES.items()), where=lambda v: EscalationLetter.status == v),
        Filter("awaiting", "待答复", "bool", where=_awaiting),
    ],
    search=SEARCH + (EscalationLetter.number,), search_label="企业名称、信用代码或文号",
    default_sort="issued", default_desc=True, tiebreak=(EscalationLetter.id.desc(),),
)


def letters_select(user: User, campaign_id: int) -> Select:
    """Letters of the campaign; drafts are the administrators' working papers (others see issued letters)."""
    stmt = (select(EscalationLetter, Enterprise).join(Enterprise, Enterprise.id == EscalationLetter.enterprise_id)
            .where(EscalationLetter.campaign_id == campaign_id))
    if user.role not in ("city_admin", "district_admin"):
        stmt = stmt.where(EscalationLetter.status == "issued")
    return scope_enterprises(stmt, user, campaign_id)


# --- the escalation list (dicts of views_rectification.escalation_rows, computed in Python) ----------------------------
ESCALATIONS = Listing(
    "拒不整改与逾期清单",
    [
        Column("enterprise", "企业", value=lambda r: r["enterprise"]),
        Column("unit", "所属单位", value=lambda r: r["unit"], sort_key=lambda r: (r["ent"].unit.sort_order, r["enterprise"])),
        Column("title", "问题", value=lambda r: r["title"]),
        Column("owner", "责任方", value=lambda r: r["owner"]),
        Column("deadline", "期限", value=lambda r: r["deadline"]),
        Column("status", "状态", value=lambda r: r["status"]),
        Column("overdue", "逾期天数", value=lambda r: r["overdue_days"], desc_first=True, num=True),
        Column("returned", "退回次数", value=lambda r: r["returned"], desc_first=True, num=True),
    ],
    [unit_filter(of_row=lambda r: r["ent"].unit_id), industry_filter(of_row=lambda r: r["ent"].industry_id)],
    search_rows=lambda r: (r["enterprise"], r["credit_code"]), default_sort="deadline", rows=True,
)
