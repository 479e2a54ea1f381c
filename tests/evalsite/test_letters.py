"""Supervision letters as 公文: draft → preview/edit → approve → confirm → number and issue (issue 10 item 5)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import threading

import pytest
from sqlalchemy import select

from evalsite.models import DetectedProblem, EscalationLetter, RectificationEvent, RectificationItem
from scoring.laws import default_laws
from scoring.problems import default_rules
from tests.evalsite.confirm_support import confirmed_post
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result, today  # noqa: F401

PROBLEMS = [("P-PROC-05", "high", "未按期报送审查或审查意见未落实", "employer", 30),
            ("P-SURV-03", "medium", "职工满意率低", "both", 30)]
FACT = "集体合同签订后未按规定期限报送劳动行政部门审查，或审查意见未落实：合同于2021年3月1日签字，2021年3月20日报送审查，间隔19天，超过法定10天。"
CODE_RE = re.compile(r"P-[A-Z]+-\d\d|\b[A-E]\d{1,2}\b|满分|\d{4}-\d{2}-\d{2}")


def pdftotext(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def _items(session):
    session.expire_all()
    session.rollback()
    return {i.code: i for i in session.scalars(select(RectificationItem))}


@pytest.fixture
def items(app, world, session, login_as, today):  # noqa: F811
    make_result(session, world.campaign, world.ent_a, problems=PROBLEMS)
    # the detected problem carries the plain fact its rule gives, with the case's figures (as scoring makes it)
    for p in session.scalars(select(DetectedProblem).where(DetectedProblem.code == "P-PROC-05")):
        p.fact, p.description = FACT, "B8 报送审查生效 得 1 分（满分 3）"
    session.commit()
    draft_approve_issue(login_as, session, world)
    return _items(session)


def draft(client, item, kind="opinion"):
    resp = client.post(f"/reports/items/{item.id}/letters", data={"kind": kind})
    assert resp.status_code == 302, resp.data.decode()[:500]
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def issue_via_pages(login_as, world, session, item, kind="opinion"):
    """Drafted by the district, approved by the city, confirmed and numbered by the drafter."""
    letter_id = draft(login_as(world.district_a), item, kind)
    assert confirmed_post(login_as(world.city), f"/reports/letters/{letter_id}/approve").status_code == 302
    drafter = login_as(world.district_a)
    page = drafter.get(f"/reports/letters/{letter_id}/issue")
    assert page.status_code == 200
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page.data.decode()).group(1)
    resp = drafter.post(f"/reports/letters/{letter_id}/issue", data={"revision": revision, "confirm": "y"})
    assert resp.status_code == 302, resp.data.decode()[:800]
    session.expire_all()
    session.rollback()
    return session.get(EscalationLetter, letter_id)


def test_letter_text_is_plain_chinese_with_its_own_basis_and_chinese_dates(app, world, session, login_as, items,
                                                                           tmp_path):
    letter = issue_via_pages(login_as, world, session, items["P-PROC-05"])
    assert letter.status == "issued" and re.fullmatch(r"威工监意〔2021〕1号", letter.number)
    text = pdftotext(letter.pdf, tmp_path)
    assert CODE_RE.search(text) is None, CODE_RE.search(text)
    assert "得1分" not in text and "B8" not in text
    # the basis of this problem (filing), not the 20-day reply rule
    rule = next(r for r in default_rules() if r.code == "P-PROC-05")
    for art in default_laws().cite(rule.laws):
        assert re.sub(r"\s+", "", art.citation) in text
    assert "第三十二条" not in text
    assert "合同于2021年3月1日签字" in text
    assert f"{letter.issued_at.year}年{letter.issued_at.month}月{letter.issued_at.day}日" in text
    d = letter.response_deadline
    assert f"{d.year}年{d.month}月{d.day}日前" in text
    # GB/T 9704 elements
    for part in ("威海市总工会", "工会劳动法律监督意见书", f"{world.ent_a.name}：", "印章位置", "附件：回执", "回执"):
        assert part in text
    assert letter.number in text


def test_number_only_at_issue_and_no_gap_after_refusals(app, world, session, login_as, items):
    item = items["P-PROC-05"]
    first = draft(login_as(world.district_a), item)
    session.expire_all()
    session.rollback()
    letter = session.get(EscalationLetter, first)
    assert letter.number is None and letter.status == "draft" and letter.issued_at is None
    # drafter approves own draft: refused, in Chinese
    resp = login_as(world.district_a).post(f"/reports/letters/{first}/approve")
    assert resp.status_code == 403 and "四眼原则" in resp.data.decode()
    # drafter tries to issue the unapproved draft: refused, no number taken
    resp = login_as(world.district_a).post(f"/reports/letters/{first}/issue", data={"revision": "1", "confirm": "y"})
    assert resp.status_code == 409 and "审核" in resp.data.decode()
    city = login_as(world.city)
    assert confirmed_post(city, f"/reports/letters/{first}/approve").status_code == 302
    # the approver cannot issue alone
    resp = login_as(world.city).get(f"/reports/letters/{first}/issue")
    assert resp.status_code == 403 and "四眼原则" in resp.data.decode()
    resp = login_as(world.city).post(f"/reports/letters/{first}/issue", data={"revision": "2", "confirm": "y"})
    assert resp.status_code == 403
    # a confirmation given for an older wording is refused
    page = login_as(world.district_a).get(f"/reports/letters/{first}/issue").data.decode()
    stale = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    assert "威工监意〔2021〕×号" in page and "确认编号并出具" in page
    resp = login_as(world.district_a).post(f"/reports/letters/{first}/issue", data={"revision": str(int(stale) - 1),
                                                                                     "confirm": "y"})
    assert resp.status_code == 409 and "重新预览并确认" in resp.data.decode()
    # without the tick: 400, nothing numbered
    resp = login_as(world.district_a).post(f"/reports/letters/{first}/issue", data={"revision": stale})
    assert resp.status_code == 400 and "请勾选确认" in resp.data.decode()
    resp = login_as(world.district_a).post(f"/reports/letters/{first}/issue", data={"revision": "x" * 30,
                                                                                     "confirm": "y"})
    assert resp.status_code == 400
    session.expire_all()
    session.rollback()
    assert session.scalars(select(EscalationLetter.number).where(EscalationLetter.number.is_not(None))).all() == []
    resp = login_as(world.district_a).post(f"/reports/letters/{first}/issue", data={"revision": stale, "confirm": "y"})
    assert resp.status_code == 302
    # a draft deleted without issuing takes no number; the next issued letter is number 2
    abandoned = draft(login_as(world.district_a), item)
    assert login_as(world.district_a).post(f"/reports/letters/{abandoned}/discard").status_code == 302
    second = issue_via_pages(login_as, world, session, items["P-SURV-03"])
    numbers = sorted(session.scalars(select(EscalationLetter.number_seq).where(EscalationLetter.kind == "opinion")))
    assert numbers == [1, 2] and second.number == "威工监意〔2021〕2号"
    # issued: no second issue, no edit, no discard
    assert login_as(world.district_a).post(f"/reports/letters/{first}/issue",
                                           data={"revision": "9", "confirm": "y"}).status_code == 409
    assert login_as(world.district_a).post(f"/reports/letters/{first}/edit", data={
        "addressee": "x", "facts": "x", "legal_basis": "x", "requests": "x"}).status_code == 409
    assert login_as(world.district_a).post(f"/reports/letters/{first}/discard").status_code == 409
    events = [e.comment for e in session.scalars(select(RectificationEvent).where(RectificationEvent.kind == "letter"))]
    assert any("威工监意〔2021〕1号" in c and "年" in c for c in events)


def test_wording_edited_before_issue_is_what_prints(app, world, session, login_as, items, tmp_path):
    item = items["P-PROC-05"]
    letter_id = draft(login_as(world.district_a), item)
    page = login_as(world.district_a).get(f"/reports/letters/{letter_id}").data.decode()
    assert "预览" in page and "合同于2021年3月1日签字" in page and "B8" not in page
    assert "《集体合同规定》第四十二条" in page
    # bad wording: 400, what was typed kept
    resp = login_as(world.district_a).post(f"/reports/letters/{letter_id}/edit", data={
        "addressee": "威海甲机械有限公司", "facts": "", "legal_basis": "依据", "requests": "要求"})
    assert resp.status_code == 400 and "请填写事实" in resp.data.decode()
    resp = login_as(world.district_a).post(f"/reports/letters/{letter_id}/edit", data={
        "addressee": "威海甲机械有限公司", "facts": "\n".join(["段"] * 13), "legal_basis": "依据", "requests": "要求"})
    assert resp.status_code == 400 and "最多12段" in resp.data.decode() and "段\n段" in resp.data.decode()
    assert confirmed_post(login_as(world.city), f"/reports/letters/{letter_id}/approve").status_code == 302
    # editing after approval sends it back to draft
    resp = login_as(world.district_a).post(f"/reports/letters/{letter_id}/edit", data={
        "addressee": "威海甲机械有限公司", "facts": "经核实，该单位2021年签订的集体合同至今未报送审查。\n第二段事实。",
        "legal_basis": "《集体合同规定》第四十二条：（摘录）", "requests": "立即报送审查。", "contact": "李四 0631-1234567"})
    assert resp.status_code == 302
    session.expire_all()
    session.rollback()
    letter = session.get(EscalationLetter, letter_id)
    assert letter.status == "draft" and letter.approved_by_id is None
    assert letter.content["facts"] == ["经核实，该单位2021年签订的集体合同至今未报送审查。", "第二段事实。"]
    preview = login_as(world.district_a).get(f"/reports/letters/{letter_id}/pdf")
    assert preview.status_code == 200
    text = pdftotext(preview.data, tmp_path)
    assert "草稿" in text and "文号于编号出具时生成" in text and "至今未报送审查" in text
    # enterprises never see drafts, neither in the item page nor as PDF
    assert login_as(world.ent_a_mgmt).get(f"/reports/letters/{letter_id}/pdf").status_code == 403
    assert "草稿" not in login_as(world.ent_a_mgmt).get(f"/reports/items/{item.id}").data.decode()
    assert confirmed_post(login_as(world.city), f"/reports/letters/{letter_id}/approve").status_code == 302
    page = login_as(world.district_a).get(f"/reports/letters/{letter_id}/issue").data.decode()
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    assert login_as(world.district_a).post(f"/reports/letters/{letter_id}/issue",
                                           data={"revision": revision, "confirm": "y"}).status_code == 302
    session.expire_all()
    session.rollback()
    text = pdftotext(session.get(EscalationLetter, letter_id).pdf, tmp_path)
    assert "至今未报送审查" in text and "联系人及电话：李四" in text and "文号于编号出具时生成" not in text
    assert login_as(world.ent_a_mgmt).get(f"/reports/letters/{letter_id}/pdf").status_code == 200


def test_drafts_do_not_count_in_annex1_c19(app, world, session, login_as, items):
    from evalsite.models import Campaign
    from evalsite.reports.tables import escalation_facts

    draft(login_as(world.district_a), items["P-PROC-05"])
    with app.app_context():
        from evalsite.db import db

        assert escalation_facts(db.session, db.session.get(Campaign, world.campaign.id)) == []
    issue_via_pages(login_as, world, session, items["P-SURV-03"])
    with app.app_context():
        from evalsite.db import db

        facts = escalation_facts(db.session, db.session.get(Campaign, world.campaign.id))
        assert [f.letters for f in facts] == [1]


@pytest.mark.pg
def test_two_issuers_at_once_get_two_numbers(app, world, session, login_as, items):
    """PostgreSQL: concurrent issues of two approved letters never share a number."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    ids = []
    for code in ("P-PROC-05", "P-SURV-03"):
        letter_id = draft(login_as(world.district_a), items[code])
        assert confirmed_post(login_as(world.city), f"/reports/letters/{letter_id}/approve").status_code == 302
        ids.append(letter_id)
    session.expire_all()
    session.rollback()
    revs = {i: session.get(EscalationLetter, i).revision for i in ids}
    from tests.conftest import login

    # sign both clients in first, in this thread: a login writes through the test's own session
    clients = {}
    for letter_id in ids:
        clients[letter_id] = app.test_client()
        login(clients[letter_id], world.district_a)
    barrier, results = threading.Barrier(2, timeout=30), {}

    def go(letter_id):
        barrier.wait()
        results[letter_id] = clients[letter_id].post(
            f"/reports/letters/{letter_id}/issue",
            data={"revision": str(revs[letter_id]), "confirm": "y"}).status_code

    threads = [threading.Thread(target=go, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert list(results.values()) == [302, 302]
    session.expire_all()
    session.rollback()
    assert sorted(session.scalars(select(EscalationLetter.number_seq))) == [1, 2]


def test_approving_a_letter_asks_once_more_and_refuses_a_stale_confirmation(app, world, session, login_as, items):
    """审核通过 shows what will happen first; a confirmation of an older wording is refused with 409."""
    from tests.evalsite.confirm_support import confirmation_token

    letter_id = draft(login_as(world.district_a), items["P-PROC-05"])
    city = login_as(world.city)
    page = city.get(f"/reports/letters/{letter_id}/approve")
    assert page.status_code == 200 and "请确认" in page.data.decode() and "确认审核通过" in page.data.decode()
    token = confirmation_token(page)
    session.expire_all(); session.rollback()
    assert session.get(EscalationLetter, letter_id).status == "draft"  # nothing done by showing the page
    session.get(EscalationLetter, letter_id).revision += 1  # someone edits the wording meanwhile
    session.commit()
    resp = city.post(f"/reports/letters/{letter_id}/approve", data={"confirm": token})
    assert resp.status_code == 409
    session.expire_all(); session.rollback()
    assert session.get(EscalationLetter, letter_id).status == "draft"
