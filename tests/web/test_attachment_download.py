"""Evidence downloads: only for those the policy allows, always as a file, audited before sending."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from sqlalchemy import select

from casetracker import audit
from casetracker.domain.people import Office, Role
from casetracker.extensions import db
from casetracker.models import Attachment, AuditEvent, Case
from casetracker.services import attachments, case_store
from tests.conftest import make_user, sign_in


def case_with_file(
    app: Flask, subject_person_id: uuid.UUID | None = None, implicated: tuple[uuid.UUID, ...] = ()
) -> tuple[uuid.UUID, uuid.UUID]:
    with app.app_context():
        case = case_store.create_case(
            None,
            case_store.NewCase(
                kind="allegation",
                summary="Fictional summary",
                answers={},
                case_manager_office="headteacher",
                subject_person_id=subject_person_id,
                implicated_person_ids=implicated,
            ),
        )
        stored = attachments.store(uuid.uuid4(), case, None, "Notes – Łódź <script>.txt", b"the evidence itself")
        db.session.commit()
        return case.id, stored.id


def test_the_case_manager_downloads_it_as_a_file(app: Flask) -> None:
    head = make_user(app, "Yara Head", office=Office.HEADTEACHER)
    case_id, file_id = case_with_file(app)
    client = app.test_client()
    sign_in(client, head)
    response = client.get(f"/cases/{case_id}/attachments/{file_id}")
    assert response.status_code == 200
    assert response.data == b"the evidence itself"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Notes _ __d_ _script_.txt"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/plain"
    with app.app_context():
        assert (
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.downloaded"))
            .one()
            .actor_user_id
            == head.id
        )


@pytest.mark.parametrize("who", ["stranger", "administrator", "dsl", "subject head", "implicated head"])
def test_everyone_else_gets_a_404_as_if_there_were_no_file(app: Flask, who: str) -> None:
    if who == "stranger":
        user = make_user(app, "Zed Staff")
        case_id, file_id = case_with_file(app)
    elif who == "administrator":
        user = make_user(app, "Zoe Admin", roles=(Role.STAFF, Role.ADMINISTRATOR))
        case_id, file_id = case_with_file(app)
    elif who == "dsl":
        user = make_user(app, "Zia Dsl", office=Office.DSL)
        case_id, file_id = case_with_file(app)
    elif who == "subject head":
        user = make_user(app, "Zak Head", office=Office.HEADTEACHER)
        case_id, file_id = case_with_file(app, subject_person_id=user.person_id)
    else:
        user = make_user(app, "Zuri Head", office=Office.HEADTEACHER)
        case_id, file_id = case_with_file(app, implicated=(user.person_id,))
    client = app.test_client()
    sign_in(client, user)
    for url in (f"/cases/{case_id}/attachments/{file_id}", f"/cases/{uuid.uuid4()}/attachments/{file_id}"):
        response = client.get(url)
        assert response.status_code == 404
        assert b"the evidence itself" not in response.data
        assert b"Page not found" in response.data


def test_if_the_audit_write_fails_nothing_is_sent(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    head = make_user(app, "Abe Head", office=Office.HEADTEACHER)
    case_id, file_id = case_with_file(app)
    client = app.test_client()
    sign_in(client, head)
    real_record = audit.record

    def failing_record(action: str, **kwargs: object) -> object:
        if action == "attachment.downloaded":
            raise RuntimeError("audit store unavailable")
        return real_record(action, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record", failing_record)
    response = client.get(f"/cases/{case_id}/attachments/{file_id}")
    assert response.status_code == 500
    assert b"the evidence itself" not in response.data
    with app.app_context():
        assert db.session.get(Attachment, file_id) is not None
        assert db.session.get(Case, case_id) is not None
