"""Retention on the web: the case page's retention section, destroying a case, legal holds, the CLI."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import delete, select

from casetracker import audit, crypto
from casetracker.domain import retention as rules
from casetracker.extensions import db
from casetracker.models import AuditEvent, Case, CaseDestruction, CaseKey, CaseTombstone, LegalHold, User
from casetracker.services import case_store, retention
from tests.conftest import post_form, sign_in
from tests.services.test_reporting import actor_of
from tests.services.test_retention_service import (
    MESSAGE_TEXT,
    due_allegation,
    file_allegation,
    retention_of,
    set_subject,
)
from tests.web.test_case_pages import SECRET_TEXT, school

HOLDS = "/data-protection/legal-holds"


@pytest.fixture(autouse=True)
def forget_destructions(app: Flask) -> Iterator[None]:
    """conftest's emptying lists every case in case_destruction; one destroyed here is listed already."""
    yield
    with app.app_context():
        db.session.rollback()
        db.session.execute(delete(CaseDestruction))
        db.session.commit()


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def reference_of(app: Flask, case_id: uuid.UUID) -> str:
    with app.app_context():
        return db.session.get(Case, case_id).reference


def is_destroyed(app: Flask, case_id: uuid.UUID) -> bool:
    with app.app_context():
        key = db.session.scalars(select(CaseKey).where(CaseKey.case_id == case_id)).one()
        return key.wrapped is None


def hold_case(app: Flask, people: dict[str, User], case_id: uuid.UUID) -> uuid.UUID:
    with app.test_request_context():
        return retention.set_hold(actor_of(app, people["dpo"]), reference_of(app, case_id), "Fictional inquiry").id


# --- The case page -----------------------------------------------------------------------------


