"""A stolen database file, its WAL, a pg_dump or the logs reveal nothing of what cases say."""

from __future__ import annotations

import glob
import logging
import subprocess
import uuid
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.services import attachments, case_store, people

MARKERS = {
    name: f"QZV{name.upper()}{uuid.uuid4().hex[:6]}"
    for name in (
        "summary",
        "narrative",
        "child",
        "place",
        "witness",
        "subject_free_text",
        "reporter_name",
        "reporter_email",
        "lado",
        "entry",
        "author",
        "message",
        "attachment_name",
        "attachment_bytes",
    )
}


def seed_marked_cases(app: Flask) -> None:
    with app.app_context():
        subject = people.add_person(None, people.PersonDetails("Robin Example", None, "Teacher"), commit=False)
        db.session.flush()
        for number in range(3):
            case = case_store.create_case(
                None,
                case_store.NewCase(
                    kind="allegation",
                    summary=MARKERS["summary"],
                    answers={
                        "what_happened": MARKERS["narrative"],
                        "children": [MARKERS["child"]],
                        "where": MARKERS["place"],
                        "witnesses": MARKERS["witness"],
                    },
                    case_manager_office="headteacher",
                    subject_person_id=subject.id,
                    subject_description={"name": MARKERS["subject_free_text"]},
                    reporter={"name": MARKERS["reporter_name"], "email": MARKERS["reporter_email"]},
                    reporter_person_id=uuid.uuid4(),
                    details={"lado": MARKERS["lado"]},
                ),
            )
            entry = case_store.add_entry(
                case,
                "note",
                {"text": MARKERS["entry"]},
                occurred_at=utcnow(),
                author={"name": MARKERS["author"]},
            )
            case_store.add_message(case, "to_reporter", {"text": MARKERS["message"]})
            attachments.store(
                uuid.uuid4(),
                case,
                entry,
                f"{MARKERS['attachment_name']}.txt",
                f"evidence {MARKERS['attachment_bytes']} {number}".encode(),
            )
            db.session.commit()


def assert_no_markers(blob: bytes, where: str) -> None:
    found = [name for name, marker in MARKERS.items() if marker.encode() in blob or marker.encode("utf-16-le") in blob]
    assert found == [], f"{where} contains {found}"


def test_raw_storage_and_logs_hold_no_case_content(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seed_marked_cases(app)
    with app.app_context():
        # Prove the markers really are stored (encrypted), then look at the raw bytes.
        case = db.session.execute(text("SELECT id FROM case_record")).first()
        assert case is not None
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal"):
            file = Path(f"{path}{suffix}")
            assert file.exists(), file
            assert_no_markers(file.read_bytes(), file.name)
    else:
        pg_dump = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
        dump = subprocess.run(
            [pg_dump, "--dbname", url.replace("postgresql+psycopg://", "postgresql://"), "--data-only"],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        assert b"case_record" in dump or len(dump) > 1000
        assert_no_markers(dump, "pg_dump")
    for file in Path(app.config["ATTACHMENT_DIR"]).iterdir():
        assert_no_markers(file.read_bytes(), f"attachment file {file.name}")
    assert_no_markers(caplog.text.encode(), "the application log")


def test_the_markers_come_back_for_the_case_store(app: Flask) -> None:
    seed_marked_cases(app)
    with app.app_context():
        from sqlalchemy import select

        from casetracker.models import Attachment, Case

        case = db.session.scalars(select(Case)).first()
        assert case.summary == MARKERS["summary"]
        attachment = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).one()
        stored = attachments.read(uuid.uuid4(), attachment)
        assert MARKERS["attachment_bytes"].encode() in stored.data
        assert stored.filename.startswith(MARKERS["attachment_name"])
