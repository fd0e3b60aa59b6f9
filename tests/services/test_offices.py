"""The two-person rule for offices and office-holders' sign-in, and the register of interests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.domain.people import Office, RelationshipNature, Role
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import (
    AuditEvent,
    ConfirmationRequest,
    OfficeHolding,
    Person,
    RecoveryCode,
    RelationshipDeclaration,
    User,
    WebSession,
)
from casetracker.security.access import current_offices
from casetracker.services import declarations, offices, reporter_view
from casetracker.services.offices import NewRequest, OfficeError, RequestKind
from casetracker.services.school import require_school
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def request_context(app: Flask) -> Iterator[None]:
    """Services build links with url_for, so they run inside a request as they do in the app."""
    with app.test_request_context():
        yield


def actor_for(user: User) -> Actor:
    fresh = db.session.get(User, user.id)
    assert fresh is not None
    return Actor(
        user_id=fresh.id, person_id=fresh.person_id, roles=fresh.roles, offices=current_offices(fresh.person_id)
    )


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def holder_of(office: Office, *, acting: bool = False) -> list[str]:
    return sorted(
        holding.person.full_name for holding in offices.current_holdings(office) if holding.is_acting == acting
    )


def appoint(actor: Actor, person_id: object, office: Office, *, acting: bool = False) -> ConfirmationRequest | None:
    return offices.request_change(
        actor,
        NewRequest(RequestKind.APPOINT, target_person_id=person_id, office=office, is_acting=acting),  # type: ignore[arg-type]
    )


@pytest.fixture()
def school(app: Flask) -> dict[str, User]:
    return {
        "admin": make_user(app, "Ava Admin", roles=(Role.STAFF, Role.ADMINISTRATOR)),
        "head": make_user(app, "Hal Head", office=Office.HEADTEACHER),
        "chair": make_user(app, "Cora Chair", office=Office.CHAIR),
        "deputy": make_user(app, "Dee Deputy", office=Office.DEPUTY_DSL),
        "teacher": make_user(app, "Tom Teacher"),
    }


def test_admin_cannot_make_themself_headteacher_alone(app: Flask, school: dict[str, User]) -> None:
    admin = actor_for(school["admin"])
    request = appoint(admin, admin.person_id, Office.HEADTEACHER)

    assert request is not None and request.status == "pending"
    assert holder_of(Office.HEADTEACHER) == ["Hal Head"]
    with pytest.raises(OfficeError):
        offices.confirm_request(admin, request)  # the requester, and the person it changes
    assert holder_of(Office.HEADTEACHER) == ["Hal Head"]
    assert [e.details["kind"] for e in events("office.change_requested")] == ["appoint"]
    assert events("office.change_confirmed") == []


def test_target_cannot_confirm_their_own_appointment(app: Flask, school: dict[str, User]) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    request = appoint(admin, chair.person_id, Office.HEADTEACHER)
    assert request is not None
    with pytest.raises(OfficeError):
        offices.confirm_request(chair, request)
    assert holder_of(Office.HEADTEACHER) == ["Hal Head"]


def test_deputy_dsl_cannot_confirm_a_safeguarding_change(app: Flask, school: dict[str, User]) -> None:
    admin, deputy = actor_for(school["admin"]), actor_for(school["deputy"])
    request = appoint(admin, school["teacher"].person_id, Office.DSL)
    assert request is not None
    assert not offices.may_confirm(deputy, request)
    with pytest.raises(OfficeError):
        offices.confirm_request(deputy, request)


def test_another_office_holder_confirms_and_the_old_holding_is_kept_in_history(
    app: Flask, school: dict[str, User]
) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    request = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    assert request is not None
    offices.confirm_request(chair, request)

    assert holder_of(Office.HEADTEACHER) == ["Tom Teacher"]
    history = offices.ended_holdings()
    assert [(h.person.full_name, h.kind) for h in history] == [("Hal Head", Office.HEADTEACHER)]
    assert history[0].ended_at is not None
    new = offices.current_holdings(Office.HEADTEACHER)[0]
    assert new.requested_by_id == admin.user_id and new.confirmed_by_id == chair.user_id
    assert db.session.get(ConfirmationRequest, request.id).status == "confirmed"  # type: ignore[union-attr]
    confirmed = events("office.change_confirmed")
    assert len(confirmed) == 1 and confirmed[0].actor_user_id == chair.user_id
    assert confirmed[0].details == {"kind": "appoint", "office": "headteacher", "is_acting": False}
    with pytest.raises(OfficeError):
        offices.confirm_request(chair, request)  # decided already


def test_every_office_holder_is_emailed_without_names_or_content(app: Flask, school: dict[str, User]) -> None:
    admin = actor_for(school["admin"])
    appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)

    outbox = app.extensions["outbox"]
    assert sorted(message["To"] for message in outbox) == sorted(
        [school["head"].email, school["chair"].email, school["deputy"].email]
    )
    for message in outbox:
        text = message.as_string()
        for secret in ("Tom Teacher", "Hal Head", "Ava Admin", "headteacher", "Headteacher", school["teacher"].email):
            assert secret not in text


def test_confirming_tells_the_outgoing_holder_too(app: Flask, school: dict[str, User]) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    request = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    assert request is not None
    app.extensions["outbox"].clear()
    offices.confirm_request(chair, request)
    told = {message["To"] for message in app.extensions["outbox"]}
    assert {school["head"].email, school["teacher"].email, school["chair"].email} <= told


def test_a_deputy_dsl_appointment_waits_for_a_second_office_holder(app: Flask, school: dict[str, User]) -> None:
    """Finding 7 of the December 2026 review: deputies are safeguarding roles, and reporters are told
    to call them in an emergency, so the administrator cannot appoint one alone."""
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    request = appoint(admin, school["admin"].person_id, Office.DEPUTY_DSL)
    assert request is not None and holder_of(Office.DEPUTY_DSL) == ["Dee Deputy"]
    assert events("office.changed_at_once") == []
    with app.test_request_context():
        assert reporter_view.safeguarding_contacts().deputies == ["Dee Deputy"]
    offices.confirm_request(chair, request)
    assert holder_of(Office.DEPUTY_DSL) == ["Ava Admin", "Dee Deputy"]  # deputies are many


def test_only_an_administrator_asks_for_changes(app: Flask, school: dict[str, User]) -> None:
    with pytest.raises(OfficeError):
        appoint(actor_for(school["head"]), school["teacher"].person_id, Office.DEPUTY_DSL)


def test_asking_twice_for_the_same_change_is_asking_once(app: Flask, school: dict[str, User]) -> None:
    admin = actor_for(school["admin"])
    first = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    app.extensions["outbox"].clear()
    again = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    assert first is not None and again is not None and again.id == first.id
    assert len(offices.pending_requests()) == 1
    assert app.extensions["outbox"] == []
    # A different change to the same person is a new request.
    acting = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER, acting=True)
    assert acting is not None and acting.id != first.id


def test_appointing_someone_to_an_office_they_hold_is_refused(app: Flask, school: dict[str, User]) -> None:
    admin = actor_for(school["admin"])
    with pytest.raises(OfficeError, match="already holds"):
        appoint(admin, school["deputy"].person_id, Office.DEPUTY_DSL)


def test_a_person_without_an_account_cannot_hold_an_office(app: Flask, school: dict[str, User]) -> None:
    person = Person(school_id=require_school().id, full_name="Nina Noaccount")
    db.session.add(person)
    db.session.commit()
    with pytest.raises(OfficeError, match="account"):
        appoint(actor_for(school["admin"]), person.id, Office.HEADTEACHER)


def test_acting_holder_covers_alongside_the_substantive_holder(app: Flask, school: dict[str, User]) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    request = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER, acting=True)
    assert request is not None and request.is_acting
    offices.confirm_request(chair, request)
    assert holder_of(Office.HEADTEACHER) == ["Hal Head"]
    assert holder_of(Office.HEADTEACHER, acting=True) == ["Tom Teacher"]
    # The acting head now counts as an office-holder who may confirm others' changes.
    assert Office.HEADTEACHER in actor_for(school["teacher"]).offices

    # Appointed substantively later, their cover ends.
    request = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    assert request is not None
    offices.confirm_request(chair, request)
    assert holder_of(Office.HEADTEACHER) == ["Tom Teacher"]
    assert holder_of(Office.HEADTEACHER, acting=True) == []


def test_ending_a_safeguarding_office_waits_and_the_office_comes_from_the_holding(
    app: Flask, school: dict[str, User]
) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    holding = offices.current_holdings(Office.HEADTEACHER)[0]
    # Only the holding is given: its office decides the rule, whatever else the caller says.
    request = offices.request_change(
        admin, NewRequest(RequestKind.END, holding_id=holding.id, office=Office.DEPUTY_DSL)
    )
    assert request is not None and request.office == "headteacher"
    assert holder_of(Office.HEADTEACHER) == ["Hal Head"]
    with pytest.raises(OfficeError):
        offices.confirm_request(actor_for(school["head"]), request)  # the person it changes
    offices.confirm_request(chair, request)
    assert holder_of(Office.HEADTEACHER) == []


def test_ending_a_deputy_dsl_waits_for_a_second_office_holder(app: Flask, school: dict[str, User]) -> None:
    holding = offices.current_holdings(Office.DEPUTY_DSL)[0]
    request = offices.request_change(actor_for(school["admin"]), NewRequest(RequestKind.END, holding_id=holding.id))
    assert request is not None and holder_of(Office.DEPUTY_DSL) == ["Dee Deputy"]
    offices.confirm_request(actor_for(school["chair"]), request)
    assert holder_of(Office.DEPUTY_DSL) == []


def test_resetting_an_office_holders_two_factor_waits_for_a_second_office_holder(
    app: Flask, school: dict[str, User]
) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    head = school["head"]
    db.session.add(RecoveryCode(user_id=head.id, code_hash="a" * 64))
    db.session.commit()
    request = offices.request_change(admin, NewRequest(RequestKind.RESET_TWO_FACTOR, target_person_id=head.person_id))
    assert request is not None
    assert db.session.get(User, head.id).totp_secret is not None  # type: ignore[union-attr]

    offices.confirm_request(chair, request)
    user = db.session.get(User, head.id)
    assert user is not None and user.totp_secret is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_(None))).all() == []
    assert len(events("two_factor.reset")) == 1


def test_changing_an_office_holders_email_waits_then_changes_account_and_directory(
    app: Flask, school: dict[str, User]
) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    head = school["head"]
    db.session.add(WebSession(id="b" * 64, user_id=head.id, data="{}", created_at=utcnow(), last_seen_at=utcnow()))
    db.session.commit()
    request = offices.request_change(
        admin,
        NewRequest(RequestKind.CHANGE_EMAIL, target_person_id=head.person_id, new_email=" New.Head@Larkrise.example "),
    )
    assert request is not None and request.new_email == "new.head@larkrise.example"
    assert db.session.get(User, head.id).email == head.email  # type: ignore[union-attr]

    app.extensions["outbox"].clear()
    offices.confirm_request(chair, request)
    user = db.session.get(User, head.id)
    assert user is not None and user.email == "new.head@larkrise.example"
    assert user.person.email == "new.head@larkrise.example"
    assert db.session.scalars(select(WebSession).where(WebSession.user_id == head.id)).all() == []
    told = [message["To"] for message in app.extensions["outbox"]]
    assert head.email in told and "new.head@larkrise.example" in told


def test_an_email_already_in_the_directory_is_refused(app: Flask, school: dict[str, User]) -> None:
    admin = actor_for(school["admin"])
    with pytest.raises(OfficeError) as error:
        offices.request_change(
            admin,
            NewRequest(
                RequestKind.CHANGE_EMAIL,
                target_person_id=school["head"].person_id,
                new_email=school["teacher"].email.upper(),
            ),
        )
    assert error.value.field == "new_email"


def test_an_ordinary_accounts_email_waits_for_its_owner_or_a_second_office_holder(
    app: Flask, school: dict[str, User]
) -> None:
    """Finding 1: no account's sign-in email moves to a mailbox the administrator reads, alone."""
    teacher = school["teacher"]
    old_email = teacher.email
    with app.test_request_context():
        request = offices.request_change(
            actor_for(school["admin"]),
            NewRequest(RequestKind.CHANGE_EMAIL, target_person_id=teacher.person_id, new_email="tom@larkrise.example"),
        )
    assert request is not None
    assert db.session.get(User, teacher.id).email == old_email  # type: ignore[union-attr]
    offices.confirm_request(actor_for(school["chair"]), request)
    assert db.session.get(User, teacher.id).email == "tom@larkrise.example"  # type: ignore[union-attr]


