"""Rectification pages: an item, answers with evidence, review, the escalation list (letters: letter_views)."""
from __future__ import annotations

from types import SimpleNamespace

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import audit
from ..labels import actor
from ..access import enterprise_or_403, roles_required, scope_enterprises
from ..db import db
from ..domain_errors import Invalid
from ..errors import abort_zh, field_errors
from ..models import EscalationLetter, RectificationEvidence, RectificationItem
from ..models.orgs import Enterprise, ReportingUnit
from . import rectification as rsvc
from .. import review_history as history
from ..assessments.evidence import UploadRejected, send_stored, store_upload
from .blueprint import bp
from .forms import LetterForm, ResponseForm, ReviewForm, SubmitItemForm
from .lists import ESCALATIONS
from .views_reports import STAFF, _today, campaign_or_404


def item_or_404(item_id: int) -> RectificationItem:
    item = db.session.get(RectificationItem, item_id)
    if item is None:
        abort(404)
    enterprise_or_403(item.enterprise_id, item.campaign_id)
    return item


def _render_item(item, status=200, submit_form=None, review_form=None, letter_form=None):
    q = select(EscalationLetter).where(EscalationLetter.item_id == item.id).order_by(EscalationLetter.id)
    if current_user.role not in ("city_admin", "district_admin"):
        q = q.where(EscalationLetter.status == "issued")  # drafts are the administrators' working papers
    letters = db.session.scalars(q).all()
    return render_template(
        "reports/item.html", item=item, letters=letters, today=_today(), history=item_history(item),
        returned=last_return(item),
        submit_form=submit_form or SubmitItemForm(measures=item.measures), review_form=review_form or ReviewForm(),
        letter_form=letter_form or LetterForm(), response_form=ResponseForm(),
        may_respond=rsvc.can_respond(current_user, item), may_review=rsvc.can_review(db.session, current_user, item),
        may_escalate=current_user.role in ("city_admin", "district_admin") and rsvc.can_review(
            db.session, current_user, item)), status


@bp.get("/items/<int:item_id>")
@roles_required(*STAFF)
def item(item_id):
    return _render_item(item_or_404(item_id))


@bp.post("/items/<int:item_id>/submit")
@roles_required("enterprise")
def item_submit(item_id):
    item = item_or_404(item_id)
    if not rsvc.can_respond(current_user, item):
        abort_zh(403, "该整改项的责任方不是您所在的一方。")
    form = SubmitItemForm()
    if not form.validate():
        return _render_item(item, 400, submit_form=form)
    stored = None
    upload = form.evidence.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            stored = store_upload(upload)
        except UploadRejected as exc:
            form.evidence.errors = [exc.message]
            return _render_item(item, exc.status, submit_form=form)
    rsvc.submit(db.session, item, current_user, form.measures.data, _today())
    if stored is not None:
        db.session.add(RectificationEvidence(item_id=item.id, filename=stored.filename, stored_name=stored.stored_name,
                                             content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                             uploaded_by_id=current_user.id))
    audit.record("rectification.submit", "rectification_item", item.id, f"{item.title}（{item.code}）提交整改" +
                 ("（逾期）" if item.late else ""))
    flash("已提交，等待验收。" + ("本项已超过整改期限，记为逾期。" if item.late else ""), "success")
    return redirect(url_for("reports.item", item_id=item.id))


@bp.post("/items/<int:item_id>/review")
@roles_required("city_admin", "district_admin", "evaluator")
def item_review(item_id):
    item = item_or_404(item_id)
    if not rsvc.can_review(db.session, current_user, item):
        abort(403)
    form = ReviewForm()
    if not form.validate():
        return _render_item(item, 400, review_form=form)
    try:
        if form.action.data == "accept":
            rsvc.accept(db.session, item, current_user, form.comment.data or "")
        else:  # a return needs its reason, as every return of the platform does
            rsvc.return_item(db.session, item, current_user, history.clean_reason(form.comment.data))
    except Invalid as exc:  # the reason missing or too long: next to the comment field
        field_errors(exc, form, default="comment")
        return _render_item(item, exc.status, review_form=form)
    audit.record(f"rectification.{form.action.data}", "rectification_item", item.id, f"{item.title}（{item.code}）{item.status_label}")
    flash("已验收通过。" if item.status == "accepted" else
          f"已退回整改，责任方（{item.owner_label}）将在整改项页面看到退回原因。", "success")
    return redirect(url_for("reports.item", item_id=item.id))


