"""The daily reminder: each case-managing office-holder is told how many cases need them, and nothing else."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from casetracker.clock import london_today, utcnow
from casetracker.domain.entries import EntryType
from casetracker.domain.people import Office
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.models import AuditEvent, Case, Person, User
from casetracker.services import case_running, offices, reminders, reporting
from tests.conftest import make_user
from tests.services.test_case_running import LADO_CONSULTATION, entry, file_concern
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import SECRET_TEXT, file_case, school

NAMES = ("Sid Subject", "Col Laborator", "Rae Reporter", "Sten Stranger", "Ivo Implicated", "Hattie Head", "Dara Dsl")


def references(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Case.reference)))


def emails_to(app: Flask, user: User) -> list[str]:
    return [m["Subject"] + "\n" + m.get_content() for m in app.extensions["outbox"] if m["To"] == user.email]


def head_has_one_overdue_and_one_due(app: Flask, people: dict[str, User]) -> dt.datetime:
    """Two allegations for the head: the LADO clock of one has run out at the returned moment; the
    other's LADO was consulted and its one action falls due within the day."""
    overdue = file_case(app, people)
    due = file_case(app, people)
    head = actor_of(app, people["head"])
    action_day = london_today() + dt.timedelta(days=10)
    with app.test_request_context():
        case_running.record_entry(
            head, db.session.get(Case, due), entry(EntryType.LADO_CONSULTATION, LADO_CONSULTATION)
        )
        case_running.record_entry(
            head,
            db.session.get(Case, due),
            entry(EntryType.ACTION, {"action": "Fictional: interview notes typed", "due_on": action_day.isoformat()}),
        )
        now = db.session.get(Case, due).next_due_at - dt.timedelta(hours=2)
        assert db.session.get(Case, overdue).next_due_at < now
    return now


def dsl_has_a_pattern(app: Flask, people: dict[str, User]) -> None:
    """Two concerns about someone else (not the head's subject) from different reporters."""
    file_concern(app, people, reporter="reporter", subject="collaborator", received_at=utcnow() - dt.timedelta(days=30))
    file_concern(app, people, reporter="stranger", subject="collaborator")


def test_each_holder_gets_one_email_with_only_counts_and_a_sign_in_link(app: Flask) -> None:
    """Emails leave the system: they must carry counts only, never a reference, a name or the narrative."""
    people = school(app)
    now = head_has_one_overdue_and_one_due(app, people)
    dsl_has_a_pattern(app, people)
    app.extensions["outbox"] = []
    with app.test_request_context():
        assert reminders.send_reminders(now) == 2
    (to_head,) = emails_to(app, people["head"])
    assert "- 1 with something overdue" in to_head
    assert "- 1 with something due in the next day" in to_head
    assert "pattern" not in to_head
    (to_dsl,) = emails_to(app, people["dsl"])
    assert "- 1 with a pattern of concerns to review" in to_dsl
    assert "overdue" not in to_dsl
    assert len(app.extensions["outbox"]) == 2
    for text in (to_head, to_dsl):
        assert "/sign-in" in text
        for leak in (*references(app), *NAMES, SECRET_TEXT, "music room", "allegation", "low-level", "LADO"):
            assert leak not in text, (leak, text)


def test_an_office_with_nothing_due_gets_no_email(app: Flask) -> None:
    """A daily email saying nothing would teach people to ignore the one that matters."""
    people = school(app)
    file_concern(app, people)  # the DSL's: no deadline, no pattern
    app.extensions["outbox"] = []
    with app.test_request_context():
        assert reminders.send_reminders(utcnow()) == 0
    assert app.extensions["outbox"] == []
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.sent")).one()
        assert event.details.get("recipients") == 0


def test_the_acting_headteacher_is_reminded_instead_of_the_substantive_one(app: Flask) -> None:
    """While a head is away the acting head runs their cases, so the reminder must reach the acting head."""
    people = school(app)
    acting = make_user(app, "Ada Acting")
    with app.app_context():
        offices.assign_from_command_line(db.session.get(Person, acting.person_id), Office.HEADTEACHER, is_acting=True)
        db.session.commit()
    case_id = file_case(app, people, subject="subject")
    with app.app_context():
        late = db.session.get(Case, case_id).lado_due_at + dt.timedelta(hours=1)
    app.extensions["outbox"] = []
    with app.test_request_context():
        assert reminders.send_reminders(late) == 1
    assert len(emails_to(app, acting)) == 1
    assert emails_to(app, people["head"]) == []


def test_the_reminder_command_reports_how_many_were_sent_and_is_audited(app: Flask) -> None:
    """Cron runs the command daily; its output and the audit trail show it ran."""
    people = school(app)
    file_case(app, people)  # the LADO deadline is more than a day away: nothing to say about it yet
    with app.test_request_context():
        reporting.submit(  # received ten days ago: the LADO clock has long run out
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": SECRET_TEXT},
                threshold_answers=dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.YES),
                subject_person_id=people["subject"].person_id,
                received_at=utcnow() - dt.timedelta(days=10),
            ),
        )
    app.extensions["outbox"] = []
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 1" in result.output
    (to_head,) = emails_to(app, people["head"])
    assert "- 1 with something overdue" in to_head
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.sent")).one()
        assert event.details.get("recipients") == 1
        assert event.actor_user_id is None


def test_counts_are_kept_per_case_managing_office(app: Flask) -> None:
    """Each office-holder is told only about the cases their office manages."""
    people = school(app)
    now = head_has_one_overdue_and_one_due(app, people)
    dsl_has_a_pattern(app, people)
    with app.app_context():
        counts = reminders.counts_by_office(now)
    assert counts[Office.HEADTEACHER] == reminders.Counts(overdue=1, due=1, patterns=0)
    assert counts[Office.DSL] == reminders.Counts(overdue=0, due=0, patterns=1)
    assert Office.CHAIR not in counts
