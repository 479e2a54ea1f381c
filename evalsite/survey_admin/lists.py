"""The survey overview's list of enterprises (``evalsite/listing.py`` over ``survey_data.results.MonitorRow``).

Rows are computed in Python from the response counters (the only live figures, as on the page
before); nothing from the answers themselves is listed or exported here.
"""
from __future__ import annotations

from ..listing import Column, Filter, Listing, industry_filter, unit_filter
from ..survey_data.results import LIGHTS

LIGHT_ORDER = {"red": 0, "amber": 1, "green": 2}

MONITOR = Listing(
    "问卷回收",
    [
        Column("enterprise", "企业", value=lambda r: r.enterprise.name),
        Column("code", "统一社会信用代码", value=lambda r: r.enterprise.credit_code),
        Column("unit", "所属区市", value=lambda r: r.enterprise.unit.name,
               sort_key=lambda r: (r.enterprise.unit.sort_order, r.enterprise.name)),
        Column("headcount", "职工人数", value=lambda r: r.headcount, desc_first=True, num=True),
        Column("worker", "职工答卷", value=lambda r: r.worker, desc_first=True, num=True),
        Column("worker_required", "职工答卷需要", value=lambda r: r.worker_required, num=True),
        Column("light", "职工样本", value=lambda r: LIGHTS.get(r.light, ""), sort_key=lambda r: LIGHT_ORDER.get(r.light)),
        Column("employer", "企业方答卷", value=lambda r: r.employer, desc_first=True, num=True),
        Column("employer_required", "企业方答卷需要", value=lambda r: r.employer_required, num=True),
        Column("employer_light", "企业方样本", value=lambda r: LIGHTS.get(r.employer_light, ""),
               sort_key=lambda r: LIGHT_ORDER.get(r.employer_light)),
    ],
    [
        unit_filter(of_row=lambda r: r.enterprise.unit_id),
        industry_filter(of_row=lambda r: r.enterprise.industry_id),
        Filter("light", "职工样本", "choice", list(LIGHTS.items()), test=lambda r, v: r.light == v),
        Filter("employer_light", "企业方样本", "choice", list(LIGHTS.items()), test=lambda r, v: r.employer_light == v),
    ],
    search_rows=lambda r: (r.enterprise.name, r.enterprise.credit_code),
    default_sort="unit", rows=True,
)
