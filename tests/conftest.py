"""Shared fixtures. The database is made by the migrations, once per run, then emptied per test.

CASETRACKER_TEST_DATABASE_URL chooses the database (SQLite file by default; `make test` runs the
suite again on a throwaway PostgreSQL cluster).

CASETRACKER_TEST_NOW sets the app's clock (casetracker/clock.py) for every test: a London date, or a
date and time (`2028-02-29`, `2026-10-25T00:30`). Each test starts at that moment and time runs on
from there, so no test depends on the day or the hour it runs; `make test-dates` runs the suite on
the awkward days of the year.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import uuid
from collections.abc import Iterator

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete, text

from casetracker import clock, create_app, crypto
from casetracker.dates import LONDON
from casetracker.domain.people import Office, Role, StaffType
from casetracker.extensions import db
from casetracker.models import Base, School, User
from casetracker.services import offices, people
from config import TestConfig

PASSWORD = "correct horse battery staple"
# A Wednesday in term, mid-morning: the day this suite first failed because it read the real date.
DEFAULT_TEST_NOW = "2026-12-02T10:30"


def database_url(tmp_dir: str) -> str:
    return os.environ.get("CASETRACKER_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.db"


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    with tempfile.TemporaryDirectory() as tmp:

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = database_url(tmp)
            KEY_FILE = f"{tmp}/keyring.json"
            ATTACHMENT_DIR = f"{tmp}/attachments"

        crypto.Keyring.create(Config.KEY_FILE)

        application = create_app(Config)
        with application.app_context():
            upgrade()
        yield application
        with application.app_context():
            db.engine.dispose()


def starting_moment() -> dt.datetime:
    """The moment each test starts at, from CASETRACKER_TEST_NOW (London time); a date alone means 10:30."""
    text = os.environ.get("CASETRACKER_TEST_NOW") or DEFAULT_TEST_NOW
    moment = dt.datetime.fromisoformat(text)
    if "T" not in text and " " not in text:
        moment = moment.replace(hour=10, minute=30)
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


@pytest.fixture(autouse=True)
def set_clock() -> Iterator[dt.datetime]:
    start = starting_moment()
    clock.set_to(start)
    yield start
    clock.reset()


@pytest.fixture(autouse=True)
def clean_database(app: Flask, set_clock: dt.datetime) -> Iterator[None]:
    with app.app_context():
        empty_all_tables()
        db.session.add(School(name="Larkrise Community School"))
        db.session.commit()
        app.extensions["outbox"] = []
        # The tables were emptied behind the ORM's back, so no office's version changed with them.
        app.extensions.pop("casetracker.office_counts", None)
        from casetracker.extensions import limiter

        limiter.reset()
    yield
    with app.app_context():
        db.session.rollback()
        db.session.remove()


def empty_all_tables() -> None:
    # Chronology rows may be deleted only for a case being destroyed: list every case first.
    db.session.execute(
        text(
            "INSERT INTO case_destruction (case_id, started_at) SELECT id, opened_at FROM case_record "
            "WHERE id NOT IN (SELECT case_id FROM case_destruction)"
        )
    )
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in ("audit_event", "audit_head", "key_canary"):
            db.session.execute(delete(table))
    db.session.commit()
    wipe_audit_trail()


def wipe_audit_trail() -> None:
    """Tests start from an empty chain. The database refuses deletes, so lift its guard briefly."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
        db.session.execute(text("DELETE FROM audit_event"))
        db.session.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
    else:
        db.session.execute(text("DROP TRIGGER audit_event_no_delete"))
        db.session.execute(text("DELETE FROM audit_event"))
        db.session.execute(
            text(
                "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event rows are append-only'); END"
            )
        )
    db.session.execute(text("UPDATE audit_head SET seq = 0, hash = :genesis WHERE id = 1"), {"genesis": "0" * 64})
    db.session.commit()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def make_user(
    app: Flask,
    name: str = "Jo Bloggs",
    *,
    roles: tuple[Role, ...] = (Role.STAFF,),
    office: Office | None = None,
    two_factor: bool | None = None,
    staff_type: StaffType = StaffType.EMPLOYEE,
) -> User:
    """A person with an account; office-holders and administrators get two-factor by default."""
    email = f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:6]}@larkrise.example"
    with app.app_context():
        person = people.add_person(None, people.PersonDetails(name, email, "Teacher", staff_type), commit=False)
        user = people.create_account(None, person, roles, PASSWORD, commit=False)
        if office is not None:
            offices.assign_from_command_line(person, office)
        if two_factor or (two_factor is None and (office is not None or Role.ADMINISTRATOR in roles)):
            user.totp_secret = pyotp.random_base32()
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    html = page.get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, str], *, token_from: str | None = None, **kwargs: object):
    """POST a form the way a browser would: with the CSRF token from the page it came from."""
    token = csrf_token(client, token_from or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def current_code(user: User, *, offset_steps: int = 0) -> str:
    """The code the person's authenticator shows now, on the app's clock."""
    assert user.totp_secret
    return pyotp.TOTP(user.totp_secret).at(clock.utcnow() + dt.timedelta(seconds=30 * offset_steps))


def sign_in(client: FlaskClient, user: User, *, code: str | None = None) -> None:
    response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    if user.totp_secret:
        assert "/sign-in/security-code" in response.headers["Location"]
        # A code works once: a second sign-in within the same 30 seconds uses the next step's code.
        for candidate in [code] if code else [current_code(user), current_code(user, offset_steps=1)]:
            response = post_form(client, "/sign-in/security-code", {"code": candidate})
            if response.status_code == 302:
                break
        assert response.status_code == 302, response.get_data(as_text=True)
    assert client.get("/").status_code == 200
