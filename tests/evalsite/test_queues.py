"""Every to-do on the home page opens a list of exactly the rows it counts, for every role and every page.

A campaign with work in every state (self-assessments returned and missing,
external evaluations returned, report versions draft/approved/returned,
rectification items open/returned/submitted/overdue, letters draft/approved,
evidence requests open and answered) is walked as each user: the number on
the home page is compared with the rows of the list behind its link, across
pages of 20 rows.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from evalsite.models import (Assessment, EscalationLetter, EvidenceRequest, RectificationItem, Report, ReportVersion,
                             ReviewEvent)
from tests.conftest import login

TODO_RE = re.compile(r'<tr data-todo="([\w-]+)"><td><a href="([^"]+)">[^<]+</a></td>\s*<td class="num">'
                     r'(?:<span class="badge \w+">)?(\d+)')
PAST, FUTURE = dt.date(2001, 1, 1), dt.date(2999, 1, 1)


def _busy_campaign(session, world):
    c, s = world.campaign, session
    self_a = Assessment(campaign_id=c.id, enterprise_id=world.ent_a.id, kind="self", system_hash="0" * 64,
                        status="draft")
    self_b = Assessment(campaign_id=c.id, enterprise_id=world.ent_b.id, kind="self", system_hash="0" * 64,
                        status="submitted", submitted_at=dt.datetime(2021, 3, 30),
                        union_confirmed_at=dt.datetime(2021, 4, 1))
    ext_a = Assessment(campaign_id=c.id, enterprise_id=world.ent_a.id, kind="external", system_hash="0" * 64,
                       status="draft", evaluator_id=world.evaluator.id)
    s.add_all([self_a, self_b, ext_a])
    s.flush()
    for a, action in ((self_a, "reopen"), (ext_a, "return")):
        s.add(ReviewEvent(object_type="assessment", object_id=a.id, action=action, reason="证据不足，请补充会议记录",
                          enterprise_id=a.enterprise_id, username="区级管理员"))
    reports = {}
    for ent, status in ((world.ent_a, "draft"), (world.ent_a2, "approved"), (world.ent_b, "returned")):
        r = Report(campaign_id=c.id, enterprise_id=ent.id, number=f"WH-2021-{ent.id:04d}")
        s.add(r)
        s.flush()
        s.add(ReportVersion(report_id=r.id, version=1, status=status, data={}, drafted_by_id=world.evaluator.id,
                            approved_at=dt.datetime(2021, 5, 1) if status == "approved" else None))
        reports[ent.id] = r
    items = []
    for n, (ent, owner, status, deadline) in enumerate([
            (world.ent_a, "职工方", "submitted", FUTURE), (world.ent_a, "企业方", "submitted", PAST),
            (world.ent_a, "双方", "submitted", FUTURE), (world.ent_a, "职工方", "open", PAST),
            (world.ent_a, "企业方", "returned", FUTURE), (world.ent_a, "双方", "open", PAST),
            (world.ent_a, "双方", "returned", PAST), (world.ent_a, "职工方", "accepted", PAST),
            (world.ent_b, "双方", "open", PAST), (world.ent_b, "双方", "submitted", FUTURE)]):
        item = RectificationItem(report_id=reports[ent.id].id, campaign_id=c.id, enterprise_id=ent.id,
                                 code=f"P-PROC-0{n % 6 + 1}", subject=f"S{n}", title=f"整改事项{n}", owner=owner,
                                 deadline=deadline, status=status, submitted_at=dt.datetime(2021, 5, 1),
                                 measures="已整改" if status in ("submitted", "accepted", "returned") else None,
                                 accepted_at=dt.datetime(2021, 5, 2) if status == "accepted" else None,
                                 returned_count=1 if status == "returned" else 0)
        s.add(item)
        items.append(item)
    s.flush()
    for item, status in ((items[3], "draft"), (items[5], "approved"), (items[8], "draft")):
        s.add(EscalationLetter(item_id=item.id, enterprise_id=item.enterprise_id, campaign_id=c.id, kind="reminder",
                               status=status, addressee=item.enterprise.name, drafted_at=dt.datetime(2021, 5, 2),
                               approved_at=dt.datetime(2021, 5, 3) if status == "approved" else None))
    for ent, status, due in ((world.ent_a, "open", PAST), (world.ent_a, "open", FUTURE), (world.ent_a, "open", None),
                             (world.ent_a, "answered", FUTURE), (world.ent_b, "open", FUTURE)):
        s.add(EvidenceRequest(campaign_id=c.id, enterprise_id=ent.id, indicator="B3", message="请上传意见征集表",
                              due_date=due, status=status, requested_by_id=world.evaluator.id,
                              answered_at=dt.datetime(2021, 5, 4) if status == "answered" else None))
    for n in range(22):  # more than a page of 20 for enterprise B's side and its evaluator
        s.add(EvidenceRequest(campaign_id=c.id, enterprise_id=world.ent_b.id, indicator="B6", message=f"请补充材料{n}",
                              due_date=FUTURE, status="open", requested_by_id=world.evaluator_b.id))
    s.commit()


def _todos(client) -> list[tuple[str, str, int]]:
    body = client.get("/").get_data(as_text=True)
    return [(key, href.replace("&amp;", "&"), int(n)) for key, href, n in TODO_RE.findall(body)]


FULL_LIST = re.compile(r'<a href="([^"]+)" class="full-list">')
TOTAL = re.compile(r"共 (\d+) 条")


def _rows_behind(client, href: str) -> int:
    rows, page = 0, 1
    while True:
        resp = client.get(f"{href}&per_page=20&page={page}")
        assert resp.status_code == 200, href
        body = resp.get_data(as_text=True)
        rows += body.count('<tr class="queue-row')
        if "下一页" not in body:
            return rows
        page += 1


def _full_list_total(client, href: str):
    """The total the area's full list (search, sort, export) shows for the same rows, if the queue links one."""
    link = FULL_LIST.search(client.get(href).get_data(as_text=True))
    if link is None:
        return None
    body = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    found = TOTAL.search(body)
    return int(found.group(1)) if found else 0


