"""Inbox and notifications: a message per workflow event, in the inbox and by e-mail (a real local SMTP server).

The SMTP server (aiosmtpd) runs in a thread of the test on a free port; the
app's MAIL_* settings point at it.  E-mail is sent after the commit, so by
the time a page has answered its mail has been accepted by the server.
"""
from __future__ import annotations

import datetime as dt
import email
import io
import logging
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select

from evalsite.models import Assessment, Message, RectificationItem
from tests.conftest import login
from tests.evalsite.confirm_support import confirmed_post
from tests.evalsite.test_reports_workflow import draft_approve_issue, make_result, today  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Collect:
    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        self.mails.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), ready_timeout=10)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_FROM": "noreply@xieshang.test",
            "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5}


@pytest.fixture
def mailed_world(world, session):
    for name, user in world.users().items():
        user.email = f"{name}@example.cn"
    session.commit()
    return world


def _inbox(session, user):
    session.expire_all(); session.rollback()
    return list(session.scalars(select(Message).where(Message.recipient_id == user.id).order_by(Message.id)))


def _kinds(session, user):
    return [m.kind for m in _inbox(session, user)]


def _mails_to(smtp, address):
    return [m for rcpt, m in smtp.mails if address in rcpt]


def test_each_workflow_step_reaches_the_right_inbox_and_mailbox(app, mailed_world, session, login_as,
                                                               smtp, today):  # noqa: F811
    w = mailed_world
    # assignment -> the evaluator
    resp = login_as(w.district_a).post("/assessments/assignments", data={"enterprise_id": w.ent_a2.id,
                                                                        "evaluator_id": w.evaluator.id})
    assert resp.status_code == 302
    assert _kinds(session, w.evaluator) == ["assignment"]
    mail = _mails_to(smtp, "evaluator@example.cn")[-1]
    assert "威海乙食品有限公司" in mail["Subject"] and "/assessments/evaluate/" in mail.get_content()
    # evidence request -> both sides of the enterprise, with its reply deadline
    resp = login_as(w.evaluator).post(f"/assessments/evaluate/{w.ent_a.id}/request",
                                      data={"indicator": "B6", "message": "请补充职代会表决记录"})
    assert resp.status_code == 302
    for user in (w.ent_a_union, w.ent_a_mgmt):
        assert _kinds(session, user) == ["evidence_request"]
        body = _mails_to(smtp, f"{'ent_a_union' if user is w.ent_a_union else 'ent_a_mgmt'}@example.cn")[-1]
        assert "请补充职代会表决记录" in body.get_content() and "前答复" in body["Subject"]
    assert _kinds(session, w.ent_b_union) == []
    # the enterprise answers -> the evaluator who asked
    session.expire_all(); session.rollback()
    from evalsite.models import EvidenceRequest

    req = session.scalar(select(EvidenceRequest))
    resp = login_as(w.ent_a_union).post(f"/assessments/self/requests/{req.id}", data={"answer": "已上传表决记录"})
    assert resp.status_code == 302
    answered = _inbox(session, w.evaluator)[-1]
    assert answered.kind == "evidence_request" and "已补充材料" in answered.title and "表决记录" in answered.body
    # drafted by the evaluator, approved by the city (the drafter hears), issued by the district (the enterprise hears)
    make_result(session, w.campaign, w.ent_a)
    draft_approve_issue(login_as, session, w)
    assert _kinds(session, w.evaluator)[-1] == "approved"
    assert _kinds(session, w.ent_a_union)[-1] == "issued" and _kinds(session, w.ent_a_mgmt)[-1] == "issued"
    issued = _mails_to(smtp, "ent_a_mgmt@example.cn")[-1]
    assert "已出具" in issued["Subject"] and "整改事项" in issued.get_content()
    # a rectification answer -> the reviewing administrators and the assigned evaluator
    session.expire_all(); session.rollback()
    both = session.scalar(select(RectificationItem).where(RectificationItem.code == "P-SURV-03"))
    resp = login_as(w.ent_a_union).post(f"/reports/items/{both.id}/submit", content_type="multipart/form-data",
                                        data={"measures": "开展满意度回访", "evidence": (io.BytesIO(PDF), "回访.pdf")})
    assert resp.status_code == 302
    assert _kinds(session, w.district_a)[-1] == "rectification_answer"
    assert _kinds(session, w.evaluator)[-1] == "rectification_answer"
    assert "rectification_answer" not in _kinds(session, w.district_b)
    # returned with a reason -> the side(s) that answer the item
    assert login_as(w.evaluator).post(f"/reports/items/{both.id}/review",
                                      data={"action": "return", "comment": "缺少回访名单"}).status_code == 302
    returned = _inbox(session, w.ent_a_mgmt)[-1]
    assert returned.kind == "returned" and "缺少回访名单" in returned.body
    assert "缺少回访名单" in _mails_to(smtp, "ent_a_union@example.cn")[-1].get_content()
    # accepted -> the same sides
    login_as(w.ent_a_union).post(f"/reports/items/{both.id}/submit", data={"measures": "补充回访名单"})
    assert login_as(w.evaluator).post(f"/reports/items/{both.id}/review", data={"action": "accept"}).status_code == 302
    assert _kinds(session, w.ent_a_union)[-1] == "accepted"
    # every mail names the platform, links into it, and shows no internal code
    for _rcpt, m in smtp.mails:
        text = m.get_content()
        assert m["Subject"].startswith("【集体协商质效评估平台】") and "http://localhost/" in text
        for code in ("rectification_answer", "evidence_request", "P-SURV", "both", "employer"):
            assert code not in text and code not in m["Subject"]