EVENT_LABELS = {"submitted": "提交整改情况", "accepted": "验收通过", "returned": "退回整改", "open": "生成整改项"}


def item_history(item) -> list[dict]:
    """The item's events in the shape of every review history (``_history.html``)."""
    rows = []
    for e in item.events:
        if e.kind == "status":
            what = EVENT_LABELS.get(e.to_status or "", "状态变更")
        else:
            what = {"letter": "发出监督文书", "response": "记录文书答复"}.get(e.kind, "处理")
        rows.append(dict(at=e.at, who=actor(e.username), what=what, reason=e.comment or ""))
    return rows


def last_return(item):
    """The return the responsible side still has to act on (shown prominently on the item page)."""
    if item.status != "returned":
        return None
    event = next((e for e in reversed(item.events) if e.kind == "status" and e.to_status == "returned"), None)
    return SimpleNamespace(username=event.username, at=event.at, reason=event.comment or "") if event else None


@bp.get("/evidence/<int:evidence_id>")
@roles_required(*STAFF)
def evidence(evidence_id):
    ev = db.session.get(RectificationEvidence, evidence_id)
    if ev is None:
        abort(404)
    item_or_404(ev.item_id)
    return send_stored(ev)


# letters: letter_views.py


def escalation_rows(campaign) -> list[dict]:
    today = _today()
    q = (select(RectificationItem, Enterprise, ReportingUnit.name)
         .join(Enterprise, Enterprise.id == RectificationItem.enterprise_id)
         .join(ReportingUnit, ReportingUnit.id == Enterprise.unit_id)
         .where(RectificationItem.campaign_id == campaign.id, rsvc.escalation_filter(today))
         .order_by(RectificationItem.deadline))
    q = scope_enterprises(q, current_user, campaign.id)
    found = db.session.execute(q).all()
    letters = {}
    for lt in db.session.scalars(select(EscalationLetter).where(
            EscalationLetter.item_id.in_([i.id for i, _, _ in found] or [0]), EscalationLetter.status == "issued")):
        letters.setdefault(lt.item_id, []).append(lt)
    return [dict(item=i, ent=e, enterprise=e.name, credit_code=e.credit_code, unit=u, code=i.code, title=i.title,
                 owner=i.owner_label, deadline=i.deadline, status=i.status_label, returned=i.returned_count,
                 overdue_days=max(0, (today - i.deadline).days) if i.overdue(today) else 0,
                 reason=rsvc.escalation_reason(i, today),
                 letters="、".join(f"{x.kind_label}{x.number}" for x in letters.get(i.id, [])))
            for i, e, u in found]


@bp.get("/escalations")
@roles_required("city_admin", "district_admin", "evaluator")
def escalations():
    campaign = campaign_or_404()
    lq = ESCALATIONS.parse()
    rows, page = ESCALATIONS.page(ESCALATIONS.apply_rows(escalation_rows(campaign), lq), lq)
    return render_template("reports/escalations.html", campaign=campaign, rows=rows, page=page, lst=ESCALATIONS,
                           lq=lq)


@bp.get("/escalations.xlsx")
@roles_required("city_admin", "district_admin", "evaluator")
def escalations_xlsx():
    from urllib.parse import quote

    from .views_exports import escalation_xlsx

    campaign = campaign_or_404()
    data = escalation_xlsx(ESCALATIONS.apply_rows(escalation_rows(campaign), ESCALATIONS.parse()))  # as filtered
    resp = Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp.headers["Content-Disposition"] = ("attachment; filename=escalations.xlsx; filename*=UTF-8''"
                                           + quote(f"拒不整改与逾期清单-{campaign.code}.xlsx"))
    return resp

