"""Supervision letters (一函两书): draft → preview/edit → approve → confirm → number and issue.

The wording is composed from the problem's own rule data (its plain fact and
the articles it cites, ``scoring/rules/problems.yaml`` and ``laws.yaml``) and
the rectification history, then stored on the letter where the drafter may
edit it. The 文号 is given only at issue, in the same transaction that freezes
the PDF: a refused, stale or abandoned draft never consumes a number, and two
issuers at once cannot get the same one (a unique constraint plus a retry in a
savepoint). Four eyes (``evalsite.four_eyes``): the drafter cannot approve,
the approver cannot issue alone.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional, Sequence

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scoring.escalation import LETTER_KINDS
from scoring.escalation import load_rules as escalation_rules
from scoring.laws import default_laws
from scoring.problems import default_rules, letter_fact

from .. import four_eyes, recipients
from ..notifier import notify
from ..models import DetectedProblem, EscalationLetter, RectificationItem, ReportVersion, User
from ..models.base import utcnow
from ..domain_errors import Conflict, Invalid
from ..storage import current_storage
from ..timefmt import format_date
from .tracking import record_event

MAX_PARAGRAPHS, MAX_PARAGRAPH = 12, 1000


class LetterInputError(Invalid):
    """A wording field is unusable (HTTP 400); the message is Chinese."""


def _rule(code: str):
    return next((r for r in default_rules() if r.code == code), None)


def _addressee(kind: str, item: RectificationItem) -> str:
    if kind == "recommendation":
        return current_app.config.get("LABOUR_ADMINISTRATION", "威海市人力资源和社会保障局")
    return item.enterprise.name


def _history(session: Session, item: RectificationItem, today: dt.date) -> str:
    """What the enterprise was asked and what it did, in plain Chinese with Chinese dates."""
    version = session.get(ReportVersion, item.version_id) if item.version_id else None
    when = f"于{format_date(version.issue_date)}" if version is not None and version.issue_date else ""
    # no bracket around the number: reportlab may end a line on an opening bracket
    head = f"本会{when}出具的编号为{item.report.number}的集体协商质效评估报告"
    text = f"{head}已就上述问题提出整改要求，整改期限为{format_date(item.deadline)}"
    states = []
    if item.returned_count:
        states.append(f"其报送的整改情况经审核{item.returned_count}次未获通过")
    if item.overdue(today):
        states.append(f"截至{format_date(today)}已逾期{(today - item.deadline).days}天仍未完成整改")
    elif item.status != "accepted":
        states.append("目前尚未完成整改")
    return text + ("；" + "，".join(states) if states else "") + "。"


def _prior_notice(session: Session, item: RectificationItem) -> str:
    prev = session.scalar(select(EscalationLetter).where(
        EscalationLetter.item_id == item.id, EscalationLetter.kind == "opinion",
        EscalationLetter.status == "issued").order_by(EscalationLetter.issued_at.desc()))
    if prev is None:
        return ""
    return (f"本会已于{format_date(prev.issued_at)}向该单位发出{prev.number}《工会劳动法律监督意见书》，"
            "该单位未按期整改。")


def compose(session: Session, item: RectificationItem, kind: str, today: dt.date) -> dict:
    """The first wording of a letter about ``item``, from the problem's rule data."""
    rule = _rule(item.code)
    problem = session.get(DetectedProblem, item.problem_id) if item.problem_id else None
    if problem is not None and problem.fact:
        fact = problem.fact
    elif rule is not None:
        fact = letter_fact(rule)
    else:
        fact = item.title.rstrip("。") + "。"
    basis = [a.quoted for a in default_laws().cite(rule.laws)] if rule is not None else []
    requests = []
    if kind != "recommendation" and item.requirement:
        requests.append(item.requirement.rstrip("；;。") + "。")
    from ..pdf.letters import TEMPLATES

    requests += TEMPLATES[kind]["requests"]
    return dict(facts=[fact, _history(session, item, today)], legal_basis=basis, requests=requests,
                prior_notice=_prior_notice(session, item) if kind == "recommendation" else "", contact="")


