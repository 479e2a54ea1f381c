"""Template filters and globals shared by every page."""
from __future__ import annotations

import datetime as dt

from flask import Flask, request, url_for
from flask_login import current_user

from . import labels, timefmt


def fmt_date(value) -> str:
    """Generic ``date`` filter: a datetime in local time with hours, a date as a date (Chinese style)."""
    return timefmt.format_any(value)


def iso_date(value) -> str:
    """``2026-12-01`` for ``<input type="date">`` values only (never for reading)."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timefmt.to_local(value).date()
    return value.isoformat()


def fmt_pct(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def fmt_num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def yesno(value) -> str:
    if value is None:
        return "—"
    return "是" if value else "否"


def url_with(**changes) -> str:
    """The current URL with some query arguments changed (for filters and pages)."""
    args = request.args.to_dict(flat=True)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def url_here(**args) -> str:
    """The current page with only the given query arguments (a filter bar's "clear")."""
    return url_for(request.endpoint, **(request.view_args or {}), **args)


NAV = [
    # (label, endpoint, roles)
    ("首页", "main.home", None),
    ("企业名录", "registry.enterprise_list", {"city_admin", "district_admin", "evaluator"}),
    ("本企业", "registry.enterprise_mine", {"enterprise"}),
    ("行业/区域合同", "registry.area_contract_list", {"city_admin", "district_admin"}),
    ("行动", "registry.campaign_list", {"city_admin", "district_admin"}),
    ("问卷", "survey_admin.overview", {"city_admin", "district_admin", "enterprise"}),
    ("自评", "assessments.self_workspace", {"enterprise"}),
    ("外部评估", "assessments.evaluator_home", {"evaluator"}),
    ("评估分配", "assessments.assignments", {"city_admin", "district_admin"}),
    ("评估分析", "assessments.analysis", {"city_admin", "district_admin"}),
    ("报告与整改", "reports.index", {"city_admin", "district_admin", "evaluator", "enterprise"}),
    ("统计表", "reports.tables", {"city_admin", "district_admin"}),
    ("驾驶舱", "dashboards.dashboard", {"city_admin", "district_admin"}),
    ("账号", "registry.user_list", {"city_admin", "district_admin"}),
    ("导入", "registry.import_upload", {"city_admin", "district_admin"}),
    ("审计日志", "registry.audit_log", {"city_admin"}),
]


def nav_items():
    if not current_user.is_authenticated:
        return []
    from flask import current_app

    items = []
    for label, endpoint, roles in NAV:
        if roles is not None and current_user.role not in roles:
            continue
        if endpoint not in current_app.view_functions:
            continue
        items.append((label, url_for(endpoint), request.endpoint == endpoint))
    return items


def init_app(app: Flask) -> None:
    timefmt.init_app(app)
    labels.init_app(app)
    from .survey_data.results import withheld_text

    app.jinja_env.filters.update(date=fmt_date, iso_date=iso_date, pct=fmt_pct, num=fmt_num, yesno=yesno)
    app.jinja_env.globals.update(withheld_text=withheld_text)
    from .main.inbox import unread_count

    app.jinja_env.globals.update(url_with=url_with, url_here=url_here, nav_items=nav_items, unread_count=unread_count)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
