"""Dashboard page and the enterprise lists behind its figures."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from ..timefmt import local_today
from .. import svg
from ..access import admin_required
from ..db import db
from ..inputs import query_int
from ..models import Enterprise
from ..campaign_context import campaign_or_404
from ..listing import Listing, industry_filter
from ..registry.lists import ENTERPRISES
from . import charts
from . import service as D

bp = Blueprint("dashboards", __name__, url_prefix="/dashboard")
# the enterprises behind a figure: the registry list's columns; the figure's own key/unit/grade stay as they are
DRILL = Listing("驾驶舱企业清单", ENTERPRISES.columns, [industry_filter(Enterprise.industry_id)],
                search=(Enterprise.name, Enterprise.credit_code), default_sort="unit",
                tiebreak=(Enterprise.name, Enterprise.id))


def _units():
    return [current_user.unit_id] if current_user.role == "district_admin" else None


def _today() -> dt.date:
    return local_today()


@bp.get("/")
@admin_required
def dashboard():
    campaign = campaign_or_404()
    data = D.overview(db.session, campaign, _units(), _today())
    table = data["table"]

    def link(key, unit=None, **kw):
        return url_for("dashboards.enterprises", key=key, unit=unit, campaign=campaign.id, **kw)

    est = charts.hbar_chart([(r.unit_name, r.rate("establishment").value, link("not_established", r.unit_id))
                             for r in table.rows], target=campaign.target_establishment_rate,
                            title="建制率（已建制 ÷ 已建会企业）")
    wage = charts.hbar_chart([(r.unit_name, r.rate("wage_establishment").value, link("wage_missing", r.unit_id))
                              for r in table.rows], target=campaign.target_wage_rate,
                             title="规上企业工资专项集体合同建制率")
    grades = data["grades"]
    grade_svg = Markup(svg.bar_chart([g for g, _ in grades], [n for _, n in grades], title="评估等级分布",
                                     y_label="企业数")) if grades else ""
    return render_template("dashboards/dashboard.html", campaign=campaign, p=data["progress"], table=table,
                           est_svg=est, wage_svg=wage, grade_svg=grade_svg, grades=grades, link=link,
                           new_form=data["new_form"], new_form_covered=data["new_form_covered"],
                           bar=charts.progress_bar)


@bp.get("/enterprises")
@admin_required
def enterprises():
    campaign = campaign_or_404()
    key = request.args.get("key", "")
    if key not in D.FILTERS:
        abort(404)
    units = _units()
    unit = query_int("unit", label="区市")
    if unit is not None:
        if units is not None and unit not in units:
            abort(403)
        units = [unit]
    grade = request.args.get("grade", "")
    ids = D.enterprise_ids(db.session, campaign, key, units, grade=grade, today=_today())
    lq = DRILL.parse()
    stmt = DRILL.apply(select(Enterprise).where(Enterprise.id.in_(ids)), lq)
    if lq.export:
        return DRILL.xlsx_response(stmt)
    rows, page = DRILL.page(stmt, lq)
    title = D.FILTERS[key] + (f"：{grade}" if key == "grade" else "")
    return render_template("dashboards/enterprises.html", campaign=campaign, rows=rows, title=title, page=page,
                           lst=DRILL, lq=lq, keep={k: v for k, v in (("campaign", campaign.id), ("key", key),
                                                                     ("unit", unit), ("grade", grade)) if v})
