"""The registry's list declarations (``evalsite/listing.py``): enterprises, a campaign's enrolments."""
from __future__ import annotations

from sqlalchemy import select

from ..listing import Column, Filter, Listing, distinct_choices, industry_filter, unit_filter
from ..labels import actor, label
from ..models import AuditEntry, CollectiveContract, Enrolment, Enterprise, Industry, ReportingUnit, User
from ..models.contracts import CONTRACT_KINDS
from ..models.users import ROLES
from .common import SIZE_BANDS


def _size_where(key: str):
    _, low, high = SIZE_BANDS[key]
    cond = Enterprise.headcount >= low
    return cond if high is None else cond & (Enterprise.headcount <= high)


def _new_form_where(value: bool):
    cond = Enterprise.industry_id.in_(select(Industry.id).where(Industry.is_new_form.is_(True)))
    return cond if value else ~cond | Enterprise.industry_id.is_(None)


UNIT_ORDER = select(ReportingUnit.sort_order).where(ReportingUnit.id == Enterprise.unit_id).scalar_subquery()
INDUSTRY_NAME = select(Industry.name).where(Industry.id == Enterprise.industry_id).scalar_subquery()

ENTERPRISES = Listing(
    "企业名录",
    [
        Column("name", "企业名称", (Enterprise.name,), lambda e: e.name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda e: e.credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda e: e.unit.name),
        Column("industry", "行业", (INDUSTRY_NAME,), lambda e: e.industry.name if e.industry else ""),
        Column("headcount", "职工人数", (Enterprise.headcount,), lambda e: e.headcount, desc_first=True, num=True),
        Column("unionised", "已建会", (Enterprise.unionised,), lambda e: e.unionised),
        Column("above", "规上", (Enterprise.above_size,), lambda e: e.above_size),
    ],
    [
        unit_filter(Enterprise.unit_id),
        industry_filter(Enterprise.industry_id),
        Filter("size", "规模", "choice", [(k, band[0]) for k, band in SIZE_BANDS.items()], where=_size_where),
        Filter("unionised", "已建会", "bool", where=lambda v: Enterprise.unionised.is_(v)),
        Filter("above", "规上", "bool", where=lambda v: Enterprise.above_size.is_(v)),
        Filter("newform", "新业态", "bool", where=_new_form_where),
    ],
    search=(Enterprise.name, Enterprise.credit_code),
    default_sort="unit", tiebreak=(Enterprise.name, Enterprise.id),
)


ENROLMENTS = Listing(
    "已登记企业",
    [
        Column("name", "企业", (Enterprise.name,), lambda en: en.enterprise.name),
        Column("code", "统一社会信用代码", (Enterprise.credit_code,), lambda en: en.enterprise.credit_code),
        Column("unit", "所属区市", (UNIT_ORDER,), lambda en: en.enterprise.unit.name),
        Column("headcount", "登记时职工人数", (Enrolment.headcount,), lambda en: en.headcount, desc_first=True, num=True),
        Column("current", "当前职工人数", (Enterprise.headcount,), lambda en: en.enterprise.headcount, desc_first=True,
               num=True),
        Column("manual", "登记方式", (Enrolment.manual,), lambda en: "手工" if en.manual else "默认规则"),
    ],
    [
        unit_filter(Enterprise.unit_id),
        industry_filter(Enterprise.industry_id),
        Filter("manual", "登记方式", "choice", [("0", "默认规则"), ("1", "手工")],
               where=lambda v: Enrolment.manual.is_(v == "1")),
    ],
    search=(Enterprise.name, Enterprise.credit_code), default_sort="unit", tiebreak=(Enterprise.name, Enrolment.id),
)


USERS = Listing(
    "账号",
    [
        Column("username", "用户名", (User.username,), lambda u: u.username),
        Column("name", "姓名", (User.display_name,), lambda u: u.display_name),
        Column("role", "角色", (User.role,), lambda u: u.role_label + (f"·{u.side_label}" if u.side else "")),
        Column("where", "单位/企业", (), lambda u: u.enterprise.name if u.enterprise else (u.unit.name if u.unit else "")),
        Column("active", "启用", (User.active,), lambda u: u.active),
        Column("last_login", "最近登录", (User.last_login_at,), lambda u: u.last_login_at, desc_first=True),
    ],
    [
        Filter("role", "角色", "choice", list(ROLES.items()), where=lambda v: User.role == v),
        unit_filter(User.unit_id),
        Filter("active", "启用", "bool", where=lambda v: User.active.is_(v)),
    ],
    contains=(User.username, User.display_name), search_label="用户名或姓名",
    default_sort="role", tiebreak=(User.username,),
)

AREA_CONTRACTS = Listing(
    "行业区域合同",
    [
        Column("title", "合同名称", (CollectiveContract.title,), lambda c: c.title),
        Column("scope", "范围", (CollectiveContract.scope,), lambda c: c.scope_label),
        Column("kind", "种类", (CollectiveContract.kind,), lambda c: c.kind_label),
        Column("unit", "所属区市", (CollectiveContract.unit_id,), lambda c: c.unit.name if c.unit else ""),
        Column("industry", "行业", (CollectiveContract.industry_id,), lambda c: c.industry.name if c.industry else ""),
        Column("signed", "签订日期", (CollectiveContract.signing_date,), lambda c: c.signing_date, desc_first=True),
        Column("enterprises", "覆盖企业", (CollectiveContract.covered_enterprises,), lambda c: c.covered_enterprises,
               desc_first=True, num=True),
        Column("workers", "覆盖职工", (CollectiveContract.covered_workers,), lambda c: c.covered_workers,
               desc_first=True, num=True),
        Column("min_wage", "最低工资", (CollectiveContract.min_wage,), lambda c: c.min_wage, desc_first=True, num=True),
        Column("piece_rate", "计件单价", (CollectiveContract.piece_rate,), lambda c: c.piece_rate, desc_first=True,
               num=True),
    ],
    [
        unit_filter(CollectiveContract.unit_id),
        industry_filter(CollectiveContract.industry_id),
        Filter("kind", "种类", "choice", list(CONTRACT_KINDS.items()), where=lambda v: CollectiveContract.kind == v),
    ],
    contains=(CollectiveContract.title,), search_label="合同名称",
    default_sort="signed", default_desc=True, tiebreak=(CollectiveContract.id.desc(),),
)


AUDIT = Listing(
    "审计日志",
    [
        Column("at", "时间（北京时间）", (AuditEntry.at,), lambda e: e.at, desc_first=True),
        Column("user", "用户", (AuditEntry.username,), lambda e: actor(e.username)),
        Column("action", "操作", (AuditEntry.action,), lambda e: label(e.action, "audit_action")),
        Column("object", "对象", (AuditEntry.object_type,),
               lambda e: label(e.object_type, "object_type") + (f" #{e.object_id}" if e.object_id else "")),
        Column("summary", "摘要", (), lambda e: e.summary),
    ],
    [Filter("user", "用户名", "text", where=lambda v: AuditEntry.username == v),
     Filter("action", "操作", "choice", distinct_choices(AuditEntry.action, lambda a: label(a, "audit_action")),
            where=lambda v: AuditEntry.action == v)],
    contains=(AuditEntry.summary,), search_label="摘要",
    default_sort="at", default_desc=True, tiebreak=(AuditEntry.id.desc(),),
)
