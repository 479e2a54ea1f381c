"""Supervision letters (一函两书): draft, preview and edit, approve, confirm, number and issue, responses."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import audit, confirm, four_eyes
from ..access import enterprise_or_403, roles_required
from ..db import db
from ..errors import abort_zh, field_errors
from ..models import EscalationLetter
from ..pdf.letters import outline
from ..downloads import send_stored_file
from . import letters as lsvc
from . import rectification as rsvc
from .blueprint import bp
from .forms import ActionForm, LetterEditForm, LetterForm, LetterIssueForm, ResponseForm
from .views_rectification import _render_item, item_or_404
from .views_reports import STAFF, _today, pdf_response

ADMINS = ("city_admin", "district_admin")


def letter_or_404(letter_id: int) -> EscalationLetter:
    letter = db.session.get(EscalationLetter, letter_id)
    if letter is None:
        abort(404)
    enterprise_or_403(letter.enterprise_id, letter.campaign_id)
    return letter


def _managed(letter_id: int) -> EscalationLetter:
    """A letter the current administrator may draft, approve or issue (their district's or the city's)."""
    letter = letter_or_404(letter_id)
    if not rsvc.can_review(db.session, current_user, letter.item):
        abort(403)
    return letter


def _render_letter(letter: EscalationLetter, status: int = 200, edit_form: LetterEditForm | None = None):
    today = _today()
    if letter.is_issued:
        data = lsvc.letter_data(letter, number=letter.number, date=letter.issued_at, deadline=letter.response_deadline)
    else:
        data = lsvc.letter_data(letter, date=today,
                                deadline=lsvc.escalation_rules().response_deadline(letter.kind, today))
    c = letter.content or {}
    form = edit_form or LetterEditForm(addressee=letter.addressee, facts="\n".join(c.get("facts") or []),
                                       legal_basis="\n".join(c.get("legal_basis") or []),
                                       requests="\n".join(c.get("requests") or []), contact=c.get("contact") or "")
    return render_template("reports/letter.html", letter=letter, item=letter.item, lines=outline(data), data=data,
                           edit_form=form, action_form=ActionForm(),
                           may_approve=letter.status == "draft"
                           and four_eyes.may_approve(letter.drafted_by_id, current_user.id),
                           may_issue=letter.status == "approved"
                           and four_eyes.may_issue(letter.approved_by_id, current_user.id)), status


@bp.post("/items/<int:item_id>/letters")
@roles_required(*ADMINS)
def letter_create(item_id):
    item = item_or_404(item_id)
    if not rsvc.can_review(db.session, current_user, item):
        abort(403)
    form = LetterForm()
    if not form.validate():
        return _render_item(item, 400, letter_form=form)
    letter = lsvc.draft_letter(db.session, item, form.kind.data, current_user, _today())
    audit.record("letter.draft", "escalation_letter", letter.id, f"起草{letter.kind_label}（{item.title}）")
    flash(f"已起草{letter.kind_label}，请预览、修改措辞后送审；文号在出具时生成。", "success")
    return redirect(url_for("reports.letter", letter_id=letter.id))


@bp.get("/letters/<int:letter_id>")
@roles_required(*ADMINS)
def letter(letter_id):
    return _render_letter(_managed(letter_id))


@bp.post("/letters/<int:letter_id>/edit")
@roles_required(*ADMINS)
def letter_edit(letter_id):
    letter = _managed(letter_id)
    if letter.is_issued:
        abort_zh(409, "已出具的文书不可修改。")
    form = LetterEditForm()
    if not form.validate():
        return _render_letter(letter, 400, edit_form=form)
    try:
        lsvc.edit_letter(letter, current_user, addressee=form.addressee.data, facts=form.facts.data,
                         legal_basis=form.legal_basis.data, requests=form.requests.data,
                         contact=form.contact.data or "")
    except lsvc.LetterInputError as exc:  # next to the wording field
        field_errors(exc, form, default="facts")
        return _render_letter(letter, exc.status, edit_form=form)
    audit.record("letter.edit", "escalation_letter", letter.id, f"修改{letter.kind_label}措辞")
    flash("已保存文书措辞。" + ("原审核已失效，请重新送审。" if letter.status == "draft" and letter.revision > 2 else ""),
          "success")
    return redirect(url_for("reports.letter", letter_id=letter.id))


@bp.route("/letters/<int:letter_id>/approve", methods=["GET", "POST"])
@roles_required(*ADMINS)
def letter_approve(letter_id):
    """Approve a draft after a confirmation page (four eyes: never the drafter)."""
    letter = _managed(letter_id)
    if letter.status != "draft":
        abort_zh(409, f"只有草稿可以审核，该文书当前为“{letter.status_label}”。")
    four_eyes.check_can_approve(letter.drafted_by_id, current_user.id)
    lines = [f"本{letter.kind_label}草稿状态变为“已审核”，审核人记为您。",
             "审核后由起草人或另一位管理员编号出具；出具时生成文号并锁定内容。"
             if four_eyes.approver_may_issue() or not four_eyes.enabled()
             else "按照“四眼原则”，编号出具须由另一位管理员（例如起草人）进行。",
             "审核后如再修改措辞，审核将自动撤回，须重新审核。"]
    page = confirm.gate(confirm.fingerprint("letter", letter.id, letter.revision, letter.status),
                        title=f"审核{letter.kind_label}", subject=f"{letter.enterprise.name} · {letter.kind_label}（草稿）",
                        consequences=lines, action_url=url_for("reports.letter_approve", letter_id=letter.id),
                        button="确认审核通过", back_url=url_for("reports.letter", letter_id=letter.id))
    if page is not None:
        return page
    lsvc.approve_letter(db.session, letter, current_user)
    audit.record("letter.approve", "escalation_letter", letter.id, f"审核通过{letter.kind_label}")
    flash("已审核通过，可由起草人或另一位管理员编号出具。", "success")
    return redirect(url_for("reports.letter", letter_id=letter.id))


def _render_confirm(letter: EscalationLetter, form: LetterIssueForm, status: int = 200):
    today = _today()
    deadline = lsvc.escalation_rules().response_deadline(letter.kind, today)
    data = lsvc.letter_data(letter, date=today, deadline=deadline)
    prefix = lsvc.escalation_rules().letter(letter.kind).number_prefix
    return render_template("reports/letter_confirm.html", letter=letter, form=form, lines=outline(data), data=data,
                           deadline=deadline, today=today, number_pattern=f"{prefix}〔{today.year}〕×号"), status


def _issuable(letter: EscalationLetter) -> None:
    if letter.is_issued:
        abort_zh(409, f"该文书已出具（{letter.number}），不能再次出具。")
    if letter.status != "approved":
        abort_zh(409, "文书尚未审核通过，不能编号出具；请先由另一位管理员审核。")
    four_eyes.check_can_issue(letter.approved_by_id, current_user.id)


@bp.get("/letters/<int:letter_id>/issue")
@roles_required(*ADMINS)
def letter_issue_confirm(letter_id):
    letter = _managed(letter_id)
    _issuable(letter)
    return _render_confirm(letter, LetterIssueForm(revision=str(letter.revision)))


@bp.post("/letters/<int:letter_id>/issue")
@roles_required(*ADMINS)
def letter_issue(letter_id):
    letter = _managed(letter_id)
    _issuable(letter)
    form = LetterIssueForm()
    if not form.validate():
        return _render_confirm(letter, form, 400)
    raw = (form.revision.data or "").strip()
    if not raw.isdigit() or len(raw) > 9:
        abort_zh(400, "确认信息无效，请返回文书页面重新确认。")
    lsvc.issue(db.session, letter, current_user, _today(), int(raw))
    audit.record("letter.issue", "escalation_letter", letter.id, f"{letter.kind_label} {letter.number}")
    flash(f"已编号出具{letter.kind_label}（{letter.number}），答复期限{lsvc.format_date(letter.response_deadline)}。",
          "success")
    return redirect(url_for("reports.letter", letter_id=letter.id))


@bp.post("/letters/<int:letter_id>/discard")
@roles_required(*ADMINS)
def letter_discard(letter_id):
    letter = _managed(letter_id)
    if not ActionForm().validate():
        abort_zh(400, "页面已过期，请刷新后重试。")
    item_id, label = letter.item_id, letter.kind_label
    lsvc.discard_letter(db.session, letter)
    audit.record("letter.discard", "escalation_letter", letter_id, f"删除{label}草稿")
    flash(f"已删除{label}草稿（未占用文号）。", "success")
    return redirect(url_for("reports.item", item_id=item_id))


@bp.get("/letters/<int:letter_id>/pdf")
@roles_required(*STAFF)
def letter_pdf(letter_id):
    letter = letter_or_404(letter_id)
    if letter.kind == "recommendation" and current_user.role == "enterprise":
        abort(403)  # 建议书 goes to the labour administration, not to the employer
    if not letter.is_issued:
        if current_user.role not in ADMINS or not rsvc.can_review(db.session, current_user, letter.item):
            abort_zh(403, "文书尚未出具，草稿仅供起草和审核的管理员预览。")
        return pdf_response(lsvc.preview_pdf(letter, _today()), f"{letter.kind_label}-草稿.pdf")
    return send_stored_file(letter.pdf_sha256, f"{letter.kind_label}-{letter.number}.pdf", "application/pdf")


@bp.post("/letters/<int:letter_id>/response")
@roles_required(*ADMINS)
def letter_response(letter_id):
    letter = _managed(letter_id)
    form = ResponseForm()
    if not form.validate():
        return _render_item(letter.item, 400)
    lsvc.record_response(db.session, letter, current_user, form.response.data, _today())
    audit.record("rectification.response", "escalation_letter", letter.id, f"{letter.number} 记录答复")
    flash("已记录答复。", "success")
    return redirect(url_for("reports.item", item_id=letter.item_id))
