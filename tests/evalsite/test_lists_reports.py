"""The report, rectification-item and letter lists: scope, filters by URL, hub links, export = the filtered rows."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select

from evalsite.models import EscalationLetter, RectificationItem
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result


def _sheet(resp) -> list[tuple]:
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))


def _setup(app, session, world, login_as):
    app.config["TODAY"] = dt.date(2021, 5, 10)
    for ent in (world.ent_a, world.ent_b):
        make_result(session, world.campaign, ent)
        draft_approve_issue(login_as, session, world, ent)
    draft_approve_issue(login_as, session, world, world.ent_a, issue=False)  # ent_a: a newer version, not issued


def test_report_list_scope_search_status_and_hub_links(app, world, session, login_as):
    _setup(app, session, world, login_as)
    city = login_as(world.city)
    page = city.get("/reports/").get_data(as_text=True)
    assert f"/enterprises/{world.ent_a.id}/campaigns/{world.campaign.id}" in page and world.ent_b.name in page
    drafts = city.get("/reports/?status=approved").get_data(as_text=True)
    assert world.ent_a.name in drafts and world.ent_b.name not in drafts
    by_code = city.get(f"/reports/?q={world.ent_b.credit_code[:14].lower()}").get_data(as_text=True)
    assert world.ent_b.name in by_code and world.ent_a.name not in by_code
    # the enterprise sees its latest ISSUED version, never the approved draft above it
    own = login_as(world.ent_a_union).get("/reports/").get_data(as_text=True)
    assert "第1版" in own and "第2版" not in own and world.ent_b.name not in own
    assert login_as(world.district_b).get("/reports/").get_data(as_text=True).count(world.ent_a.name) == 0


def test_report_export_is_the_filtered_list(app, world, session, login_as):
    _setup(app, session, world, login_as)
    rows = _sheet(login_as(world.city).get("/reports/?format=xlsx&status=issued&sort=enterprise"))
    assert rows[0][:4] == ("报告编号", "类型", "企业", "统一社会信用代码")
    assert [r[2] for r in rows[1:]] == sorted([world.ent_b.name])  # ent_a's latest version is not issued
    assert _sheet(login_as(world.district_a).get("/reports/?format=xlsx"))[1][2] == world.ent_a.name
    assert len(_sheet(login_as(world.district_a).get("/reports/?format=xlsx"))) == 2


def test_items_awaiting_acceptance_and_overdue_by_url(app, world, session, login_as):
    _setup(app, session, world, login_as)
    item = session.scalars(select(RectificationItem).where(RectificationItem.enterprise_id == world.ent_a.id)
                           .order_by(RectificationItem.id)).first()
    # a submitted item has its measures (the schema's ck_rectification_item_answered)
    item.status, item.submitted_at, item.measures = "submitted", dt.datetime(2021, 5, 11, 2, 0), "已制定整改方案"
    session.commit()
    city = login_as(world.city)
    waiting = city.get("/reports/items?status=submitted").get_data(as_text=True)
    assert waiting.count(f"/reports/items/{item.id}\"") == 1 and "共 1 条" in waiting
    assert f"/enterprises/{world.ent_a.id}/campaigns/{world.campaign.id}" in waiting
    app.config["TODAY"] = dt.date(2021, 9, 1)  # every deadline passed
    late = _sheet(city.get("/reports/items?overdue=1&format=xlsx"))
    total = session.query(RectificationItem).count()
    assert len(late) - 1 == total - 1  # all but the submitted one
    assert city.get("/reports/items?overdue=maybe").status_code == 400
    mine = login_as(world.ent_b_union).get("/reports/items").get_data(as_text=True)
    assert world.ent_a.name not in mine and world.ent_b.name in mine


def test_letters_drafts_only_for_administrators(app, world, session, login_as):
    _setup(app, session, world, login_as)
    item = session.scalars(select(RectificationItem).where(RectificationItem.enterprise_id == world.ent_a.id)).first()
    session.add(EscalationLetter(item_id=item.id, enterprise_id=world.ent_a.id, campaign_id=world.campaign.id,
                                 kind="reminder", status="draft", addressee="威海甲机械有限公司", content={}))
    session.commit()
    admin = login_as(world.district_a).get("/reports/letters").get_data(as_text=True)
    assert "<td>提示函</td>" in admin and "<td>草稿</td>" in admin
    for who in (world.ent_a_union, world.evaluator):
        page = login_as(who).get("/reports/letters").get_data(as_text=True)
        assert "<td>提示函</td>" not in page and "没有符合条件的函件" in page
