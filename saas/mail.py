"""Outgoing e-mail, sent only once the request's transaction has committed.

:func:`send_mail` queues a message on the database session; the ``after_commit`` hook hands
it to the transport, and a rollback discards it. So an invitation is never mailed for an
invitation that was not saved. Transports: ``log`` (the embedded demo: the mail, with its
links, appears in the terminal) and ``smtp``.
"""

from __future__ import annotations

import logging
import smtplib
from contextlib import nullcontext
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

from saas.db import db
from saas.i18n import force_locale

logger = logging.getLogger("saas.mail")

OUTBOX_KEY = "outbox"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def recipient_locale(user: Any, tenant: Any) -> str:
    """The language to write to ``user`` in about ``tenant``: theirs, else the tenant's, else the default."""
    return user.locale or tenant.default_locale or current_app.config["DEFAULT_LOCALE"]


def link_to(endpoint: str, **values: Any) -> str:
    """The absolute address of a page, for a mail: BASE_URL and the route's path. Works inside a
    request and outside one (a job, the demo seeder), where url_for needs a request context."""
    with nullcontext() if has_request_context() else current_app.test_request_context():
        return str(current_app.config["BASE_URL"]) + url_for(endpoint, **values)


def send_mail(to: str, template: str, locale: str, **context: Any) -> Mail:
    """Render ``mail/<template>.txt`` in ``locale`` and send it after the transaction commits.

    The template's first line is the subject.
    """
    with force_locale(locale):
        rendered = render_template(f"mail/{template}.txt", **context)
    subject, _, body = rendered.strip().partition("\n")
    mail = Mail(to=to, subject=subject.strip(), body=body.strip() + "\n")
    db.session.info.setdefault(OUTBOX_KEY, []).append(mail)
    return mail


def deliver(mail: Mail) -> None:
    """Hand one message to the configured transport."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "log":
        logger.info("Mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _send_outbox(session: Session) -> None:
    for mail in session.info.pop(OUTBOX_KEY, []):
        try:
            deliver(mail)
        except (OSError, smtplib.SMTPException):
            # The change is saved; a lost mail must not turn it into an error page. The person
            # can ask for a new link; the log tells the operator.
            logger.exception("Could not send mail to %s (%s)", mail.to, mail.subject)


@event.listens_for(Session, "after_soft_rollback")
def _discard_outbox(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(OUTBOX_KEY, None)