def test_the_case_page_says_how_long_the_record_is_kept_and_why(app: Flask) -> None:
    """The case manager must see the retention date and the rule behind it, as the issue asks."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1990, 5, 17))
    case_id = file_allegation(app, people)
    with app.test_request_context():
        result = retention_of(case_id)
    page = signed_in(app, people["head"]).get(f"/cases/{case_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "How long this record is kept" in html
    assert "Due for a retention review on 17 May 2058" in html
    assert str(escape(result.reason)) in html
    assert "Destroy this case" not in html  # not due: no way to destroy it from here


def test_the_case_page_prompts_for_a_pension_date_when_no_date_of_birth_is_known(app: Flask) -> None:
    """Without a date of birth there is no date: the page must say what to enter, not stay silent."""
    people = school(app)
    case_id = file_allegation(app, people)
    html = signed_in(app, people["head"]).get(f"/cases/{case_id}").get_data(as_text=True)
    assert "How long this record is kept" in html
    assert "not known yet" in html
    assert str(escape(rules.MISSING_PENSION_AGE)) in html
    assert f"/cases/{case_id}/entries/new/pension_date" in html


def test_a_due_case_offers_destruction_on_its_page(app: Flask) -> None:
    """Once due, the case manager is told and given the one way to destroy it."""
    people = school(app)
    case_id = due_allegation(app, people)
    html = signed_in(app, people["head"]).get(f"/cases/{case_id}").get_data(as_text=True)
    assert "malicious allegation is removed" in html
    assert f"/cases/{case_id}/destroy" in html


# --- Destroying a case -------------------------------------------------------------------------


def test_destroying_needs_a_recent_sign_in(app: Flask) -> None:
    """Destruction cannot be undone, so a walked-away-from session must not be able to do it."""
    people = school(app)
    case_id = due_allegation(app, people)
    head = signed_in(app, people["head"])
    url = f"/cases/{case_id}/destroy"
    token_page = head.get(url)
    assert token_page.status_code == 200
    with head.session_transaction() as session:
        session["authenticated_at"] = "2000-01-01T00:00:00+00:00"
    response = head.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/confirm-it-is-you")
    response = post_form(
        head, url, {"reason": "Fictional: over", "reference": reference_of(app, case_id)}, token_from="/account"
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/confirm-it-is-you")
    assert not is_destroyed(app, case_id)


def test_a_due_case_is_destroyed_only_when_the_typed_reference_matches(app: Flask) -> None:
    """Typing the reference is the last check that the right case is going; a mismatch must destroy nothing."""
    people = school(app)
    case_id = due_allegation(app, people)
    head = signed_in(app, people["head"])
    url = f"/cases/{case_id}/destroy"
    reference = reference_of(app, case_id)
    page = head.get(url)
    assert page.status_code == 200
    assert "Destroy this case" in page.get_data(as_text=True)

    wrong = post_form(head, url, {"reason": "Fictional: retention over", "reference": "CT-WRNG-0000"})
    assert wrong.status_code == 200
    html = wrong.get_data(as_text=True)
    assert "There is a problem" in html and "Type the case reference exactly as it is shown" in html
    assert not is_destroyed(app, case_id)

    no_reason = post_form(head, url, {"reason": "", "reference": reference})
    assert no_reason.status_code == 200 and "There is a problem" in no_reason.get_data(as_text=True)
    assert not is_destroyed(app, case_id)

    done = post_form(head, url, {"reason": "Fictional: retention over, reviewed", "reference": reference.lower()})
    assert done.status_code == 302 and done.headers["Location"].endswith("/cases")
    assert is_destroyed(app, case_id)
    with app.app_context():
        tombstone = db.session.get(CaseTombstone, case_id)
        assert tombstone.reason == "Fictional: retention over, reviewed"
        assert tombstone.authorised_by_id == people["head"].id
        with pytest.raises(crypto.DestroyedError):
            _ = db.session.get(Case, case_id).summary
        assert audit.verify().intact
    inbox = head.get("/cases")
    assert inbox.status_code == 200
    assert f"Case {reference} has been destroyed" in inbox.get_data(as_text=True)
    assert head.get(f"/cases/{case_id}").status_code == 404
    assert head.get(url).status_code == 404
    assert signed_in(app, people["collaborator"]).get(f"/cases/{case_id}").status_code == 404


def test_a_case_that_is_not_due_cannot_be_destroyed_through_the_form(app: Flask) -> None:
    """The page must refuse early destruction even to a case manager who types the reference."""
    people = school(app)
    set_subject(app, people["subject"], date_of_birth=dt.date(1990, 5, 17))
    case_id = file_allegation(app, people)
    head = signed_in(app, people["head"])
    url = f"/cases/{case_id}/destroy"
    assert "not yet due for destruction" in head.get(url).get_data(as_text=True)
    response = post_form(head, url, {"reason": "Fictional: too early", "reference": reference_of(app, case_id)})
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
    assert not is_destroyed(app, case_id)


def test_a_held_case_cannot_be_destroyed_through_the_form(app: Flask) -> None:
    """A legal hold must stop destruction on the page as well as in the service."""
    people = school(app)
    case_id = due_allegation(app, people)
    hold_case(app, people, case_id)
    head = signed_in(app, people["head"])
    url = f"/cases/{case_id}/destroy"
    page = head.get(url).get_data(as_text=True)
    assert "under legal hold" in page
    assert "Destroy this case" in page  # the heading; the post is what matters
    response = post_form(head, url, {"reason": "Fictional: retention over", "reference": reference_of(app, case_id)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "under legal hold" in html
    assert not is_destroyed(app, case_id)
    with app.app_context():
        assert db.session.get(CaseTombstone, case_id) is None
        assert case_store.is_readable(db.session.get(Case, case_id))
    case_page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Under legal hold" in case_page
    assert f"/cases/{case_id}/destroy" not in case_page


@pytest.mark.parametrize("who", ["dsl", "collaborator", "dpo", "stranger"])
def test_nobody_but_the_case_manager_reaches_the_destroy_page(app: Flask, who: str) -> None:
    """Anyone else is answered as if the case did not exist."""
    people = school(app)
    case_id = due_allegation(app, people)
    client = signed_in(app, people[who])
    assert client.get(f"/cases/{case_id}/destroy").status_code == 404
    response = post_form(
        client,
        f"/cases/{case_id}/destroy",
        {"reason": "Fictional", "reference": reference_of(app, case_id)},
        token_from="/account",
    )
    assert response.status_code == 404
    assert not is_destroyed(app, case_id)


# --- Legal holds -------------------------------------------------------------------------------


def test_the_data_protection_officer_places_and_lifts_a_hold_without_seeing_case_content(app: Flask) -> None:
    """The officer manages holds by reference only; the hold and its lifting are audited."""
    people = school(app)
    case_id = due_allegation(app, people)
    reference = reference_of(app, case_id)
    dpo = signed_in(app, people["dpo"])
    page = dpo.get(HOLDS)
    assert page.status_code == 200 and "No case is under legal hold." in page.get_data(as_text=True)

    placed = post_form(dpo, HOLDS, {"reference": reference.lower(), "reason": "Fictional employment tribunal"})
    assert placed.status_code == 302 and placed.headers["Location"].endswith(HOLDS)
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.legal_hold
        hold = db.session.scalars(select(LegalHold).where(LegalHold.case_id == case_id)).one()
        hold_id = hold.id
        assert hold.set_by_id == people["dpo"].id
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "legal_hold.set")).all()
        assert event.actor_user_id == people["dpo"].id and event.case_id == case_id

    listing = dpo.get(HOLDS).get_data(as_text=True)
    assert reference in listing and "Fictional employment tribunal" in listing
    for content in (SECRET_TEXT, MESSAGE_TEXT, "Sid Subject", "Rae Reporter", "Ivo Implicated", "malicious"):
        assert content not in listing, content

    lifted = post_form(dpo, f"{HOLDS}/{hold_id}/lift", {}, token_from=HOLDS)
    assert lifted.status_code == 302 and lifted.headers["Location"].endswith(HOLDS)
    with app.app_context():
        assert db.session.get(Case, case_id).legal_hold is False
        hold = db.session.get(LegalHold, hold_id)
        assert hold.lifted_at is not None and hold.lifted_by_id == people["dpo"].id
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "legal_hold.lifted")).all()
        assert event.actor_user_id == people["dpo"].id and event.case_id == case_id
        assert audit.verify().intact
    assert "No case is under legal hold." in dpo.get(HOLDS).get_data(as_text=True)


def test_a_hold_on_an_unknown_reference_is_refused_with_a_message(app: Flask) -> None:
    """A mistyped reference must be told, not silently ignored or applied to another case."""
    people = school(app)
    due_allegation(app, people)
    dpo = signed_in(app, people["dpo"])
    response = post_form(dpo, HOLDS, {"reference": "CT-NONE-0000", "reason": "Fictional inquiry"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "There is no case with that reference" in html
    with app.app_context():
        assert db.session.scalars(select(LegalHold)).first() is None


@pytest.mark.parametrize("who", ["head", "dsl", "admin", "chair", "stranger"])
def test_only_the_data_protection_officer_reaches_the_legal_holds_pages(app: Flask, who: str) -> None:
    """Holds override destruction decisions: anyone else is forbidden to see or change them."""
    people = school(app)
    case_id = due_allegation(app, people)
    hold_id = hold_case(app, people, case_id)
    client = signed_in(app, people[who])
    assert client.get(HOLDS).status_code == 403
    placed = post_form(
        client, HOLDS, {"reference": reference_of(app, case_id), "reason": "Fictional"}, token_from="/account"
    )
    assert placed.status_code == 403
    lifted = post_form(client, f"{HOLDS}/{hold_id}/lift", {}, token_from="/account")
    assert lifted.status_code == 403
    with app.app_context():
        assert db.session.get(Case, case_id).legal_hold is True
        assert db.session.get(LegalHold, hold_id).lifted_at is None


# --- The command line --------------------------------------------------------------------------


def test_the_dry_run_command_lists_the_due_case_and_changes_nothing(app: Flask) -> None:
    """Cron runs this; an operator checks it with --dry-run first, which must only print."""
    people = school(app)
    due_id = due_allegation(app, people)
    set_subject(app, people["implicated"], date_of_birth=dt.date(1990, 1, 1))
    not_due_id = file_allegation(app, people | {"subject": people["implicated"]})
    app.extensions["outbox"] = []
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert reference_of(app, due_id) in result.output
    assert reference_of(app, not_due_id) not in result.output
    assert "1 case due for a retention review (dry run)" in result.output
    assert app.extensions["outbox"] == []
    with app.app_context():
        assert db.session.get(Case, due_id).retention_due is False
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")).first() is None


def test_the_run_command_puts_the_due_case_on_the_case_managers_review_list(app: Flask) -> None:
    """Without --dry-run the command flags the case, shows it on the manager's dashboard and tells them."""
    people = school(app)
    due_id = due_allegation(app, people)
    app.extensions["outbox"] = []
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert reference_of(app, due_id) in result.output and "(dry run)" not in result.output
    with app.app_context():
        assert db.session.get(Case, due_id).retention_due is True
    assert [m["To"] for m in app.extensions["outbox"]] == [people["head"].email]
    head = signed_in(app, people["head"])
    assert 'data-count="retention-due">1<' in head.get("/cases").get_data(as_text=True)
    closed = head.get("/cases/closed").get_data(as_text=True)
    assert reference_of(app, due_id) in closed and "Retention review" in closed