def test_requester_cancels_and_another_office_holder_rejects(app: Flask, school: dict[str, User]) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    first = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    second = appoint(admin, school["teacher"].person_id, Office.VICE_CHAIR)
    assert first is not None and second is not None
    with pytest.raises(OfficeError):
        offices.reject_request(actor_for(school["deputy"]), first)
    offices.reject_request(admin, first)
    offices.reject_request(chair, second)
    assert db.session.get(ConfirmationRequest, first.id).status == "cancelled"  # type: ignore[union-attr]
    assert db.session.get(ConfirmationRequest, second.id).status == "rejected"  # type: ignore[union-attr]
    assert holder_of(Office.HEADTEACHER) == ["Hal Head"] and holder_of(Office.VICE_CHAIR) == []
    assert offices.pending_requests() == []


def test_requests_to_decide_and_own_requests(app: Flask, school: dict[str, User]) -> None:
    admin, chair, head = actor_for(school["admin"]), actor_for(school["chair"]), actor_for(school["head"])
    request = appoint(admin, head.person_id, Office.DSL)
    assert request is not None
    assert offices.requests_to_decide(chair) == [request]
    assert offices.requests_to_decide(head) == []  # about them
    assert offices.request_for(head, request.id) is None
    assert offices.own_requests(admin) == [request]
    assert offices.request_for(admin, request.id) == request  # to cancel