EXPECTED = {  # a few figures checked by hand, so the equality below is not between two empty lists
    "city": {"enrolled": 3, "self-missing": 2, "self-returned": 1, "drafts": 1, "approved": 1,
             "reports-returned": 1, "answers": 4, "overdue": 4, "letters-draft": 2, "letters-approved": 1},
    "district_a": {"enrolled": 2, "answers": 3, "overdue": 3, "letters-draft": 1},
    "district_b": {"enrolled": 1, "self-missing": 0, "answers": 1, "overdue": 1},
    "evaluator": {"assigned": 1, "external-todo": 1, "external-returned": 1, "evidence-waiting": 3, "answers": 3,
                  "reports-returned": 0},
    "evaluator_b": {"assigned": 1, "external-todo": 1, "evidence-waiting": 23, "answers": 1, "reports-returned": 1},
    "ent_a_union": {"my-self": 1, "my-requests": 3, "my-items": 3, "my-returned": 1, "my-overdue": 3},
    "ent_a_mgmt": {"my-self": 1, "my-requests": 3, "my-items": 3, "my-returned": 2, "my-overdue": 2},
    "ent_b_union": {"my-self": 0, "my-requests": 23, "my-items": 1, "my-overdue": 1},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_every_home_count_equals_the_rows_of_its_list(client, world, session, who):
    _busy_campaign(session, world)
    login(client, world.users()[who])
    todos = _todos(client)
    assert todos, "no to-do lines on the home page"
    seen = {}
    for key, href, n in todos:
        assert href.startswith("/todo/"), (key, href)
        assert _rows_behind(client, href) == n, (who, key)
        full = _full_list_total(client, href)
        assert full in (None, n), (who, key, full)
        seen[key] = n
    for key, n in EXPECTED[who].items():
        assert seen[key] == n, (who, key)
    if who == "city":
        assert all(_full_list_total(client, href) is not None for key, href, _ in todos
                   if key in ("drafts", "approved", "answers", "overdue", "letters-draft", "letters-approved"))


def test_queue_refusals(client, world, session):
    login(client, world.ent_a_union)
    assert client.get("/todo/drafts").status_code == 403
    assert client.get("/todo/no-such-queue").status_code == 404
    resp = client.get("/todo/my-items?page=abc")
    assert resp.status_code == 400 and "页码" in resp.get_data(as_text=True)
    assert client.get("/todo/my-items?per_page=7").status_code == 400
    client.post("/logout")
    login(client, world.evaluator)
    assert client.get("/todo/letters-draft").status_code == 403
    assert client.get("/todo/my-items").status_code == 403
    client.post("/logout")
    assert client.get("/todo/enrolled").status_code in (302, 401)


def test_queue_rows_show_words_and_lead_to_the_work(client, world, session):
    _busy_campaign(session, world)
    login(client, world.city)
    body = client.get("/todo/self-returned").get_data(as_text=True)
    assert "威海甲机械有限公司" in body and "退回原因：证据不足，请补充会议记录" in body
    body = client.get("/todo/overdue").get_data(as_text=True)
    assert "（已逾期）" in body and "/reports/items/" in body and "both" not in body
    body = client.get("/todo/letters-draft").get_data(as_text=True)
    assert "提示函" in body and "reminder" not in body
    client.post("/logout")
    login(client, world.ent_a_mgmt)
    home = client.get("/").get_data(as_text=True)
    assert "本企业的期限" in home and "自评已被退回：证据不足" in home
    assert "自评已退回，请修改后重新提交" in home
    assert home.index("2001年1月1日") < home.index("2999年1月1日")  # soonest deadline first
    assert "补充材料：指标 B3" in home and "未设期限" in home and "问卷链接" in home
    body = client.get("/todo/my-requests").get_data(as_text=True)
    assert "/assessments/self#req-" in body
