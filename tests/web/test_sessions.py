"""Server-side sessions really end: sign-out, idle and absolute timeouts, deactivation, reset."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.extensions import db
from casetracker.models import AuditEvent, User, WebSession
from casetracker.security.passwords import token_digest
from tests.conftest import make_user, post_form, sign_in


def _age_session(app: Flask, client: FlaskClient, **ages: dt.timedelta) -> None:
    token = client.get_cookie("casetracker_session").value
    now = utcnow()
    with app.app_context():
        db.session.execute(
            update(WebSession)
            .where(WebSession.id == token_digest(token))
            .values({column: now - age for column, age in ages.items()})
        )
        db.session.commit()


def test_the_database_holds_only_a_digest_of_the_session_token(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Kim Staff")
    sign_in(client, user)
    token = client.get_cookie("casetracker_session").value
    with app.app_context():
        ids = db.session.scalars(select(WebSession.id)).all()
    assert token not in ids
    assert token_digest(token) in ids


def test_sign_out_revokes_the_session_even_if_the_cookie_is_replayed(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Lee Staff")
    sign_in(client, user)
    token = client.get_cookie("casetracker_session").value
    post_form(client, "/sign-out", {}, token_from="/account")
    replay = app.test_client()
    replay.set_cookie("casetracker_session", token)
    assert replay.get("/").status_code == 302


def test_idle_timeout_ends_the_session(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Mo Staff")
    sign_in(client, user)
    _age_session(app, client, last_seen_at=dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1))
    assert client.get("/").status_code == 302


def test_activity_within_the_idle_window_keeps_the_session(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Ned Staff")
    sign_in(client, user)
    _age_session(app, client, last_seen_at=dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1))
    assert client.get("/").status_code == 200


def test_absolute_timeout_ends_an_active_session(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Ola Staff")
    sign_in(client, user)
    _age_session(app, client, created_at=dt.timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], seconds=1))
    assert client.get("/").status_code == 302


def test_deactivation_ends_sessions_at_once(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Pat Staff")
    sign_in(client, user)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(is_active=False))
        db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_every_session(app: Flask) -> None:
    user = make_user(app, "Quin Staff")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user)
    post_form(laptop, "/account/sign-out-everywhere", {}, token_from="/account")
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302


def test_becoming_an_office_holder_requires_two_factor_at_once(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Rae Staff", two_factor=False)
    sign_in(client, user)
    with app.app_context():
        from casetracker.services import offices

        offices.assign_from_command_line(db.session.get(User, user.id).person, Office.DSL)
        db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_authenticated_pages_are_not_cached(app: Flask, client: FlaskClient) -> None:
    user = make_user(app, "Sol Staff")
    sign_in(client, user)
    response = client.get("/account")
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie == "" or "HttpOnly" in cookie


def test_static_files_never_touch_or_expire_a_session(app: Flask, client: FlaskClient) -> None:
    """Finding 13: a stylesheet request from the whistleblowing page must leave no session trace."""
    user = make_user(app, "Ola Staff")
    sign_in(client, user)
    token = token_digest(client.get_cookie("casetracker_session").value)
    _age_session(app, client, last_seen_at=dt.timedelta(minutes=app.config["SESSION_IDLE_MINUTES"], seconds=1))
    with app.app_context():
        before = db.session.get(WebSession, token).last_seen_at
    response = client.get("/static/assets/application.css")
    response.close()
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    with app.app_context():
        row = db.session.get(WebSession, token)
        assert row is not None and row.last_seen_at == before  # neither reaped nor touched
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "session.expired")).first() is None
