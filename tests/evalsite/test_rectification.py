"""The rectification loop: answers, late flag, review, escalation letters, closing report."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from sqlalchemy import select

from evalsite.models import EscalationLetter, RectificationEvent, RectificationItem, Report, ReportVersion
from evalsite.reports.rectification import add_working_days
from tests.evalsite.test_letters import issue_via_pages
from tests.evalsite.test_reports_workflow import TODAY, draft_approve_issue, make_result, today  # noqa: F401
from tests.evalsite.confirm_support import confirmed_post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _items(session):
    session.expire_all(); session.rollback()
    return {i.code: i for i in session.scalars(select(RectificationItem))}


def _issue(app, world, session, login_as):
    make_result(session, world.campaign, world.ent_a)
    draft_approve_issue(login_as, session, world)
    return _items(session)


def test_submit_review_and_history(app, world, session, login_as, today):  # noqa: F811
    items = _issue(app, world, session, login_as)
    both, employer = items["P-SURV-03"], items["P-PROC-01"]
    union = login_as(world.ent_a_union)
    # owner side: the union side cannot answer for the employer
    assert union.post(f"/reports/items/{employer.id}/submit", data={"measures": "x"}).status_code == 403
    assert union.post(f"/reports/items/{both.id}/submit", data={"measures": ""}).status_code == 400
    resp = union.post(f"/reports/items/{both.id}/submit", content_type="multipart/form-data",
                      data={"measures": "开展满意度回访", "evidence": (io.BytesIO(PDF), "回访记录.pdf")})
    assert resp.status_code == 302
    it = _items(session)["P-SURV-03"]
    assert it.status == "submitted" and not it.late and len(it.evidence) == 1
    ev = it.evidence[0]
    assert login_as(world.ent_b_union).get(f"/reports/evidence/{ev.id}").status_code == 403
    dl = login_as(world.evaluator).get(f"/reports/evidence/{ev.id}")
    assert dl.status_code == 200 and dl.data == PDF and "attachment" in dl.headers["Content-Disposition"]
    # a fake file is refused by content
    bad = login_as(world.ent_a_mgmt).post(f"/reports/items/{employer.id}/submit", content_type="multipart/form-data",
                                          data={"measures": "补发要约", "evidence": (io.BytesIO(b"MZ\x90"), "a.pdf")})
    assert bad.status_code == 400 and "文件类型" in bad.data.decode()
    # return needs a comment; then the enterprise resubmits; then accept
    ev_client = login_as(world.evaluator)
    assert ev_client.post(f"/reports/items/{both.id}/review", data={"action": "return", "comment": ""}).status_code == 400
    assert ev_client.post(f"/reports/items/{both.id}/review",
                          data={"action": "return", "comment": "缺少回访名单"}).status_code == 302
    assert login_as(world.ent_a_union).post(f"/reports/items/{both.id}/submit",
                                            data={"measures": "补充回访名单"}).status_code == 302
    assert login_as(world.evaluator).post(f"/reports/items/{both.id}/review",
                                          data={"action": "accept"}).status_code == 302
    it = _items(session)["P-SURV-03"]
    assert it.status == "accepted" and it.returned_count == 1
    moves = [(e.from_status, e.to_status) for e in session.scalars(
        select(RectificationEvent).where(RectificationEvent.item_id == it.id).order_by(RectificationEvent.id))]
    assert moves == [(None, "open"), ("open", "submitted"), ("submitted", "returned"), ("returned", "submitted"),
                     ("submitted", "accepted")]
    # accepting twice is a state conflict
    assert login_as(world.city).post(f"/reports/items/{both.id}/review", data={"action": "accept"}).status_code == 409
    # another district's admin and the other evaluator may not review
    assert login_as(world.evaluator_b).post(f"/reports/items/{employer.id}/review",
                                            data={"action": "accept"}).status_code == 403


def test_late_answer_is_accepted_but_marked_late(app, world, session, login_as, today):  # noqa: F811
    items = _issue(app, world, session, login_as)
    item = items["P-PROC-01"]
    app.config["TODAY"] = item.deadline + dt.timedelta(days=3)
    page = login_as(world.ent_a_mgmt).get(f"/reports/items/{item.id}").data.decode()
    assert "已逾期 3 天" in page
    resp = login_as(world.ent_a_mgmt).post(f"/reports/items/{item.id}/submit", data={"measures": "已补发书面要约"})
    assert resp.status_code == 302
    item = _items(session)["P-PROC-01"]
    assert item.status == "submitted" and item.late


def test_escalation_list_letters_and_export(app, world, session, login_as, today):  # noqa: F811
    items = _issue(app, world, session, login_as)
    refused = items["P-SURV-03"]
    for _ in range(2):
        login_as(world.ent_a_union).post(f"/reports/items/{refused.id}/submit", data={"measures": "敷衍"})
        login_as(world.evaluator).post(f"/reports/items/{refused.id}/review", data={"action": "return", "comment": "不合格"})
    admin = login_as(world.city)
    page = admin.get("/reports/escalations").data.decode()
    assert "被退回2次" in page and "P-PROC-01" not in page
    app.config["TODAY"] = items["P-PROC-01"].deadline + dt.timedelta(days=1)
    page = admin.get("/reports/escalations").data.decode()
    assert "P-PROC-01" in page and "逾期1天" in page
    wb = load_workbook(io.BytesIO(admin.get("/reports/escalations.xlsx").data))
    codes = [row[3] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["P-PROC-01", "P-SURV-03"]
    assert login_as(world.district_b).get("/reports/escalations").data.decode().count("P-PROC-01") == 0
    # letters: 意见书 then 建议书, with their response deadlines, recorded as events
    day = app.config["TODAY"]
    for kind in ("opinion", "recommendation"):
        issue_via_pages(login_as, world, session, refused, kind)
    session.expire_all(); session.rollback()
    letters = {x.kind: x for x in session.scalars(select(EscalationLetter))}
    assert letters["opinion"].response_deadline == add_working_days(day, 15)
    assert (letters["opinion"].response_deadline - day).days == 21
    assert letters["recommendation"].response_deadline == add_working_days(day, 5)
    assert letters["opinion"].pdf.startswith(b"%PDF") and "〔2021〕" in letters["opinion"].number
    kinds = [e.kind for e in session.scalars(select(RectificationEvent).where(RectificationEvent.item_id == refused.id))]
    assert kinds.count("letter") == 2
    assert login_as(world.ent_a_union).get(f"/reports/letters/{letters['opinion'].id}/pdf").status_code == 200
    assert login_as(world.ent_a_union).get(f"/reports/letters/{letters['recommendation'].id}/pdf").status_code == 403
    assert login_as(world.city).post(f"/reports/letters/{letters['opinion'].id}/response",
                                     data={"response": "已安排整改"}).status_code == 302


def test_closing_report_after_all_accepted(app, world, session, login_as, today):  # noqa: F811
    items = _issue(app, world, session, login_as)
    report_id = items["P-PROC-01"].report_id
    ev = login_as(world.evaluator)
    assert ev.post(f"/reports/{report_id}/closing").status_code == 409
    for code, user in (("P-PROC-01", world.ent_a_mgmt), ("P-SURV-03", world.ent_a_union)):
        login_as(user).post(f"/reports/items/{items[code].id}/submit", data={"measures": f"{code}已整改"})
        login_as(world.evaluator).post(f"/reports/items/{items[code].id}/review", data={"action": "accept"})
    assert login_as(world.evaluator).post(f"/reports/{report_id}/closing").status_code == 302
    session.expire_all(); session.rollback()
    closing = session.scalar(select(Report).where(Report.kind == "closing"))
    v = closing.versions[0]
    assert closing.number.endswith("-ZG") and v.status == "draft"
    admin = login_as(world.district_a)
    assert confirmed_post(admin, f"/reports/versions/{v.id}/approve").status_code == 302
    assert confirmed_post(login_as(world.city), f"/reports/versions/{v.id}/issue").status_code == 302  # four eyes
    session.expire_all(); session.rollback()
    v = session.get(ReportVersion, v.id)
    assert v.status == "issued" and v.pdf.startswith(b"%PDF")
    assert "有效" in app.test_client().get(f"/verify/{v.verify_code}").data.decode()
    assert TODAY == today


def test_escalation_sheet_neutralises_formulas():
    from io import BytesIO

    from openpyxl import load_workbook

    from evalsite.reports.views_exports import escalation_xlsx

    row = dict(enterprise="=HYPERLINK(\"x\")", credit_code="91371002MA3C1234X5", unit="环翠区", code="P-PROC-01",
               title="+1", owner="双方", deadline=None, status="open", returned=0, overdue_days=3,
               reason="-逾期", letters="@x")
    ws = load_workbook(BytesIO(escalation_xlsx([row]))).active
    values = [c.value for c in ws[2]]
    assert values[0] == "'=HYPERLINK(\"x\")" and values[4] == "'+1" and values[10] == "'-逾期"
    assert values[9] == 3  # numbers stay numbers
