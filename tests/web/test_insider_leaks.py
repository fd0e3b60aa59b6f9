"""Insiders who must not reach a case (security review of December 2026, issue 16).

Each test names the finding it closes. They use the people of test_case_pages.school(): the case
is an allegation about Sid Subject, reported by Rae Reporter, with Ivo Implicated implicated, run
by the headteacher.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.domain.entries import EntryType
from casetracker.domain.people import Office, RelationshipNature
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.models import (
    AuditEvent,
    Case,
    ConfirmationRequest,
    Message,
    Person,
    Report,
    SubjectAccessReferral,
    User,
)
from casetracker.services import case_store, declarations, offices, reporting
from tests.conftest import PASSWORD, make_user, post_form, sign_in
from tests.services.test_case_running import file_concern
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import SECRET_TEXT, file_case, school

FURTHER = "Fictional: it happened again in the car park QZV"


def _signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _add_collaborator(head: FlaskClient, case_id: uuid.UUID, user: User) -> None:
    response = post_form(
        head, f"/cases/{case_id}/collaborators", {"collaborator-person": str(user.id)}, token_from=f"/cases/{case_id}"
    )
    assert response.status_code == 302


def _implicate(head: FlaskClient, case_id: uuid.UUID, user: User) -> None:
    response = post_form(
        head, f"/cases/{case_id}/implicated", {"implicate-person": str(user.person_id)}, token_from=f"/cases/{case_id}"
    )
    assert response.status_code == 302


def _add_further_information(client: FlaskClient, case_id: uuid.UUID, text: str = FURTHER):
    return post_form(client, f"/report/yours/{case_id}", {"information": text}, token_from="/account")


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _named_whistleblowing_case(app: Flask, people: dict[str, User]) -> uuid.UUID:
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.WHISTLEBLOWING,
                answers={"what_happened": "Fictional: the safeguarding log is not being kept"},
                subject_person_id=people["subject"].person_id,
            ),
        )
        return receipt.case_id


# Finding 16: granting access to a case needs a recent sign-in -----------------------------------


def test_adding_a_collaborator_or_marking_someone_implicated_needs_a_recent_sign_in(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = _signed_in(app, people["head"])
    token_page = f"/cases/{case_id}"
    with head.session_transaction() as session:
        session["authenticated_at"] = "2000-01-01T00:00:00+00:00"
    for url, data in (
        (f"/cases/{case_id}/collaborators", {"collaborator-person": str(people["collaborator"].id)}),
        (f"/cases/{case_id}/implicated", {"implicate-person": str(people["stranger"].person_id)}),
    ):
        response = post_form(head, url, data, token_from=token_page)
        assert response.status_code == 302 and "/confirm-it-is-you" in response.headers["Location"], url
    assert "/confirm-it-is-you" in head.get(f"/cases/{case_id}/collaborators/add").headers["Location"]
    assert _signed_in(app, people["collaborator"]).get(f"/cases/{case_id}").status_code == 404


# Finding 6: a reporter marked implicated learns only that the report was received ---------------


def test_an_implicated_reporter_sees_only_that_their_report_was_received(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = _signed_in(app, people["head"])
    with app.app_context():
        db.session.get(Case, case_id).status = "open"  # as the case manager's first entry makes it
        db.session.commit()
    reporter = _signed_in(app, people["reporter"])
    post_form(
        head, f"/cases/{case_id}/messages", {"text": "Fictional: please call me QMSG"}, token_from=f"/cases/{case_id}"
    )
    assert "QMSG" in reporter.get(f"/report/yours/{case_id}").get_data(as_text=True)
    assert "Being looked at" in reporter.get("/report/yours").get_data(as_text=True)
    _implicate(head, case_id, people["reporter"])

    listing = reporter.get("/report/yours").get_data(as_text=True)
    assert "Being looked at" not in listing and "Received" in listing
    page = reporter.get(f"/report/yours/{case_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Received" in text and "raise a new concern" in text
    assert "QMSG" not in text and "Messages from the case manager" not in text
    assert 'name="information"' not in text
    assert _add_further_information(reporter, case_id, FURTHER).status_code == 404
    with app.app_context():
        assert len(db.session.scalars(select(Report).where(Report.case_id == case_id)).all()) == 1


def test_the_case_manager_is_warned_and_cannot_write_to_an_implicated_reporter(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = _signed_in(app, people["head"])
    _implicate(head, case_id, people["reporter"])
    page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The person who reported this is implicated in the case" in page
    app.extensions["outbox"].clear()
    assert 'action="/cases/' + str(case_id) + '/messages"' not in page
    response = post_form(head, f"/cases/{case_id}/messages", {"text": "Fictional: a question"}, token_from="/account")
    assert response.status_code == 200
    assert "so you cannot write to them here" in response.get_data(as_text=True)
    assert not [mail for mail in app.extensions["outbox"] if people["reporter"].email in str(mail)]
    with app.app_context():
        assert db.session.scalars(select(Message).where(Message.case_id == case_id)).first() is None


# Finding 4: a named reporter's identity goes no further than "Reported by" does -----------------


def test_a_collaborator_on_a_whistleblowing_case_never_learns_who_raised_it(app: Flask) -> None:
    people = school(app)
    case_id = _named_whistleblowing_case(app, people)
    with app.app_context():
        manager = db.session.get(Case, case_id).case_manager_office
    assert manager == "headteacher"
    head = _signed_in(app, people["head"])
    _add_collaborator(head, case_id, people["collaborator"])
    reporter = _signed_in(app, people["reporter"])
    assert _add_further_information(reporter, case_id).status_code == 302

    managers_page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert FURTHER in managers_page and "by Rae Reporter" in managers_page  # the case manager may know
    collaborators_page = _signed_in(app, people["collaborator"]).get(f"/cases/{case_id}").get_data(as_text=True)
    assert FURTHER in collaborators_page
    assert "Rae" not in collaborators_page and "Reporter" not in collaborators_page.replace("the reporter", "")
    assert "by the reporter" in collaborators_page


def test_a_redacted_export_credits_further_information_to_the_reporter_without_a_name(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    reporter = _signed_in(app, people["reporter"])
    assert _add_further_information(reporter, case_id).status_code == 302
    head = _signed_in(app, people["head"])
    redacted = _pdf_text(post_form(head, f"/cases/{case_id}/export", {"copy": "redacted"}).data)
    assert "QZV" in redacted and "Rae" not in redacted and "Reporter" not in redacted.replace("[reporter]", "")
    full = _pdf_text(post_form(head, f"/cases/{case_id}/export", {"copy": "full"}).data)
    assert "Rae Reporter" in full  # the full copy, at the case manager's hand, names them


# Finding 5: a subject-access pack is never produced by someone named in the cases it reads -------


def _pack(client: FlaskClient, person: User):
    return post_form(client, "/data-protection/subject-access", {"person": str(person.person_id)})


def _case_reads(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "subject_access.case_read")))


def test_the_data_protection_officer_cannot_read_the_case_about_themself_through_a_pack(app: Flask) -> None:
    people = school(app)
    file_case(app, people, subject="dpo")
    dpo = _signed_in(app, people["dpo"])
    response = _pack(dpo, people["dpo"])
    assert response.status_code == 302 and response.mimetype != "application/pdf"
    page = dpo.get(response.headers["Location"]).get_data(as_text=True)
    assert "a second office-holder produces it" in page and SECRET_TEXT not in page
    assert _case_reads(app) == []
    # The request goes to the headteacher, who produces the pack.
    head = _signed_in(app, people["head"])
    assert "subject access request is waiting for you" in head.get("/").get_data(as_text=True)
    listing = head.get("/data-protection/subject-access/referred").get_data(as_text=True)
    assert "Drew Dpo" in listing and SECRET_TEXT not in listing
    with app.app_context():
        referral = db.session.scalars(select(SubjectAccessReferral)).one()
    pack = post_form(head, f"/data-protection/subject-access/referred/{referral.id}", {}, token_from="/account")
    assert pack.status_code == 200 and pack.mimetype == "application/pdf"
    assert SECRET_TEXT in _pdf_text(pack.data)
    assert [event.actor_user_id for event in _case_reads(app)] == [people["head"].id]
    # Produced once; the officer never sees it on a list.
    again = post_form(head, f"/data-protection/subject-access/referred/{referral.id}", {}, token_from="/account")
    assert again.status_code == 404
    assert dpo.get("/data-protection/subject-access/referred").status_code == 403


def test_an_implicated_officer_cannot_read_the_case_through_the_subjects_pack(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = _signed_in(app, people["head"])
    _implicate(head, case_id, people["dpo"])
    dpo = _signed_in(app, people["dpo"])
    response = _pack(dpo, people["subject"])
    assert response.status_code == 302 and _case_reads(app) == []


def test_a_referred_pack_goes_to_the_chair_when_the_headteacher_is_named_too(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people, subject="dpo")
    head = _signed_in(app, people["head"])
    _implicate(head, case_id, people["head"])  # the case moves to the chair
    _pack(_signed_in(app, people["dpo"]), people["dpo"])
    assert "Drew Dpo" not in head.get("/data-protection/subject-access/referred").get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalars(select(SubjectAccessReferral)).one()
    assert (
        post_form(
            head, f"/data-protection/subject-access/referred/{referral.id}", {}, token_from="/account"
        ).status_code
        == 404
    )
    chair = _signed_in(app, people["chair"])
    assert "Drew Dpo" in chair.get("/data-protection/subject-access/referred").get_data(as_text=True)
    pack = post_form(chair, f"/data-protection/subject-access/referred/{referral.id}", {}, token_from="/account")
    assert SECRET_TEXT in _pdf_text(pack.data)


def test_being_referred_tells_the_officer_nothing_about_themself(app: Flask) -> None:
    """Every pack that reads a case is referred, so the answer is the same whether or not the
    officer is named in one: it cannot be used to find out that a case about them exists."""
    people = school(app)
    file_case(app, people)  # about Sid Subject; the officer is not named in it
    file_case(app, people, subject="dpo")
    dpo = _signed_in(app, people["dpo"])
    about_someone, about_themself = _pack(dpo, people["subject"]), _pack(dpo, people["dpo"])
    assert about_someone.status_code == about_themself.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(SubjectAccessReferral)).all()) == 2


def test_a_head_kept_from_a_case_by_routing_never_produces_its_pack(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    with app.test_request_context():
        declarations.declare_relationship(
            actor_of(app, people["head"]), people["subject"].person_id, RelationshipNature.CLOSE_FRIEND
        )
    assert _office_of(app, case_id) == "chair"
    _pack(_signed_in(app, people["dpo"]), people["subject"])
    head = _signed_in(app, people["head"])
    assert "Sid Subject" not in head.get("/data-protection/subject-access/referred").get_data(as_text=True)
    with app.app_context():
        referral = db.session.scalars(select(SubjectAccessReferral)).one()
    url = f"/data-protection/subject-access/referred/{referral.id}"
    assert post_form(head, url, {}, token_from="/account").status_code == 404
    assert "Sid Subject" in _signed_in(app, people["chair"]).get("/data-protection/subject-access/referred").get_data(
        as_text=True
    )


def test_an_acting_head_never_produces_the_pack_about_the_head_they_cover_for(app: Flask) -> None:
    people = school(app)
    acting = _acting(app, Office.HEADTEACHER, "Ada Acting")
    file_case(app, people, subject="head")
    _pack(_signed_in(app, people["dpo"]), people["head"])
    listing = _signed_in(app, acting).get("/data-protection/subject-access/referred")
    assert listing.status_code == 200 and "Hattie Head" not in listing.get_data(as_text=True)


# Finding 1: the administrator cannot take over an account that can see a case ------------------


def _credentials(admin: FlaskClient, user: User, data: dict[str, str]):
    return post_form(admin, f"/admin/people/{user.person_id}/credentials", data)


def _email_of(app: Flask, user: User) -> str:
    with app.app_context():
        found = db.session.get(User, user.id)
        assert found is not None
        return found.email


def test_the_administrator_alone_cannot_move_a_collaborators_sign_in_to_their_own_mailbox(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    _add_collaborator(_signed_in(app, people["head"]), case_id, people["collaborator"])
    admin = _signed_in(app, people["admin"])
    app.extensions["outbox"].clear()
    response = _credentials(admin, people["collaborator"], {"kind": "change_email", "new_email": "evil@evil.example"})
    assert response.status_code == 302
    assert _email_of(app, people["collaborator"]) == people["collaborator"].email
    # A reset link for the new address goes nowhere: no account has it.
    post_form(app.test_client(), "/forgot-password", {"email": "evil@evil.example"}).close()
    assert not [mail for mail in app.extensions["outbox"] if "evil@evil.example" in str(mail["To"])]
    # Nor can they reset its two-factor alone.
    assert _credentials(admin, people["collaborator"], {"kind": "reset_two_factor"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, people["collaborator"].id).totp_secret == people["collaborator"].totp_secret
        kinds = sorted(r.kind for r in db.session.scalars(select(ConfirmationRequest)))
    assert kinds == ["change_email", "reset_two_factor"]


def test_a_reporters_two_factor_reset_and_email_change_wait_for_a_second_office_holder(app: Flask) -> None:
    people = school(app)
    file_case(app, people)
    with app.app_context():
        db.session.get(User, people["reporter"].id).totp_secret = "JBSWY3DPEHPK3PXP"
        db.session.commit()
    admin = _signed_in(app, people["admin"])
    _credentials(admin, people["reporter"], {"kind": "reset_two_factor"})
    _credentials(admin, people["reporter"], {"kind": "change_email", "new_email": "rae@evil.example"})
    with app.app_context():
        user = db.session.get(User, people["reporter"].id)
        assert user.totp_secret == "JBSWY3DPEHPK3PXP" and user.email == people["reporter"].email


def test_the_owner_confirms_an_email_change_from_their_old_address(app: Flask) -> None:
    people = school(app)
    admin = _signed_in(app, people["admin"])
    app.extensions["outbox"].clear()
    _credentials(admin, people["stranger"], {"kind": "change_email", "new_email": "sten.new@larkrise.example"})
    (to_owner,) = [mail for mail in app.extensions["outbox"] if people["stranger"].email in str(mail["To"])]
    match = re.search(r"/confirm-email-change/([A-Za-z0-9_.-]+)", to_owner.get_content())
    assert match
    owner = app.test_client()
    link = f"/confirm-email-change/{match.group(1)}"
    assert "sten.new@larkrise.example" in owner.get(link).get_data(as_text=True)
    assert post_form(owner, link, {}).status_code == 302
    assert _email_of(app, people["stranger"]) == "sten.new@larkrise.example"
    assert owner.get(link).status_code == 404  # the link works once
    assert app.test_client().get("/confirm-email-change/forged.token").status_code == 404


def test_a_collaborator_must_use_two_factor(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    helper = make_user(app, "Hal Helper")  # no two-factor yet
    client = _signed_in(app, helper)
    _add_collaborator(_signed_in(app, people["head"]), case_id, helper)
    # Signed in with a password alone: signed out at once, and asked to set up two-factor.
    assert client.get(f"/cases/{case_id}").status_code == 302
    response = post_form(client, "/sign-in", {"email": helper.email, "password": PASSWORD})
    assert "/sign-in/set-up-two-factor" in response.headers["Location"]
    assert client.get(f"/cases/{case_id}").status_code == 302


def test_the_case_manager_sees_when_a_collaborators_sign_in_changed_after_they_were_added(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = _signed_in(app, people["head"])
    _add_collaborator(head, case_id, people["collaborator"])
    assert "Sign-in changed" not in head.get(f"/cases/{case_id}").get_data(as_text=True)
    _credentials(_signed_in(app, people["admin"]), people["collaborator"], {"kind": "reset_two_factor"})
    with app.app_context():
        request = db.session.scalars(select(ConfirmationRequest)).one()
    dsl = _signed_in(app, people["dsl"])
    assert post_form(dsl, f"/office-changes/{request.id}/confirm", {}, token_from="/account").status_code == 302
    page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Sign-in changed" in page and "Check with them that it was them" in page


# Finding 15: looking for a case one may not see is audited, and many looks alert the officer ----


def test_the_subject_probing_the_case_about_them_is_audited_and_alerts_the_officer(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people, subject="head")  # routed to the chair
    with app.app_context():
        reference = db.session.get(Case, case_id).reference
    head = _signed_in(app, people["head"])
    app.extensions["outbox"].clear()
    urls = [f"/cases/{case_id}", f"/cases/{case_id}/export", f"/cases/{case_id}/history", f"/cases/{uuid.uuid4()}"]
    for url in urls:
        assert head.get(url).status_code == 404
    with app.app_context():
        refused = list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied").order_by(AuditEvent.seq))
        )
        assert [event.details["endpoint"] for event in refused] == [
            "cases.show_case",
            "cases.export_chronology",
            "cases.access_history",
            "cases.show_case",
        ]
        assert all(event.case_id is None and event.actor_user_id == people["head"].id for event in refused)
        assert all(str(case_id) not in str(event.details) + str(event.object_id) for event in refused)
    assert app.extensions["outbox"] == []  # a few looks are not an alert

    for _ in range(10):
        head.get(f"/cases/{case_id}")
    alerts = [mail for mail in app.extensions["outbox"] if people["dpo"].email in str(mail["To"])]
    assert len(alerts) == 1  # once in the hour, however many more
    text = alerts[0].get_content()
    assert "Hattie Head" in text and reference not in text and str(case_id) not in text
    assert SECRET_TEXT not in text


# Routing: acting holders, and declarations made after a case opened ------------------------------


def _acting(app: Flask, office: Office, name: str) -> User:
    user = make_user(app, name, two_factor=True)
    with app.app_context():
        person = db.session.get(Person, user.person_id)
        assert person is not None
        offices.assign_from_command_line(person, office, is_acting=True)
        db.session.commit()
    return user


def _office_of(app: Flask, case_id: uuid.UUID) -> str | None:
    with app.app_context():
        return db.session.get(Case, case_id).case_manager_office


def _mail_to(app: Flask, user: User) -> list[object]:
    return [mail for mail in app.extensions["outbox"] if user.email in str(mail["To"])]


def test_an_acting_head_never_receives_the_case_about_the_head_they_cover_for(app: Flask) -> None:
    people = school(app)
    acting = _acting(app, Office.HEADTEACHER, "Ada Acting")
    app.extensions["outbox"].clear()
    about_the_head = file_case(app, people, subject="head")
    about_a_teacher = file_case(app, people)
    assert _office_of(app, about_the_head) == "chair"
    assert _office_of(app, about_a_teacher) == "headteacher"  # the acting head runs the office's cases
    client = _signed_in(app, acting)
    assert client.get(f"/cases/{about_the_head}").status_code == 404
    assert client.get(f"/cases/{about_a_teacher}").status_code == 200
    with app.app_context():
        hidden = db.session.get(Case, about_the_head).reference
    assert hidden not in client.get("/cases").get_data(as_text=True)
    assert hidden not in client.get("/").get_data(as_text=True)
    assert SECRET_TEXT in _signed_in(app, people["chair"]).get(f"/cases/{about_the_head}").get_data(as_text=True)


def test_a_relationship_declared_after_a_case_opened_moves_the_case_at_once(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = _signed_in(app, people["head"])
    assert head.get(f"/cases/{case_id}").status_code == 200
    app.extensions["outbox"].clear()
    with app.test_request_context():
        declarations.declare_relationship(
            actor_of(app, people["head"]), people["subject"].person_id, RelationshipNature.CLOSE_FRIEND
        )
    assert _office_of(app, case_id) == "chair"
    assert head.get(f"/cases/{case_id}").status_code == 404
    assert _mail_to(app, people["chair"]) and not _mail_to(app, people["head"])


def test_someone_a_case_was_routed_past_gets_no_pattern_review_from_it(app: Flask) -> None:
    people = school(app)
    earlier = file_concern(
        app, people, text="Fictional: an earlier lapse", received_at=utcnow() - dt.timedelta(days=30)
    )
    assert _office_of(app, earlier) == "dsl"
    with app.test_request_context():
        db.session.get(Case, earlier).status = "closed"
        db.session.commit()
        declarations.declare_relationship(
            actor_of(app, people["dsl"]), people["subject"].person_id, RelationshipNature.FAMILY
        )
    app.extensions["outbox"].clear()
    later = file_concern(app, people, reporter="stranger", text="Fictional: a later lapse")
    assert _office_of(app, later) == "headteacher"  # routed past the DSL, who declared a relationship
    with app.app_context():
        earlier_case = db.session.get(Case, earlier)
        assert EntryType.PATTERN_DETECTED.value not in [e.body["type"] for e in case_store.chronology(earlier_case)]
        assert not earlier_case.pattern_review_pending
        assert db.session.get(Case, later).pattern_review_pending  # the new case manager reviews it
    assert not _mail_to(app, people["dsl"])


def test_a_covered_head_with_a_declared_relationship_never_sees_the_case(app: Flask) -> None:
    people = school(app)
    _acting(app, Office.HEADTEACHER, "Ada Acting")
    with app.test_request_context():
        declarations.declare_relationship(
            actor_of(app, people["head"]), people["subject"].person_id, RelationshipNature.CLOSE_FRIEND
        )
    case_id = file_case(app, people)
    assert _office_of(app, case_id) == "chair"  # the substantive head keeps the office while covered
    assert _signed_in(app, people["head"]).get(f"/cases/{case_id}").status_code == 404


def test_an_office_change_that_moves_a_case_tells_its_new_manager(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    with app.test_request_context():
        request = offices.request_change(
            actor_of(app, people["admin"]),
            offices.NewRequest(
                offices.RequestKind.APPOINT, target_person_id=people["subject"].person_id, office=Office.HEADTEACHER
            ),
        )
        app.extensions["outbox"].clear()
        offices.confirm_request(actor_of(app, people["dsl"]), request)
    assert _office_of(app, case_id) == "chair"  # the new head is the subject
    assert any("Sign in:" in mail.get_content() for mail in _mail_to(app, people["chair"]))


def test_refusals_elsewhere_do_not_count_as_looking_for_a_case(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people, subject="head")
    head = _signed_in(app, people["head"])
    app.extensions["outbox"].clear()
    for _ in range(12):
        assert head.get("/admin/people").status_code == 403
    head.get(f"/cases/{case_id}")
    assert not _mail_to(app, people["dpo"])


def test_an_officer_looking_for_a_case_is_reported_to_the_headteacher(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people, subject="dpo")
    dpo = _signed_in(app, people["dpo"])
    app.extensions["outbox"].clear()
    for _ in range(10):
        dpo.get(f"/cases/{case_id}")
    assert not _mail_to(app, people["dpo"])
    (alert,) = _mail_to(app, people["head"])
    assert "Drew Dpo" in alert.get_content()
