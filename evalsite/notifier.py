"""Notifications: one call from the workflow code, any number of delivery channels behind it.

Used by every area that moves work from one person to another (assessments,
reports, rectification, letters) and by the deadline reminder command.

    notify(session, recipients, "returned", "报告草稿被退回", body, link)

is called inside the caller's transaction and never commits.  Each *sender*
gets the notices twice: ``stage`` inside the transaction (the in-app sender
writes its ``Message`` rows there, so the inbox changes exactly when the work
does) and ``deliver`` after the commit (the e-mail sender talks SMTP then, so
a mail server that is down can never cost the transaction; a rollback sends
nothing).  An SMS or WeChat template-message gateway is one more class with
``deliver``, added with ``register_sender`` — no caller changes.

Logging never names a recipient or an address: a failure is logged with the
message kind, the number of notices and the exception class.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from typing import Callable, Iterable, Mapping, Optional, Protocol

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .models import Message, User

log = logging.getLogger(__name__)
PENDING = "notifier_pending"


@dataclass(frozen=True)
class Notice:
    """What a sender knows of one message: enough to deliver it, nothing of the workflow."""

    recipient_id: int
    name: str
    email: Optional[str]
    kind: str
    kind_label: str
    title: str
    body: str
    link: Optional[str]  # a path inside the site ("/reports/items/7")
    dedupe_key: Optional[str] = None


class Sender(Protocol):
    name: str

    def stage(self, session: Session, notices: list[Notice]) -> None:
        """Inside the caller's transaction (may add rows to the session, never commits)."""

    def deliver(self, notices: list[Notice]) -> None:
        """After the commit; must not raise for a delivery failure (log it without personal data)."""


class InAppSender:
    """The inbox: a ``Message`` row per notice, in the same transaction as the change it reports."""

    name = "inapp"

    def stage(self, session: Session, notices: list[Notice]) -> None:
        for n in notices:
            session.add(Message(recipient_id=n.recipient_id, kind=n.kind, title=n.title[:200], body=n.body,
                                link=n.link, dedupe_key=n.dedupe_key))

    def deliver(self, notices: list[Notice]) -> None:
        return None


@dataclass
class MailSettings:
    server: str
    port: int
    username: Optional[str]
    password: Optional[str]
    use_tls: bool
    sender: str
    base_url: str
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config: Mapping) -> Optional["MailSettings"]:
        """None unless MAIL_SERVER and MAIL_FROM are set: without them no e-mail is attempted."""
        if not config.get("MAIL_SERVER") or not config.get("MAIL_FROM"):
            return None
        return cls(server=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT") or 25),
                   username=config.get("MAIL_USERNAME") or None, password=config.get("MAIL_PASSWORD") or None,
                   use_tls=bool(config.get("MAIL_USE_TLS")), sender=config["MAIL_FROM"],
                   base_url=(config.get("PUBLIC_BASE_URL") or "").rstrip("/"),
                   timeout=float(config.get("MAIL_TIMEOUT") or 10))


class MailSender:
    """E-mail through one SMTP connection per batch, after the commit; accounts without an address are skipped."""

    name = "mail"

    def __init__(self, settings: MailSettings):
        self.settings = settings

    def stage(self, session: Session, notices: list[Notice]) -> None:
        return None

    def compose(self, n: Notice) -> EmailMessage:
        s = self.settings
        msg = EmailMessage()
        msg["Subject"] = f"【集体协商质效评估平台】{n.title}"
        msg["From"] = s.sender
        msg["To"] = formataddr((n.name, n.email)) if n.name else n.email
        lines = [f"{n.name}，您好：", "", f"［{n.kind_label}］{n.title}"]
        if n.body:
            lines += ["", n.body]
        if n.link:
            lines += ["", f"请登录平台查看：{s.base_url}{n.link}"]
        lines += ["", "此邮件由集体协商质效评估平台自动发送，请勿直接回复。"]
        msg.set_content("\n".join(lines))
        return msg

    def deliver(self, notices: list[Notice]) -> None:
        todo = [n for n in notices if n.email]
        if not todo:
            return
        s, sent = self.settings, 0
        try:
            with smtplib.SMTP(s.server, s.port, timeout=s.timeout) as smtp:
                if s.use_tls:
                    smtp.starttls()
                if s.username:
                    smtp.login(s.username, s.password or "")
                for n in todo:
                    try:
                        smtp.send_message(self.compose(n))
                        sent += 1
                    except smtplib.SMTPException as exc:  # one refused address: the others still go
                        log.warning("通知邮件未能发送（类型 %s，%s）", n.kind, type(exc).__name__)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("通知邮件未能发送：%d 封（类型 %s，%s）", len(todo) - sent, todo[0].kind,
                        type(exc).__name__)


SenderFactory = Callable[[Mapping], Optional[Sender]]
_FACTORIES: list[SenderFactory] = [
    lambda config: InAppSender(),
    lambda config: MailSender(settings) if (settings := MailSettings.from_config(config)) else None,
]


def register_sender(factory: SenderFactory) -> None:
    """Add a channel (SMS, WeChat template messages...): ``factory(config)`` returns a Sender or None."""
    _FACTORIES.append(factory)


def senders(config: Optional[Mapping] = None) -> list[Sender]:
    if config is None:
        config = current_app.config if has_app_context() else {}
    return [s for s in (f(config) for f in _FACTORIES) if s is not None]


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    for sender, notices in pending:
        try:
            sender.deliver(notices)
        except Exception as exc:  # a channel must never break the request that already committed
            log.warning("通知未能通过 %s 发送：%d 条（%s）", sender.name, len(notices), type(exc).__name__)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _listen(session: Session) -> None:
    if not event.contains(session, "after_commit", _after_commit):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_rollback", _after_rollback)


def notify(session: Session, recipients: Iterable, kind: str, title: str, body: str = "",
           link: Optional[str] = None, dedupe_key: Optional[str] = None,
           config: Optional[Mapping] = None) -> list[Notice]:
    """Tell each recipient (Users or ids; duplicates and inactive accounts dropped) about one event.

    With ``dedupe_key`` a recipient who already has a message with that key gets nothing (reminders).
    """
    from .models.messages import MESSAGE_KINDS

    ids = []
    for r in recipients:
        rid = r if isinstance(r, int) else getattr(r, "id", None)
        if rid is not None and rid not in ids:
            ids.append(rid)
    if not ids:
        return []
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids), User.active.is_(True)))}
    if dedupe_key:
        have = set(session.scalars(select(Message.recipient_id).where(Message.recipient_id.in_(list(users)),
                                                                      Message.dedupe_key == dedupe_key)))
        users = {k: v for k, v in users.items() if k not in have}
    notices = [Notice(recipient_id=u.id, name=u.display_name or u.username, email=(u.email or None),
                      kind=kind, kind_label=MESSAGE_KINDS.get(kind, "通知"), title=title, body=body, link=link,
                      dedupe_key=dedupe_key) for uid in ids if (u := users.get(uid)) is not None]
    if not notices:
        return []
    for sender in senders(config):
        sender.stage(session, notices)
        session.info.setdefault(PENDING, []).append((sender, notices))
    _listen(session)
    session.flush()
    return notices
