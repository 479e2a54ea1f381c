"""Route × role matrix for the reports, verification and dashboard blueprints."""
from __future__ import annotations

import io

from sqlalchemy import select

from evalsite.models import EscalationLetter, RectificationEvidence, RectificationItem, ReportVersion
from tests.evalsite.access_matrix import LOGIN, Case, assert_matrix
from tests.evalsite.test_reports_workflow import make_result

ALL = ("anon", "ent_a", "ent_b", "district_other", "evaluator", "city")


def exp(anon=LOGIN, ent_a=403, ent_b=403, district_other=403, evaluator=403, city=200):
    return dict(anon=anon, ent_a=ent_a, ent_b=ent_b, district_other=district_other, evaluator=evaluator, city=city)


def _state(world, session):
    """Enterprise A: an issued report v1 with items, an issued letter and a letter draft, a draft v2 (built once)."""
    if session.scalar(select(ReportVersion.id)) is not None:
        return
    app = session.info["app"]
    make_result(session, world.campaign, world.ent_a)
    with app.test_request_context(), app.app_context():
        from evalsite.db import db
        from evalsite.models import Campaign, Enterprise, User
        from evalsite.reports import letters as L
        from evalsite.reports import workflow as S
        from evalsite.storage import current_storage

        s = db.session
        city, district = s.get(User, world.city.id), s.get(User, world.district_a.id)
        v = S.draft_report(s, s.get(Campaign, world.campaign.id), s.get(Enterprise, world.ent_a.id), district)
        S.approve(s, v, city)
        S.issue(s, v, district)
        item = s.scalar(select(RectificationItem).where(RectificationItem.owner == "both"))
        L.issue_letter(s, item, "opinion", city, v.issue_date, approver=district)
        L.draft_letter(s, item, "reminder", district, v.issue_date)
        s.add(RectificationEvidence(item_id=item.id, filename="a.pdf", stored_name="evid-test.pdf",
                                    content_type="application/pdf", size=8, sha256=current_storage().put(b"%PDF-1.4")))
        S.draft_report(s, s.get(Campaign, world.campaign.id), s.get(Enterprise, world.ent_a.id), district)
        s.commit()


def _ids(session):
    session.expire_all()
    session.rollback()
    issued = session.scalar(select(ReportVersion).where(ReportVersion.status == "issued"))
    draft = session.scalar(select(ReportVersion).where(ReportVersion.status == "draft"))
    item = session.scalar(select(RectificationItem).where(RectificationItem.owner == "both"))
    return dict(issued=issued.id, code=issued.verify_code, draft=draft.id, item=item.id,
                report=issued.report_id,
                letter=session.scalar(select(EscalationLetter.id).where(EscalationLetter.status == "issued")),
                letter_draft=session.scalar(select(EscalationLetter.id).where(EscalationLetter.status == "draft")),
                evidence=session.scalar(select(RectificationEvidence.id)))


IDS: dict = {}  # filled once the state exists: the cases read ids lazily