def test_returns_of_a_report_and_of_a_self_assessment(app, mailed_world, session, login_as, smtp,
                                                     today):  # noqa: F811
    w = mailed_world
    make_result(session, w.campaign, w.ent_a)
    v = draft_approve_issue(login_as, session, w, issue=False)
    resp = confirmed_post(login_as(w.district_a), f"/reports/versions/{v.id}/return",
                          {"reason": "B1 缺少会议纪要依据"})
    assert resp.status_code == 302
    m = _inbox(session, w.evaluator)[-1]
    assert m.kind == "returned" and "B1 缺少会议纪要依据" in m.body and m.link == f"/reports/versions/{v.id}"
    a = Assessment(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, kind="self", system_hash="0" * 64,
                   status="submitted", submitted_at=dt.datetime(2021, 4, 1))
    session.add(a)
    session.commit()
    resp = confirmed_post(login_as(w.district_a), f"/assessments/{a.id}/return", {"reason": "B6 表决记录不全"})
    assert resp.status_code == 302
    for user in (w.ent_a_union, w.ent_a_mgmt):
        last = _inbox(session, user)[-1]
        assert last.kind == "returned" and "B6 表决记录不全" in last.body and last.link == "/assessments/self"
    assert len(_mails_to(smtp, "ent_a_mgmt@example.cn")) == 1


def test_mail_server_down_keeps_the_transaction_and_logs_no_address(app, mailed_world, session, login_as,
                                                                  smtp, caplog):
    app.config["MAIL_PORT"] = _free_port()  # nobody listens there
    caplog.set_level(logging.WARNING, logger="evalsite.notifier")
    resp = login_as(mailed_world.district_a).post("/assessments/assignments", data={
        "enterprise_id": mailed_world.ent_a2.id, "evaluator_id": mailed_world.evaluator.id})
    assert resp.status_code == 302
    assert _kinds(session, mailed_world.evaluator) == ["assignment"]  # the inbox has it, the assignment stands
    assert smtp.mails == []
    assert "通知邮件未能发送" in caplog.text and "@" not in caplog.text and "evaluator" not in caplog.text


def test_nothing_is_sent_for_a_rolled_back_change_nor_without_mail_settings(app, mailed_world, smtp):
    from evalsite.db import db
    from evalsite.notifier import notify

    with app.app_context():
        notify(db.session, [mailed_world.city.id], "assignment", "测试")
        db.session.rollback()
        db.session.commit()
        assert db.session.scalar(select(Message.id)) is None
    assert smtp.mails == []
    app.config["MAIL_SERVER"] = None
    with app.app_context():
        notify(db.session, [mailed_world.city.id], "assignment", "只进站内信")
        db.session.commit()
        assert db.session.scalar(select(Message.title)) == "只进站内信"
    assert smtp.mails == []


def test_deadline_reminders_once_per_deadline_and_stage(app, mailed_world, session, login_as, smtp,
                                                       today):  # noqa: F811
    w = mailed_world
    make_result(session, w.campaign, w.ent_a)
    draft_approve_issue(login_as, session, w)
    session.expire_all(); session.rollback()
    items = {i.code: i for i in session.scalars(select(RectificationItem))}
    employer = items["P-PROC-01"]  # the employer side answers; deadline 30 days after the issue
    runner = app.test_cli_runner()
    before = employer.deadline - dt.timedelta(days=2)
    first = runner.invoke(args=["remind-deadlines", "--date", before.isoformat()])
    assert first.exit_code == 0 and "期限临近提醒 1 条" in first.output, first.output
    again = runner.invoke(args=["remind-deadlines", "--date", before.isoformat()])
    assert "期限临近提醒 0 条，逾期提醒 0 条" in again.output
    assert _kinds(session, w.ent_a_mgmt).count("deadline_soon") == 1
    assert "deadline_soon" not in _kinds(session, w.ent_a_union)  # not that side's item
    after = employer.deadline + dt.timedelta(days=1)
    late = runner.invoke(args=["remind-deadlines", "--date", after.isoformat()])
    assert late.exit_code == 0 and "逾期提醒" in late.output
    runner.invoke(args=["remind-deadlines", "--date", (after + dt.timedelta(days=1)).isoformat()])
    assert _kinds(session, w.ent_a_mgmt).count("deadline_missed") == 1
    assert _kinds(session, w.district_a).count("deadline_missed") >= 1
    assert len([m for m in _mails_to(smtp, "ent_a_mgmt@example.cn") if "已逾期" in m["Subject"]]) == 1
    bad = runner.invoke(args=["remind-deadlines", "--date", "2021-13-01"])
    assert bad.exit_code != 0


