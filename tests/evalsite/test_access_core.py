"""Route × role matrix for the core pages (login, home, work queues, inbox, health, password)."""
from sqlalchemy import select
from sqlalchemy.orm import object_session

from evalsite.models import Message
from tests.evalsite.access_matrix import LOGIN, Case, assert_matrix


def _message_of_ent_a(w) -> int:
    """A message in enterprise A's (union side) inbox: only that account may open or mark it."""
    session = object_session(w.ent_a_union)
    found = session.scalar(select(Message.id).where(Message.recipient_id == w.ent_a_union.id))
    if found is None:
        m = Message(recipient_id=w.ent_a_union.id, kind="issued", title="报告已出具", body="", link="/")
        session.add(m)
        session.commit()
        found = m.id
    return found

EVERYONE_OK = {r: 200 for r in ("ent_a", "ent_b", "district_other", "evaluator", "city")}

ROUTES = [
    Case("main.healthz", lambda w: "/healthz", {"anon": 200, **EVERYONE_OK}),
    Case("main.home", lambda w: "/", {"anon": LOGIN, **EVERYONE_OK}),
    Case("main.guide", lambda w: "/guide", {"anon": LOGIN, **EVERYONE_OK}),
    # work queues: each role opens its own, another role's queue is refused, an unknown one is not found
    Case("main.queue", lambda w: "/todo/drafts", {"anon": LOGIN, "ent_a": 403, "ent_b": 403, "evaluator": 403,
                                                  "district_other": 200, "city": 200}),
    Case("main.queue", lambda w: "/todo/answers", {"anon": LOGIN, "ent_a": 403, "evaluator": 200, "city": 200}),
    Case("main.queue", lambda w: "/todo/my-items", {"anon": LOGIN, "ent_a": 200, "ent_b": 200, "evaluator": 403,
                                                    "district_other": 403, "city": 403}),
    Case("main.inbox_list", lambda w: "/inbox", {"anon": LOGIN, **EVERYONE_OK}),
    Case("main.inbox_message", lambda w: f"/inbox/{_message_of_ent_a(w)}",
         {"anon": LOGIN, "ent_a": 200, "ent_b": 404, "district_other": 404, "evaluator": 404, "city": 404}),
    Case("main.inbox_read", lambda w: f"/inbox/{_message_of_ent_a(w)}/read",
         {"anon": LOGIN, "ent_a": 302, "ent_b": 404, "district_other": 404, "evaluator": 404, "city": 404},
         method="POST"),
    Case("main.inbox_read_all", lambda w: "/inbox/read-all", {"anon": LOGIN, **{r: 302 for r in EVERYONE_OK}},
         method="POST"),
    Case("main.queue", lambda w: "/todo/nobody", {"anon": LOGIN, **{r: 404 for r in EVERYONE_OK}}),
    Case("main.guide", lambda w: "/guide/evaluator", {"anon": LOGIN, **EVERYONE_OK}),
    Case("main.guide", lambda w: "/guide/nobody", {"anon": LOGIN, **{r: 404 for r in EVERYONE_OK}}),
    Case("auth.login", lambda w: "/login", {"anon": 200, **{r: 302 for r in EVERYONE_OK}}),
    Case("auth.logout", lambda w: "/logout", {"anon": LOGIN, **{r: 302 for r in EVERYONE_OK}}, method="POST"),
    Case("auth.change_password", lambda w: "/account/password", {"anon": LOGIN, **EVERYONE_OK}),
    # the second step of a login: without a password step just done, everyone is sent to the login page
    Case("auth.mfa_verify", lambda w: "/login/verify", {"anon": LOGIN, **{r: LOGIN for r in EVERYONE_OK}}),
    Case("auth.mfa_verify", lambda w: "/login/verify", {"anon": LOGIN, **{r: LOGIN for r in EVERYONE_OK}},
         method="POST", data=lambda w: {"code": "123456"}),
    Case("auth.mfa_enrol", lambda w: "/login/enrol", {"anon": LOGIN, **{r: LOGIN for r in EVERYONE_OK}}),
    Case("auth.mfa_enrol", lambda w: "/login/enrol", {"anon": LOGIN, **{r: LOGIN for r in EVERYONE_OK}},
         method="POST", data=lambda w: {"code": "123456"}),
    Case("auth.account_page", lambda w: "/account", {"anon": LOGIN, **EVERYONE_OK}),
    Case("auth.account_page", lambda w: "/account", {"anon": LOGIN, **{r: 400 for r in EVERYONE_OK}},
         method="POST", note="no current password: refused, nothing changed"),
    Case("auth.mfa_manage", lambda w: "/account/mfa", {"anon": LOGIN, **EVERYONE_OK}),
    Case("auth.mfa_new_recovery_codes", lambda w: "/account/mfa/recovery",
         {"anon": LOGIN, **{r: 302 for r in EVERYONE_OK}}, method="POST", note="not enrolled: back to the page"),
    Case("static", lambda w: "/static/site.css", {"anon": 200}),
]


def test_core_routes_by_role(app, world, session):
    assert_matrix(app, world, session, ROUTES)
