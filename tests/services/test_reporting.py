"""Raising a concern end to end in the services: triage, routing, encryption, who is told."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from casetracker import audit
from casetracker.domain.people import Office, Role, StaffType
from casetracker.domain.policy import Actor
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.models import Case, ChronologyEntry, Report, User
from casetracker.security import receipts
from casetracker.services import case_store, reporting
from tests.conftest import make_user

ALL_NO = dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.NO)


def actor_of(app: Flask, user: User) -> Actor:
    with app.app_context():
        from casetracker.security.access import current_offices

        fresh = db.session.get(User, user.id)
        return Actor(fresh.id, fresh.person_id, fresh.roles, current_offices(fresh.person_id))


def school_with_offices(app: Flask) -> dict[str, User]:
    return {
        "head": make_user(app, "Hana Head", office=Office.HEADTEACHER),
        "dsl": make_user(app, "Dev Dsl", office=Office.DSL),
        "chair": make_user(app, "Cleo Chair", office=Office.CHAIR, roles=(Role.GOVERNOR,)),
        "ta": make_user(app, "Theo Assistant"),
        "admin": make_user(app, "Ada Admin", roles=(Role.STAFF, Role.ADMINISTRATOR)),
    }


def test_a_concern_about_the_head_goes_to_the_chair_and_says_why(app: Flask) -> None:
    people = school_with_offices(app)
    reporter = actor_of(app, people["ta"])
    with app.test_request_context():
        receipt = reporting.submit(
            reporter,
            reporting.Submission(
                kind=ReportKind.LOW_LEVEL_CONCERN,
                answers={"what_happened": "Fictional: shouted at a pupil in assembly."},
                threshold_answers=ALL_NO | {"harmed_a_child": ThresholdAnswer.NOT_SURE},
                subject_person_id=people["head"].person_id,
            ),
        )
        case = db.session.get(Case, receipt.case_id)
        assert case.case_manager_office == "chair"
        assert receipt.is_potential_allegation
        entries = [e.body for e in case_store.chronology(case)]
        assert [e["type"] for e in entries] == ["report_received", "triage", "routing"]
        assert "because the headteacher is the subject" in entries[2]["text"]
        assert audit.verify().intact
    outbox = app.extensions["outbox"]
    recipients = {m["To"] for m in outbox}
    assert people["chair"].email in recipients  # the case manager
    assert people["dsl"].email in recipients  # a child-welfare check may be needed
    assert people["ta"].email in recipients  # acknowledgement
    assert people["head"].email not in recipients  # the subject hears nothing
    for message in outbox:
        text = message.get_content() + message["Subject"]
        for leak in ("Hana", "Head", "shouted", "low-level", "allegation", "concern about"):
            assert leak not in text, (leak, text)


def test_an_anonymous_whistleblower_gets_a_receipt_stored_only_as_a_hash(app: Flask) -> None:
    school_with_offices(app)
    with app.test_request_context():
        receipt = reporting.submit(
            None,
            reporting.Submission(
                kind=ReportKind.WHISTLEBLOWING,
                answers={"what_happened": "Fictional: records changed before inspection."},
                is_anonymous=True,
            ),
        )
        assert receipt.receipt_code is not None
        lookup, secret = receipts.split(receipt.receipt_code)
        report = db.session.scalars(select(Report).where(Report.case_id == receipt.case_id)).one()
        assert report.receipt_lookup == lookup
        assert secret not in (report.receipt_hash or "")
        assert receipts.matches(report.receipt_hash, secret)
        assert report.reporter is None and report.reporter_index is None
        assert db.session.get(Case, receipt.case_id).case_manager_office == "headteacher"


def test_supply_subject_adds_an_inform_the_employer_action(app: Flask) -> None:
    people = school_with_offices(app)
    supply = make_user(app, "Sam Supply", staff_type=StaffType.SUPPLY)
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people["ta"]),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": "Fictional."},
                threshold_answers=ALL_NO | {"harmed_a_child": ThresholdAnswer.YES},
                subject_person_id=supply.person_id,
            ),
        )
        types = [
            e.body["type"]
            for e in db.session.scalars(select(ChronologyEntry).where(ChronologyEntry.case_id == receipt.case_id))
        ]
        assert "action" in types


def test_a_new_head_who_is_the_subject_does_not_inherit_the_case(app: Flask) -> None:
    from casetracker.services import offices

    people = school_with_offices(app)
    deputy = make_user(app, "Dee Deputy")
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people["ta"]),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": "Fictional."},
                threshold_answers=ALL_NO | {"risk_of_harm": ThresholdAnswer.YES},
                subject_person_id=deputy.person_id,
            ),
        )
        assert db.session.get(Case, receipt.case_id).case_manager_office == "headteacher"
        admin = actor_of(app, people["admin"])
        request = offices.request_change(
            admin,
            offices.NewRequest(
                kind=offices.RequestKind.APPOINT, target_person_id=deputy.person_id, office=Office.HEADTEACHER
            ),
        )
        offices.confirm_request(actor_of(app, people["dsl"]), request)
        db.session.expire_all()
        case = db.session.get(Case, receipt.case_id)
        assert case.case_manager_office == "chair"
        assert case_store.chronology(case)[-1].body["type"] == "rerouting"


def test_a_draft_is_sent_once_however_often_send_is_pressed(app: Flask) -> None:
    """Sending takes the draft away in the same transaction as it files the case: a second Send
    (a double click, or again after a lost answer) finds nothing to send and files nothing."""
    from casetracker.models import ReportDraft
    from casetracker.services import reporter_view

    people = school_with_offices(app)
    reporter = actor_of(app, people["ta"])
    submission = reporting.Submission(
        kind=ReportKind.LOW_LEVEL_CONCERN,
        answers={"what_happened": "Fictional: left a class unsupervised."},
        threshold_answers=ALL_NO,
        subject_person_id=people["dsl"].person_id,
    )
    with app.test_request_context():
        reporter_view.store_draft(reporter.user_id, {"concern": "colleague"})
        receipt = reporting.submit(reporter, submission, from_draft=True)
        assert db.session.get(ReportDraft, reporter.user_id) is None
        with pytest.raises(reporting.AlreadySentError):
            reporting.submit(reporter, submission, from_draft=True)
        assert list(db.session.scalars(select(Case.id))) == [receipt.case_id]
