"""Holes a security review found, each shown closed."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from casetracker.clock import utcnow
from casetracker.domain.people import Office, Role
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import AuditEvent, ConfirmationRequest, User, WebSession
from casetracker.services import offices, people
from tests.conftest import PASSWORD, make_user, post_form, sign_in


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/%09/evil.example",
        "/%0a/evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "/%20/evil.example",
    ],
)
def test_next_cannot_leave_the_site(app: Flask, client: FlaskClient, target: str) -> None:
    user = make_user(app, "Nat Staff")
    response = post_form(
        client, f"/sign-in?next={target}", {"email": user.email, "password": PASSWORD}, token_from="/sign-in"
    )
    assert response.headers["Location"] == "/"


def test_knowing_the_password_buys_no_fresh_guesses_at_the_code(app: Flask, client: FlaskClient) -> None:
    head = make_user(app, "Oona Head", office=Office.HEADTEACHER)
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for _ in range(3):  # password, then a wrong code or two, again and again
        post_form(client, "/sign-in", {"email": head.email, "password": PASSWORD})
        for _ in range(threshold - 1):
            post_form(client, "/sign-in/security-code", {"code": "000000"})
    with app.app_context():
        assert db.session.get(User, head.id).locked_until is not None


def test_wrong_passwords_when_confirming_identity_count_towards_lockout(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Pia Staff")
    sign_in(client, user)
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        post_form(client, "/confirm-it-is-you", {"password": "not my password", "code": ""})
    with app.app_context():
        assert db.session.get(User, user.id).locked_until is not None


def test_someone_awaiting_appointment_counts_as_an_office_holder(app: Flask) -> None:
    admin = make_user(app, "Ray Admin", roles=(Role.STAFF, Role.ADMINISTRATOR))
    make_user(app, "Sue Head", office=Office.HEADTEACHER)
    future_dsl = make_user(app, "Tam Teacher", two_factor=True)
    with app.test_request_context():
        actor = Actor(user_id=admin.id, person_id=admin.person_id, roles=frozenset({Role.ADMINISTRATOR}))
        pending = offices.request_change(
            actor,
            offices.NewRequest(
                kind=offices.RequestKind.APPOINT, target_person_id=future_dsl.person_id, office=Office.DSL
            ),
        )
        assert pending is not None
        waiting = offices.request_change(
            actor,
            offices.NewRequest(
                kind=offices.RequestKind.CHANGE_EMAIL,
                target_person_id=future_dsl.person_id,
                new_email="attacker@evil.example",
            ),
        )
        assert waiting is not None  # waits for a second office-holder instead of happening at once
        assert db.session.get(User, future_dsl.id).email != "attacker@evil.example"
        assert (
            db.session.scalar(select(ConfirmationRequest).where(ConfirmationRequest.kind == "change_email")).status
            == "pending"
        )


def test_the_administrator_cannot_deactivate_an_office_holder_alone(app: Flask) -> None:
    admin = make_user(app, "Uma Admin", roles=(Role.STAFF, Role.ADMINISTRATOR))
    head = make_user(app, "Vic Head", office=Office.HEADTEACHER)
    with app.app_context():
        actor = Actor(user_id=admin.id, person_id=admin.person_id, roles=frozenset({Role.ADMINISTRATOR}))
        with pytest.raises(people.PeopleError, match="holds an office"):
            people.deactivate_account(actor, db.session.get(User, head.id))
        assert db.session.get(User, head.id).is_active


def test_a_refused_page_is_audited(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Wes Staff")
    sign_in(client, user)
    assert client.get("/admin/people").status_code == 403
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
        assert event.actor_user_id == user.id
        assert event.details == {"endpoint": "admin.list_people"}


def test_expired_sessions_are_purged_and_their_expiry_audited(app: Flask, client: FlaskClient) -> None:
    from casetracker.security.sessions import purge_expired_sessions

    user = make_user(app, "Xia Staff")
    sign_in(client, user)
    other = app.test_client()
    sign_in(other, user)
    with app.app_context():
        old = utcnow() - dt.timedelta(hours=9)
        db.session.execute(update(WebSession).values(created_at=old, last_seen_at=old))
        db.session.commit()
    assert client.get("/").status_code == 302  # this one notices, and the expiry is audited
    with app.app_context():
        assert purge_expired_sessions(app) >= 1  # the other one is purged without ever returning
        assert db.session.scalars(select(WebSession).where(WebSession.user_id == user.id)).all() == []
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.expired")).first()
