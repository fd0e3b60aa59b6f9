"""Signing in: passwords, no user enumeration, lockout, rate limits, two-factor and CSRF."""

from __future__ import annotations

import datetime as dt

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.domain.people import Office, Role
from casetracker.extensions import db, limiter
from casetracker.models import AuditEvent, User
from tests.conftest import PASSWORD, csrf_token, current_code, make_user, post_form, sign_in


def test_staff_sign_in_with_password_and_sign_out(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Ada Staff")
    sign_in(client, user)
    page = client.get("/").get_data(as_text=True)
    assert "Ada Staff" in page
    response = post_form(client, "/sign-out", {}, token_from="/account")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_unknown_and_wrong_password_get_the_same_answer(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Ben Staff")
    wrong = post_form(client, "/sign-in", {"email": user.email, "password": "not the password"})
    unknown = post_form(client, "/sign-in", {"email": "nobody@larkrise.example", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 200
    for response in (wrong, unknown):
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
        assert "There is a problem" in response.get_data(as_text=True)


def test_sign_in_form_errors_explain_themselves(client: FlaskClient) -> None:
    response = post_form(client, "/sign-in", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert "<title>Error: Sign in" in page


def test_missing_csrf_token_is_rejected(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Cat Staff")
    client.get("/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # not signed in


def test_repeated_failures_lock_the_account_even_for_the_right_password(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Dan Staff")
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        post_form(client, "/sign-in", {"email": user.email, "password": "wrong password!"})
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        locked = db.session.get(User, user.id)
        assert locked.locked_until is not None
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in.lockout")).first()
        # When the lock expires, the right password works again.
        locked.locked_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    sign_in(client, user)


def test_ip_rate_limit_answers_429(app: Flask, client: FlaskClient) -> None:
    app.config["SIGN_IN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        statuses = [
            post_form(client, "/sign-in", {"email": f"x{i}@larkrise.example", "password": "wrong"}).status_code
            for i in range(5)
        ]
    finally:
        app.config["SIGN_IN_RATE_LIMIT"] = "1000 per minute"
        limiter.reset()
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]


def test_office_holder_must_enrol_in_two_factor_before_signing_in(app: Flask, client: FlaskClient) -> None:
    head = make_user(app, "Eve Head", office=Office.HEADTEACHER, two_factor=False)
    response = post_form(client, "/sign-in", {"email": head.email, "password": PASSWORD})
    assert "/sign-in/set-up-two-factor" in response.headers["Location"]
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get("/sign-in/set-up-two-factor").get_data(as_text=True)
    assert "<svg" in page
    with client.session_transaction() as session:
        secret = session["pending_totp_secret"]
    response = post_form(
        client,
        "/sign-in/set-up-two-factor",
        {"code": "000000" if pyotp.TOTP(secret).at(utcnow()) != "000000" else "111111"},
    )
    assert "The code is not right" in response.get_data(as_text=True)
    response = post_form(client, "/sign-in/set-up-two-factor", {"code": pyotp.TOTP(secret).at(utcnow())})
    assert response.status_code == 200
    assert "Save your recovery codes" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200
    # The codes were shown in that response only: the session does not keep them.
    with client.session_transaction() as session:
        assert not any("recovery" in key for key in session)


def test_totp_code_cannot_be_replayed(app: Flask) -> None:
    head = make_user(app, "Fay Head", office=Office.HEADTEACHER)
    code = current_code(head)
    first = app.test_client()
    sign_in(first, head, code=code)
    second = app.test_client()
    post_form(second, "/sign-in", {"email": head.email, "password": PASSWORD})
    response = post_form(second, "/sign-in/security-code", {"code": code})
    assert "has been used already" in response.get_data(as_text=True)
    assert second.get("/").status_code == 302


def test_wrong_codes_count_towards_lockout(app: Flask, client: FlaskClient) -> None:
    admin = make_user(app, "Gus Admin", roles=(Role.STAFF, Role.ADMINISTRATOR))
    post_form(client, "/sign-in", {"email": admin.email, "password": PASSWORD})
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        post_form(client, "/sign-in/security-code", {"code": "12345x"})
        post_form(client, "/sign-in/security-code", {"code": "000001"})
    response = post_form(client, "/sign-in/security-code", {"code": current_code(admin)})
    assert client.get("/").status_code == 302
    assert response.status_code in (200, 302)


def test_recovery_code_works_once(app: Flask) -> None:
    head = make_user(app, "Hal Head", office=Office.HEADTEACHER, two_factor=False)
    client = app.test_client()
    post_form(client, "/sign-in", {"email": head.email, "password": PASSWORD})
    client.get("/sign-in/set-up-two-factor")
    with client.session_transaction() as session:
        secret = session["pending_totp_secret"]
    response = post_form(client, "/sign-in/set-up-two-factor", {"code": pyotp.TOTP(secret).at(utcnow())})
    page = response.get_data(as_text=True)
    import re

    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", page)
    assert len(codes) == 10
    for attempt, expected in ((codes[0], 200), (codes[0], 302)):
        other = app.test_client()
        post_form(other, "/sign-in", {"email": head.email, "password": PASSWORD})
        post_form(other, "/sign-in/recovery-code", {"code": attempt.upper()})
        assert other.get("/").status_code == expected


def test_sign_in_sets_a_new_session_id(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Ivy Staff")
    client.get("/sign-in")
    before = client.get_cookie("casetracker_session").value
    sign_in(client, user)
    after = client.get_cookie("casetracker_session").value
    assert before != after
    # The session id known before sign-in is worthless afterwards.
    stale = app.test_client()
    stale.set_cookie("casetracker_session", before)
    assert stale.get("/").status_code == 302


def test_next_parameter_cannot_redirect_off_site(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Jay Staff")
    response = post_form(
        client, "/sign-in?next=//evil.example/", {"email": user.email, "password": PASSWORD}, token_from="/sign-in"
    )
    assert response.headers["Location"] == "/"


def test_csrf_token_page_is_present(client: FlaskClient) -> None:
    assert csrf_token(client, "/sign-in")