# ---------------------------------------------------------------- the steps
def draft_letter(session: Session, item: RectificationItem, kind: str, user: Optional[User],
                 today: dt.date) -> EscalationLetter:
    if kind not in LETTER_KINDS:
        raise LetterInputError("文书类型无效。")
    if item.status == "accepted":
        raise Conflict("该整改项已验收，不再发出监督文书。")
    letter = EscalationLetter(item_id=item.id, enterprise_id=item.enterprise_id, campaign_id=item.campaign_id,
                              kind=kind, status="draft", revision=1, addressee=_addressee(kind, item),
                              content=compose(session, item, kind, today),
                              drafted_by_id=getattr(user, "id", None), drafted_at=utcnow())
    session.add(letter)
    session.flush()
    return letter


def _paragraphs(raw: str, label: str, required: bool) -> list[str]:
    paras = [p.strip() for p in (raw or "").replace("\r\n", "\n").split("\n") if p.strip()]
    if required and not paras:
        raise LetterInputError(f"请填写{label}（每段一行）。")
    if len(paras) > MAX_PARAGRAPHS:
        raise LetterInputError(f"{label}最多{MAX_PARAGRAPHS}段。")
    if any(len(p) > MAX_PARAGRAPH for p in paras):
        raise LetterInputError(f"{label}每段最多{MAX_PARAGRAPH}字。")
    return paras


def edit_letter(letter: EscalationLetter, user: Optional[User], *, addressee: str, facts: str, legal_basis: str,
                requests: str, contact: str) -> None:
    """Store edited wording; an approved letter goes back to draft (the approval was for other words)."""
    if letter.is_issued:
        raise Conflict("已出具的文书不可修改。")
    addressee = (addressee or "").strip()
    if not addressee or len(addressee) > 200:
        raise LetterInputError("请填写主送机关（不超过200字）。")
    if len((contact or "").strip()) > 100:
        raise LetterInputError("联系人及电话不超过100字。")
    content = dict(letter.content or {})
    content.update(facts=_paragraphs(facts, "事实", True), legal_basis=_paragraphs(legal_basis, "依据", True),
                   requests=_paragraphs(requests, "要求", True), contact=(contact or "").strip())
    letter.addressee, letter.content = addressee, content
    letter.revision = (letter.revision or 1) + 1
    if letter.status == "approved":
        letter.status, letter.approved_by_id, letter.approved_at = "draft", None, None


def approve_letter(session: Session, letter: EscalationLetter, user: User) -> None:
    if letter.status != "draft":
        raise Conflict(f"只有草稿可以审核，该文书当前为“{letter.status_label}”。")
    four_eyes.check_can_approve(letter.drafted_by_id, user.id)
    letter.status, letter.approved_by_id, letter.approved_at = "approved", user.id, utcnow()
    letter.revision = (letter.revision or 1) + 1
    if letter.drafted_by_id and letter.drafted_by_id != user.id:
        notify(session, [letter.drafted_by_id], "approved", f"{letter.kind_label}已审核通过，待编号出具",
               f"{letter.enterprise.name}：{letter.item.title}", recipients.path("reports.letter", letter_id=letter.id))


def discard_letter(session: Session, letter: EscalationLetter) -> None:
    if letter.is_issued:
        raise Conflict("已出具的文书不能删除。")
    session.delete(letter)


def letter_data(letter: EscalationLetter, *, number: str = "", date: Optional[dt.date] = None,
                deadline: Optional[dt.date] = None, draft: bool = False):
    from ..pdf.data import LetterData

    c = letter.content or {}
    return LetterData(kind=letter.kind, number=number, addressee=letter.addressee,
                      enterprise_name=letter.enterprise.name,
                      issuer=current_app.config.get("ISSUING_BODY", "威海市总工会"), date=date,
                      facts=list(c.get("facts") or []), legal_basis=list(c.get("legal_basis") or []),
                      requests=list(c.get("requests") or []), response_deadline=deadline,
                      prior_notice=c.get("prior_notice") or "", contact=c.get("contact") or "", draft=draft)


def preview_pdf(letter: EscalationLetter, today: dt.date) -> bytes:
    """The letter as it would print today, marked 草稿, without a number."""
    from ..pdf import render_letter

    if letter.is_issued:
        return letter.pdf or b""
    deadline = escalation_rules().response_deadline(letter.kind, today)
    return render_letter(letter_data(letter, date=today, deadline=deadline, draft=True))


