"""Subject access: the data-protection officer, and only they, produce what is held about a person —
every item marked for review, every case read audited, anonymous whistleblowers never linked."""

from __future__ import annotations

import io

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from casetracker.extensions import db
from casetracker.models import AuditEvent, SubjectAccessReferral, User
from tests.conftest import post_form, sign_in
from tests.web.test_case_pages import SECRET_TEXT, file_case, school


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def requested_and_produced(app: Flask, people: dict[str, User], person: str):  # type: ignore[no-untyped-def]
    """The officer asks for the pack; a pack that reads a case is produced by the headteacher."""
    dpo = app.test_client()
    sign_in(dpo, people["dpo"])
    asked = post_form(dpo, "/data-protection/subject-access", {"person": str(people[person].person_id)})
    assert asked.status_code == 302  # referred: a pack that reads a case needs a second office-holder
    head = app.test_client()
    sign_in(head, people["head"])
    with app.app_context():
        referral = db.session.scalars(select(SubjectAccessReferral)).one()
    return post_form(head, f"/data-protection/subject-access/referred/{referral.id}", {}, token_from="/account")


def test_everything_held_about_the_subject_is_produced_marked_for_review(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    response = requested_and_produced(app, people, "subject")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = _text(response.data)
    assert "Sid Subject" in text and SECRET_TEXT in text
    assert "Reporter's identity: withhold" in text and "third parties" in text
    with app.app_context():
        reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access.case_read")).all()
        assert [(event.case_id, event.actor_user_id) for event in reads] == [(case_id, people["head"].id)]
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access.exported")).one()


def test_the_officer_produces_a_pack_that_reads_no_case(app: Flask) -> None:
    people = school(app)
    dpo = app.test_client()
    sign_in(dpo, people["dpo"])
    response = post_form(dpo, "/data-protection/subject-access", {"person": str(people["stranger"].person_id)})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Sten Stranger" in _text(response.data)


def test_a_reporter_gets_their_own_report_but_not_the_investigation(app: Flask) -> None:
    people = school(app)
    file_case(app, people)
    text = _text(requested_and_produced(app, people, "reporter").data)
    assert "Their own report" in text and SECRET_TEXT in text
    assert "Triage" not in text and "Case manager decided" not in text


def test_only_the_data_protection_officer_may_produce_it(app: Flask) -> None:
    people = school(app)
    file_case(app, people)
    for who in ("head", "admin", "governor", "subject"):
        client = app.test_client()
        sign_in(client, people[who])
        assert client.get("/data-protection/subject-access").status_code == 403, who


def test_it_needs_a_recent_sign_in(app: Flask) -> None:
    people = school(app)
    dpo = app.test_client()
    sign_in(dpo, people["dpo"])
    with dpo.session_transaction() as session:
        session["authenticated_at"] = "2000-01-01T00:00:00+00:00"
    response = dpo.get("/data-protection/subject-access")
    assert response.status_code == 302 and "/confirm-it-is-you" in response.headers["Location"]