# Register of interests --------------------------------------------------------------------------


def test_declarations_are_the_declarants_own_and_routing_reads_those_in_force(
    app: Flask, school: dict[str, User]
) -> None:
    head, chair = actor_for(school["head"]), actor_for(school["chair"])
    teacher = school["teacher"]
    declaration = declarations.declare_relationship(head, teacher.person_id, RelationshipNature.FAMILY, " Brother ")
    assert declaration.details == "Brother"
    assert declarations.declared_relationships() == {(head.person_id, teacher.person_id)}
    assert declarations.declarations_of(chair) == []
    assert declarations.declaration_for(chair, declaration.id) is None
    with pytest.raises(declarations.DeclarationError):
        declarations.withdraw_declaration(chair, declaration)

    event = events("relationship.declared")[0]
    assert event.details == {} and event.object_id == str(declaration.id)

    declarations.withdraw_declaration(head, declaration)
    assert declarations.declared_relationships() == frozenset()
    assert db.session.get(RelationshipDeclaration, declaration.id).withdrawn_at is not None  # type: ignore[union-attr]
    assert len(events("relationship.withdrawn")) == 1


def test_a_declaration_must_name_someone_else_once(app: Flask, school: dict[str, User]) -> None:
    head = actor_for(school["head"])
    with pytest.raises(declarations.DeclarationError, match="other than yourself"):
        declarations.declare_relationship(head, head.person_id, RelationshipNature.OTHER)
    declarations.declare_relationship(head, school["teacher"].person_id, RelationshipNature.CLOSE_FRIEND)
    with pytest.raises(declarations.DeclarationError, match="already declared"):
        declarations.declare_relationship(head, school["teacher"].person_id, RelationshipNature.FAMILY)


def test_office_holding_rows_are_never_deleted(app: Flask, school: dict[str, User]) -> None:
    admin, chair = actor_for(school["admin"]), actor_for(school["chair"])
    before = db.session.scalars(select(OfficeHolding)).all()
    request = appoint(admin, school["teacher"].person_id, Office.HEADTEACHER)
    assert request is not None
    offices.confirm_request(chair, request)
    after = db.session.scalars(select(OfficeHolding)).all()
    assert {h.id for h in before} < {h.id for h in after}
