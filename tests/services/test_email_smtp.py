"""Email goes out through a real SMTP server (aiosmtpd on loopback) and carries no names."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from casetracker.services.notifications import send_email


class Collector:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def smtp_server(app: Flask) -> Iterator[Collector]:
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    previous = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    try:
        yield collector
    finally:
        app.config["SMTP_URL"] = previous
        controller.stop()


def test_messages_are_delivered_by_smtp(app: Flask, smtp_server: Collector) -> None:
    with app.test_request_context():
        send_email("someone@larkrise.example", "Casetracker: something needs your attention", "Sign in to see it.")
    (message,) = smtp_server.messages
    assert message["To"] == "someone@larkrise.example"
    assert message["From"] == app.config["MAIL_FROM"]
    assert "contains no details of any record" in message.get_payload(decode=True).decode()


def test_password_reset_email_over_smtp_names_nobody(app: Flask, smtp_server: Collector) -> None:
    from tests.conftest import make_user, post_form

    user = make_user(app, "Zeb Quill")
    client = app.test_client()
    post_form(client, "/forgot-password", {"email": user.email}).close()  # the link goes once the answer has
    (message,) = smtp_server.messages
    text = message.get_payload(decode=True).decode()
    assert "Zeb" not in text and "Quill" not in text
    assert "/reset-password/" in text


def test_every_email_of_a_report_names_nobody_and_says_nothing_of_it(app: Flask, smtp_server: Collector) -> None:
    """A report about the head, a potential allegation: the chair, the DSL and the reporter are
    emailed through a real SMTP server, and no message carries a name, the content or the kind."""
    from casetracker.domain.people import Office, Role
    from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
    from casetracker.services import reporting
    from tests.conftest import make_user
    from tests.services.test_reporting import actor_of

    head = make_user(app, "Hester Quill", office=Office.HEADTEACHER)
    chair = make_user(app, "Chidi Quill", office=Office.CHAIR, roles=(Role.GOVERNOR,))
    dsl = make_user(app, "Dana Quill", office=Office.DSL)
    reporter = make_user(app, "Remy Quill")
    with app.test_request_context():
        reporting.submit(
            actor_of(app, reporter),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": "Fictional: pushed a pupil against a wall", "children": ["Pupil Zed"]},
                threshold_answers=dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.YES),
                subject_person_id=head.person_id,
            ),
        )
    recipients = {message["To"] for message in smtp_server.messages}
    assert recipients == {chair.email, dsl.email, reporter.email}
    for message in smtp_server.messages:
        text = (message["Subject"] + message.get_payload(decode=True).decode()).lower()
        for leak in (
            "quill",
            "hester",
            "pushed",
            "pupil zed",
            "allegation",
            "low-level",
            "whistleblowing",
            "self-referral",
        ):
            assert leak not in text, (leak, message["To"])
