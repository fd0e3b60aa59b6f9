"""Email, behind one service. No email ever carries case content, names or the kind of case.

With CASETRACKER_SMTP_URL set, messages go by SMTP (smtp://host:port, or smtp+starttls://
user:password@host:587). Without it (development, tests) they go to the log and, in tests, to
an in-memory outbox.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app

FOOTER = (
    "\n\nThis message was sent by Casetracker. It contains no details of any record: "
    "sign in to see what needs your attention.\n"
)


def send_email(to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body + FOOTER)
    smtp_url = current_app.config["SMTP_URL"]
    if current_app.config.get("TESTING"):
        current_app.extensions.setdefault("outbox", []).append(message)
    if not smtp_url:
        if not current_app.config.get("TESTING"):
            current_app.logger.info("email (not sent: no SMTP configured)\n%s", message)
        return
    _send_smtp(smtp_url, message)


def send_email_quietly(to: str, subject: str, body: str) -> None:
    """Send, but never let a mail failure change the answer a visitor sees (no enumeration)."""
    try:
        send_email(to, subject, body)
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.error("email not sent: %s", type(error).__name__)


def _send_smtp(smtp_url: str, message: EmailMessage) -> None:
    url = urlsplit(smtp_url)
    port = url.port or (587 if url.scheme == "smtp+starttls" else 25)
    with smtplib.SMTP(url.hostname or "localhost", port, timeout=10) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path
