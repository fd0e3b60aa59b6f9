"""The chronology leaves the system only as an audited PDF export; audit views show each person
only what they may know: a case's manager its access history, the administrator no case at all."""

from __future__ import annotations

import hashlib
import io
import re

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from casetracker.extensions import db
from casetracker.models import AuditEvent, Case
from tests.conftest import post_form, sign_in
from tests.web.test_case_pages import SECRET_TEXT, file_case, school


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_case_manager_exports_an_audited_pdf_that_is_never_cached(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    assert "Which copy do you need?" in head.get(f"/cases/{case_id}/export").get_data(as_text=True)
    response = post_form(head, f"/cases/{case_id}/export", {"copy": "full"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        case = db.session.get(Case, case_id)
        reference = case.reference
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.exported", AuditEvent.case_id == case_id)
        ).one()
        assert event.actor_user_id == people["head"].id
        assert event.secret["sha256"] == hashlib.sha256(response.data).hexdigest()
        assert event.secret["redacted"] is False
    assert response.headers["Content-Disposition"] == f'attachment; filename="chronology-{reference}.pdf"'
    text = _pdf_text(response.data)
    assert reference in text and SECRET_TEXT in text and "OFFICIAL-SENSITIVE" in text
    assert "Rae Reporter" in text  # the full copy names who reported it


def test_a_redacted_export_leaves_out_the_reporter_and_the_children(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    response = post_form(head, f"/cases/{case_id}/export", {"copy": "redacted"})
    text = _pdf_text(response.data)
    assert "Redacted copy" in text
    assert "Rae Reporter" not in text and "Reporter" not in text.replace("[reporter]", "")
    assert response.headers["Content-Disposition"].endswith('-redacted.pdf"')


def test_exporting_needs_a_recent_sign_in(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    with head.session_transaction() as session:
        session["authenticated_at"] = "2000-01-01T00:00:00+00:00"
    response = post_form(head, f"/cases/{case_id}/export", {"copy": "full"}, token_from="/account")
    assert response.status_code == 302 and "/confirm-it-is-you" in response.headers["Location"]
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.exported")).first() is None


def test_a_collaborator_may_read_but_not_export(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    post_form(
        head,
        f"/cases/{case_id}/collaborators",
        {"collaborator-person": str(people["collaborator"].id)},
        token_from=f"/cases/{case_id}",
    )
    helper = app.test_client()
    sign_in(helper, people["collaborator"])
    assert helper.get(f"/cases/{case_id}").status_code == 200
    assert helper.get(f"/cases/{case_id}/export").status_code == 404
    assert post_form(helper, f"/cases/{case_id}/export", {"copy": "full"}, token_from="/account").status_code == 404


def test_the_case_manager_sees_who_has_seen_the_case(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    head.get(f"/cases/{case_id}")
    page = head.get(f"/cases/{case_id}/history").get_data(as_text=True)
    assert "Viewed the case" in page and "Hattie Head" in page and "Report submitted" in page
    assert "Rae Reporter" in page  # the reporter's own submission is on the record, for its manager


def test_the_administrator_sees_account_events_and_the_chain_check_but_no_case(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    head.get(f"/cases/{case_id}")
    admin = app.test_client()
    sign_in(admin, people["admin"])
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "audit chain intact" in page
    assert "Sign in: success" in page
    with app.app_context():
        reference = db.session.get(Case, case_id).reference
    assert str(case_id) not in page and reference not in page
    table = page.split('id="account-events"')[1].split("</table>")[0]
    assert "Viewed the case" not in page and not re.search(r"\bcases?\b", table.lower())
    assert head.get("/admin/audit").status_code == 403