def _next_seq(session: Session, kind: str, year: int) -> int:
    return (session.scalar(select(func.max(EscalationLetter.number_seq)).where(
        EscalationLetter.kind == kind, EscalationLetter.number_year == year)) or 0) + 1


def issue(session: Session, letter: EscalationLetter, user: Optional[User], today: dt.date,
          revision: int) -> EscalationLetter:
    """Number, render and freeze an approved letter; refuse a confirmation given for another wording."""
    from ..pdf import render_letter

    if letter.is_issued:
        raise Conflict(f"该文书已出具（{letter.number}），不能再次出具。")
    if letter.status != "approved":
        raise Conflict("文书尚未审核通过，不能编号出具；请先由另一位管理员审核。")
    if revision != letter.revision:
        raise Conflict("确认之后文书内容或状态已有变化，请重新预览并确认。")
    four_eyes.check_can_issue(letter.approved_by_id, getattr(user, "id", None))
    rules = escalation_rules()
    prefix, deadline = rules.letter(letter.kind).number_prefix, rules.response_deadline(letter.kind, today)
    for _attempt in range(10):
        seq = _next_seq(session, letter.kind, today.year)
        number = f"{prefix}〔{today.year}〕{seq}号"
        while session.scalar(select(EscalationLetter.id).where(EscalationLetter.number == number)) is not None:
            seq += 1  # a number written before sequences were stored
            number = f"{prefix}〔{today.year}〕{seq}号"
        pdf = render_letter(letter_data(letter, number=number, date=today, deadline=deadline))
        try:
            with session.begin_nested():
                done = session.execute(
                    update(EscalationLetter)
                    .where(EscalationLetter.id == letter.id, EscalationLetter.status == "approved",
                           EscalationLetter.revision == revision)
                    .values(status="issued", number=number, number_year=today.year, number_seq=seq,
                            issued_at=today, issued_by_id=getattr(user, "id", None), response_deadline=deadline,
                            pdf_sha256=current_storage().put(pdf), revision=revision + 1)
                    .execution_options(synchronize_session=False))
                if done.rowcount != 1:
                    raise Conflict("该文书刚刚已被他人出具或修改，请刷新后查看。")
            break
        except IntegrityError:
            continue  # someone took this number a moment ago: take the next one
    else:  # pragma: no cover - ten collisions in a row
        raise Conflict("文号分配繁忙，请稍后重试。")
    session.refresh(letter)
    record_event(session, letter.item, user, None,
                 f"发出{letter.kind_label}（{number}），答复期限{format_date(deadline)}", kind="letter")
    session.flush()
    return letter


def issue_letter(session: Session, item: RectificationItem, kind: str, user: Optional[User], today: dt.date,
                 approver: Optional[User] = None, edits: Optional[dict] = None) -> EscalationLetter:
    """Draft, approve and issue in one go, for the demo and command-line batches.

    The drafter issues; ``approver`` (a second account) approves in between,
    so the four-eyes rule holds as it does on the pages.
    """
    letter = draft_letter(session, item, kind, user, today)
    if edits:
        letter.content = {**(letter.content or {}), **edits}
    if approver is not None:
        approve_letter(session, letter, approver)
    else:  # a system step: nobody to compare with
        letter.status, letter.approved_at = "approved", utcnow()
    return issue(session, letter, user, today, letter.revision)


def record_response(session: Session, letter: EscalationLetter, user: User, text: str, today: dt.date) -> None:
    if not letter.is_issued:
        raise Conflict("文书尚未出具，不能记录答复。")
    text = (text or "").strip()
    if not text:
        raise LetterInputError("请填写答复内容。")
    letter.response, letter.responded_at = text[:5000], today
    late = "（逾期答复）" if today > letter.response_deadline else ""
    record_event(session, letter.item, user, None,
                 f"{letter.kind_label}（{letter.number}）收到答复{late}：{text[:200]}", kind="response")


def issued_letters(session: Session, item_ids: Sequence[int]) -> list[EscalationLetter]:
    return list(session.scalars(select(EscalationLetter).where(
        EscalationLetter.item_id.in_(list(item_ids) or [0]), EscalationLetter.status == "issued")
        .order_by(EscalationLetter.id)))
