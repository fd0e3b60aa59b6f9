"""Storing and reading case records. Every write goes through here; encryption happens in the models.

Later journeys (reporting, case management) call these functions after checking the policy.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from casetracker import audit, crypto
from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.keystore import create_data_key, forget_data_key, keyring
from casetracker.models import Case, CaseKey, CasePerson, ChronologyEntry, Message, Report

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: easy to read aloud


class CaseStoreError(ValueError):
    """A change to a case that cannot be made; the message says why."""


class LegalHoldError(CaseStoreError):
    """The case is under legal hold: nothing of it may be destroyed."""


def new_reference() -> str:
    """A case reference like CT-7KQ2-M9XD: random, so it reveals nothing about how many cases exist."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"CT-{chars[:4]}-{chars[4:]}"


@dataclass(frozen=True)
class NewCase:
    kind: str
    summary: str
    answers: dict[str, Any]
    case_manager_office: str | None = None
    subject_person_id: uuid.UUID | None = None
    subject_description: dict[str, Any] | None = None
    reporter: dict[str, Any] | None = None
    reporter_person_id: uuid.UUID | None = None
    is_anonymous: bool = False
    implicated_person_ids: tuple[uuid.UUID, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    received_at: dt.datetime | None = None


def create_case(actor_user_id: uuid.UUID | None, new: NewCase) -> Case:
    """A case with its own data key, its subject and first report, and a 'report received' entry.

    Adds to the caller's transaction; the caller commits.
    """
    ring = keyring()
    now = new.received_at or utcnow()
    case = Case(
        id=uuid.uuid4(),
        reference=new_reference(),
        kind=new.kind,
        status="received",
        case_manager_office=new.case_manager_office,
        opened_at=now,
        subject_index=ring.blind_index(new.subject_person_id) if new.subject_person_id else None,
    )
    db.session.add(case)
    db.session.flush()  # the case row first: its data key refers to it
    create_data_key(case.id)
    case.summary = new.summary
    case.details = new.details
    db.session.flush()
    if new.subject_person_id or new.subject_description:
        add_person(case, "subject", new.subject_person_id, new.subject_description)
    for person_id in new.implicated_person_ids:
        add_person(case, "implicated", person_id, None)
    report = Report(
        case_id=case.id,
        submitted_at=now,
        is_anonymous=new.is_anonymous,
        reporter_index=ring.blind_index(new.reporter_person_id) if new.reporter_person_id else None,
    )
    report.reporter = new.reporter
    report.answers = new.answers
    db.session.add(report)
    db.session.flush()
    add_entry(case, "report_received", {"text": "Report received."}, occurred_at=now, author=None)
    audit.record(
        "case.created",
        actor_user_id=actor_user_id,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        kind=new.kind,
    )
    return case


def add_person(case: Case, role: str, person_id: uuid.UUID | None, description: dict[str, Any] | None) -> CasePerson:
    link = CasePerson(
        case_id=case.id,
        role=role,
        person_index=keyring().blind_index(person_id) if person_id else None,
    )
    link.person_ref = str(person_id) if person_id else None
    link.description = description
    db.session.add(link)
    return link


def add_entry(
    case: Case,
    entry_type: str,
    content: dict[str, Any],
    *,
    occurred_at: dt.datetime,
    author: dict[str, Any] | None,
    supersedes: ChronologyEntry | None = None,
) -> ChronologyEntry:
    """Append a chronology entry. Entries are never changed: a correction supersedes an entry."""
    if supersedes is not None and supersedes.case_id != case.id:
        raise CaseStoreError("A correction must belong to the same case")
    # Touching the case row locks it (a row lock on PostgreSQL, the write lock on SQLite), so two
    # writers cannot take the same sequence number.
    db.session.execute(update(Case).where(Case.id == case.id).values(updated_at=utcnow()))
    seq = (db.session.scalar(select(func.max(ChronologyEntry.seq)).where(ChronologyEntry.case_id == case.id)) or 0) + 1
    entry = ChronologyEntry(
        case_id=case.id,
        seq=seq,
        occurred_at=occurred_at,
        recorded_at=utcnow(),
        supersedes_id=supersedes.id if supersedes else None,
    )
    entry.body = {"type": entry_type, "author": author, **content}
    db.session.add(entry)
    db.session.flush()
    return entry


def add_message(case: Case, direction: str, body: dict[str, Any]) -> Message:
    message = Message(case_id=case.id, direction=direction)
    message.body = body
    db.session.add(message)
    return message


def chronology(case: Case) -> list[ChronologyEntry]:
    return list(
        db.session.scalars(
            select(ChronologyEntry).where(ChronologyEntry.case_id == case.id).order_by(ChronologyEntry.seq)
        )
    )


def record_case_view(actor_user_id: uuid.UUID, case: Case, action: str = "case.viewed") -> None:
    """Audit a read before anything is shown, and commit: if the audit fails, nothing is shown."""
    audit.record(action, actor_user_id=actor_user_id, object_type="case", object_id=case.id, case_id=case.id)
    db.session.commit()


def shred_case(actor_user_id: uuid.UUID | None, case: Case) -> None:
    """Destroy the case's data key: every field, message and attachment of it is unreadable for good."""
    if case.legal_hold:
        raise LegalHoldError("This case is under legal hold: it cannot be destroyed")
    key = db.session.scalars(select(CaseKey).where(CaseKey.case_id == case.id)).one()
    key.wrapped = None
    key.kek_id = None
    key.destroyed_at = utcnow()
    case.destroyed_at = key.destroyed_at
    case.status = "destroyed"
    forget_data_key(case.id)
    audit.record("case.shredded", actor_user_id=actor_user_id, object_type="case", object_id=case.id, case_id=case.id)
    db.session.commit()


def is_readable(case: Case) -> bool:
    try:
        _ = case.summary
    except crypto.DestroyedError:
        return False
    return True
