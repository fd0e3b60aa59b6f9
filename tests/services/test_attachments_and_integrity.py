"""Evidence files by content allow-list; integrity failures become incidents, never garbled text."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from flask import Flask
from sqlalchemy import select

from casetracker import audit, crypto
from casetracker.domain.people import Office, Role
from casetracker.extensions import db
from casetracker.models import Attachment, AuditEvent, Case
from casetracker.services import attachments
from tests.case_helpers import seeded_case
from tests.conftest import make_user


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Notes from the meeting – Łucja".encode(), "text/plain"),
    ],
)
def test_allowed_types_are_judged_by_content(data: bytes, content_type: str) -> None:
    assert attachments.detect_type(data)[0] == content_type


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows program
        b"PK\x03\x04not really a zip",  # a damaged zip
        b"GIF89a\x01\x00",  # not on the list
        b"\x00\x01\x02\x03binary",  # binary that is not text
    ],
)
def test_other_content_is_refused_whatever_its_name(app: Flask, data: bytes) -> None:
    with app.app_context():
        case = seeded_case("FILES", entries=0)
        with pytest.raises(attachments.AttachmentError, match="PDF, PNG, JPEG"):
            attachments.store(uuid.uuid4(), case, None, "harmless.pdf", data)


def test_size_limit_and_empty_files(app: Flask) -> None:
    with app.app_context():
        case = seeded_case("SIZE", entries=0)
        with pytest.raises(attachments.AttachmentError, match="smaller than 10 MB"):
            attachments.store(uuid.uuid4(), case, None, "big.txt", b"a" * (attachments.MAX_BYTES + 1))
        with pytest.raises(attachments.AttachmentError, match="empty"):
            attachments.store(uuid.uuid4(), case, None, "empty.txt", b"")


def test_files_are_stored_under_generated_names_and_audited_with_their_hash(app: Flask) -> None:
    actor = uuid.uuid4()
    with app.app_context():
        case = seeded_case("STORE", entries=0)
        stored = attachments.store(actor, case, None, "../../etc/passwd.pdf", b"%PDF-1.4 evidence")
        db.session.commit()
        assert "passwd" not in stored.storage_name and "/" not in stored.storage_name
        back = attachments.read(actor, stored)
        db.session.commit()
        assert back.data == b"%PDF-1.4 evidence"
        assert back.filename == "passwd.pdf"
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == str(stored.id)).order_by(AuditEvent.seq)
        ).all()
        assert [e.action for e in events] == ["attachment.uploaded", "attachment.downloaded"]
        assert {e.secret["sha256"] for e in events} == {crypto.sha256_hex(b"%PDF-1.4 evidence")}
        assert "sha256" not in str([e.details for e in events])  # the hash itself is encrypted
        assert audit.verify().intact


def test_an_altered_file_fails_loudly(app: Flask) -> None:
    from pathlib import Path

    with app.app_context():
        case = seeded_case("ALTER", entries=0)
        stored = attachments.store(uuid.uuid4(), case, None, "a.txt", b"original evidence")
        db.session.commit()
        path = Path(app.config["ATTACHMENT_DIR"]) / stored.storage_name
        blob = bytearray(path.read_bytes())
        blob[-1] ^= 1
        path.write_bytes(bytes(blob))
        with pytest.raises(crypto.IntegrityError):
            attachments.read(uuid.uuid4(), db.session.get(Attachment, stored.id))


def test_a_decryption_failure_is_an_incident_page_audit_and_alert(app: Flask) -> None:
    from casetracker import create_app
    from casetracker.security.access import public
    from config import TestConfig

    make_user(app, "Dana Protection", office=Office.DATA_PROTECTION_OFFICER)
    make_user(app, "Alex Admin", roles=(Role.STAFF, Role.ADMINISTRATOR))
    with app.app_context():
        first, second = seeded_case("GOOD"), seeded_case("BAD")
        second.summary_enc = first.summary_enc  # a ciphertext moved to another case
        db.session.commit()
        bad_id = second.id

    class SameDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        KEY_FILE = app.config["KEY_FILE"]

    fresh = create_app(SameDatabase)

    @public
    def read_case() -> str:
        return db.session.get(Case, bad_id).summary

    fresh.add_url_rule("/__read", "read_for_test", read_case)
    fresh.extensions["outbox"] = []
    response = fresh.test_client().get("/__read")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "could not be read safely" in page
    assert "Summary" not in page
    alerts = fresh.extensions["outbox"]
    assert len(alerts) == 2
    assert all("integrity alert" in message["Subject"] for message in alerts)
    assert all("GOOD" not in message.get_content() and "BAD" not in message.get_content() for message in alerts)
    with fresh.app_context():
        assert (
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == "integrity.failure")).one().outcome
            == "failure"
        )
        db.session.remove()  # give its connection back before the pool goes
        db.engine.dispose()