ENT = lambda w: w.ent_a.id  # noqa: E731
ADMIN_ONLY = exp(district_other=200)  # district_other sees its own unit's view of the page
ROUTES = [
    Case("reports.index", lambda w: "/reports/", exp(ent_a=200, ent_b=200, district_other=200, evaluator=200)),
    Case("reports.enterprise", lambda w: f"/reports/enterprise/{ENT(w)}", exp(ent_a=200, evaluator=200)),
    Case("reports.items", lambda w: "/reports/items", exp(ent_a=200, ent_b=200, district_other=200, evaluator=200)),
    Case("reports.items", lambda w: "/reports/items?status=nonsense", exp(ent_a=400, ent_b=400, district_other=400,
                                                                           evaluator=400, city=400), note="bad filter"),
    Case("reports.letters", lambda w: "/reports/letters", exp(ent_a=200, ent_b=200, district_other=200, evaluator=200)),
    Case("reports.draft", lambda w: f"/reports/enterprise/{ENT(w)}/draft", exp(evaluator=302, city=302), "POST"),
    Case("reports.version", lambda w: f"/reports/versions/{IDS['issued']}", exp(ent_a=200, evaluator=200)),
    Case("reports.version_pdf", lambda w: f"/reports/versions/{IDS['issued']}/pdf", exp(ent_a=200, evaluator=200)),
    Case("reports.edit_version", lambda w: f"/reports/versions/{IDS['draft']}/edit",
         exp(evaluator=302, city=302), "POST", data=lambda w: {"remarks": "说明"}),
    Case("reports.approve", lambda w: f"/reports/versions/{IDS['issued']}/approve", exp(city=409), "POST"),
    Case("reports.issue", lambda w: f"/reports/versions/{IDS['draft']}/issue", exp(city=409), "POST"),
    Case("reports.revoke", lambda w: f"/reports/versions/{IDS['issued']}/revoke", exp(city=400), "POST",
         data=lambda w: {"reason": ""}),
    # confirmation pages (GET) and 退回修改
    Case("reports.approve", lambda w: f"/reports/versions/{IDS['draft']}/approve", exp(city=403),
         note="the reports.draft case above made the city its drafter: four eyes"),
    Case("reports.issue", lambda w: f"/reports/versions/{IDS['issued']}/issue", exp(city=409)),
    Case("reports.revoke", lambda w: f"/reports/versions/{IDS['issued']}/revoke", exp(city=200)),
    Case("reports.return_version", lambda w: f"/reports/versions/{IDS['draft']}/return", exp(city=200)),
    Case("reports.return_version", lambda w: f"/reports/versions/{IDS['draft']}/return", exp(city=400), "POST",
         data=lambda w: {"reason": ""}),
    Case("reports.return_version", lambda w: f"/reports/versions/{IDS['issued']}/return", exp(city=409), "POST",
         data=lambda w: {"reason": "原因"}),
    Case("reports.closing", lambda w: f"/reports/{IDS['report']}/closing", exp(evaluator=409, city=409), "POST"),
    Case("reports.item", lambda w: f"/reports/items/{IDS['item']}", exp(ent_a=200, evaluator=200)),
    Case("reports.item_submit", lambda w: f"/reports/items/{IDS['item']}/submit", exp(ent_a=400, city=403), "POST",
         data=lambda w: {"measures": ""}),
    Case("reports.item_review", lambda w: f"/reports/items/{IDS['item']}/review", exp(evaluator=409, city=409),
         "POST", data=lambda w: {"action": "accept"}),
    Case("reports.evidence", lambda w: f"/reports/evidence/{IDS['evidence']}", exp(ent_a=200, evaluator=200)),
    Case("reports.letter_create", lambda w: f"/reports/items/{IDS['item']}/letters", exp(city=400), "POST",
         data=lambda w: {"kind": "bogus"}),
    Case("reports.letter_pdf", lambda w: f"/reports/letters/{IDS['letter']}/pdf", exp(ent_a=200, evaluator=200)),
    Case("reports.letter_pdf", lambda w: f"/reports/letters/{IDS['letter_draft']}/pdf", exp(),
         note="a draft: only the administrators who may issue it preview it"),
    Case("reports.letter", lambda w: f"/reports/letters/{IDS['letter_draft']}", exp()),
    Case("reports.letter", lambda w: f"/reports/letters/{IDS['letter']}", exp()),
    Case("reports.letter_edit", lambda w: f"/reports/letters/{IDS['letter_draft']}/edit", exp(city=400), "POST",
         data=lambda w: {"addressee": "", "facts": ""}),
    Case("reports.letter_approve", lambda w: f"/reports/letters/{IDS['letter']}/approve", exp(city=409), "POST"),
    Case("reports.letter_approve", lambda w: f"/reports/letters/{IDS['letter']}/approve", exp(city=409),
         note="the confirmation page of an approval; an issued letter cannot be approved"),
    Case("reports.letter_issue_confirm", lambda w: f"/reports/letters/{IDS['letter_draft']}/issue", exp(city=409),
         note="a draft must be approved before the confirmation page"),
    Case("reports.letter_issue", lambda w: f"/reports/letters/{IDS['letter']}/issue", exp(city=409), "POST",
         data=lambda w: {"revision": "1", "confirm": "y"}),
    Case("reports.letter_discard", lambda w: f"/reports/letters/{IDS['letter']}/discard", exp(city=409), "POST"),
    Case("reports.letter_response", lambda w: f"/reports/letters/{IDS['letter']}/response", exp(city=400), "POST",
         data=lambda w: {"response": ""}),
    Case("reports.escalations", lambda w: "/reports/escalations", exp(district_other=200, evaluator=200)),
    Case("reports.escalations_xlsx", lambda w: "/reports/escalations.xlsx", exp(district_other=200, evaluator=200)),
    Case("reports.tables", lambda w: "/reports/tables", ADMIN_ONLY),
    Case("reports.table_download", lambda w: "/reports/tables/annex1.xlsx", ADMIN_ONLY),
    Case("reports.table_checks", lambda w: "/reports/tables/checks", ADMIN_ONLY),
    Case("verify.show", lambda w: f"/verify/{IDS['code']}", {r: 200 for r in ALL}),
    Case("verify.check", lambda w: f"/verify/{IDS['code']}", {r: 400 for r in ALL}, "POST",
         data=lambda w: {"pdf": (io.BytesIO(b"not a pdf"), "x.pdf")}),
    Case("dashboards.dashboard", lambda w: "/dashboard/", ADMIN_ONLY),
    Case("dashboards.enterprises", lambda w: "/dashboard/enterprises?key=enrolled", ADMIN_ONLY),
]


def test_reports_routes_by_role(app, world, session):
    session.info["app"] = app
    _state(world, session)
    IDS.clear()
    IDS.update(_ids(session))
    assert_matrix(app, world, session, ROUTES)