def _message_for(session, user, title="报告已出具"):
    m = Message(recipient_id=user.id, kind="issued", title=title, body="正文", link="/reports/")
    session.add(m)
    session.commit()
    return m


def test_nobody_reads_another_inbox(client, world, session):
    mine = _message_for(session, world.ent_a_union)
    login(client, world.ent_b_union)
    assert client.get(f"/inbox/{mine.id}").status_code == 404
    assert client.post(f"/inbox/{mine.id}/read").status_code == 404
    assert "报告已出具" not in client.get("/inbox").get_data(as_text=True)
    client.post("/inbox/read-all")
    session.expire_all(); session.rollback()
    assert session.get(Message, mine.id).read_at is None
    assert client.get("/inbox/999999").status_code == 404
    assert client.get("/inbox?show=nonsense").status_code == 400
    assert client.get("/inbox?page=x").status_code == 400
    client.post("/logout")
    assert client.get("/inbox").status_code == 302


def test_header_count_open_mark_read_and_mark_all(client, app, world, session):
    first = _message_for(session, world.ent_a_union, "第一条")
    _message_for(session, world.ent_a_union, "第二条")
    _message_for(session, world.city, "别人的")
    login(client, world.ent_a_union)
    statements = []

    def count(conn, cursor, statement, *args):
        if "from message" in statement.lower():
            statements.append(statement)

    engine = app.extensions["evalsite_db"].engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert 'aria-label="未读 2 条">2<' in page
    assert len(statements) == 1  # one cheap query for the header
    body = client.get(f"/inbox/{first.id}").get_data(as_text=True)
    assert "第一条" in body and "前往处理" in body and 'aria-label="未读 1 条"' in body
    listing = client.get("/inbox?show=unread").get_data(as_text=True)
    assert "第二条" in listing and "第一条" not in listing and "别人的" not in listing
    assert client.post("/inbox/read-all").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "未读" not in page.split("</header>")[0]
    assert "已读" in client.get("/inbox").get_data(as_text=True)
    session.expire_all(); session.rollback()
    other = session.scalar(select(Message).where(Message.recipient_id == world.city.id))
    assert other.read_at is None


def test_accounts_carry_an_optional_email_checked_on_entry(client, world, session):
    login(client, world.district_a)
    form = {"username": "pinggu9", "display_name": "评估员九", "role": "evaluator", "unit_id": str(world.unit_a.id),
            "enterprise_code": "", "side": "", "password": "Harbour-Gull-Quiet-58", "email": "不是邮箱"}
    resp = client.post("/users/new", data=form)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "请填写有效的电子邮箱地址" in body and 'value="不是邮箱"' in body
    assert client.post("/users/new", data={**form, "email": " pinggu9@example.cn "}).status_code == 302
    session.expire_all(); session.rollback()
    from evalsite.models import User

    user = session.scalar(select(User).where(User.username == "pinggu9"))
    assert user.email == "pinggu9@example.cn"
    assert client.post(f"/users/{user.id}/edit", data={"display_name": "评估员九", "unit_id": str(world.unit_a.id),
                                                       "side": "", "email": ""}).status_code == 302
    session.expire_all(); session.rollback()
    assert session.get(User, user.id).email is None


def test_evidence_request_reminders_reach_both_sides_then_the_evaluator(app, mailed_world, session, smtp):
    from evalsite.models import EvidenceRequest

    w = mailed_world
    session.add(EvidenceRequest(campaign_id=w.campaign.id, enterprise_id=w.ent_a.id, indicator="B3",
                                message="请上传意见征集表", due_date=dt.date(2021, 5, 20), status="open",
                                requested_by_id=w.evaluator.id))
    session.commit()
    runner = app.test_cli_runner()
    assert "期限临近提醒 0 条" in runner.invoke(args=["remind-deadlines", "--date", "2021-05-10"]).output
    assert "期限临近提醒 2 条" in runner.invoke(args=["remind-deadlines", "--date", "2021-05-18",
                                                     "--days", "3"]).output
    out = runner.invoke(args=["remind-deadlines", "--date", "2021-05-21"]).output
    assert "逾期提醒 3 条" in out, out
    assert _kinds(session, w.ent_a_union) == ["deadline_soon", "deadline_missed"]
    assert _kinds(session, w.evaluator) == ["deadline_missed"]
    assert "请上传意见征集表" in _mails_to(smtp, "ent_a_mgmt@example.cn")[0].get_content()
    assert _kinds(session, w.ent_b_union) == []
