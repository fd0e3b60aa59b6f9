"""The audit trail: the only writer of audit rows.

Each event has a declared name and a declared set of detail fields; anything else is a
programming error. Rows hold ids and outcomes, never case content, names, passwords, codes or
tokens. Events are added to the caller's transaction, so they commit with the change they record.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context
from sqlalchemy import Connection, Result, select, text, update

from casetracker.clock import utcnow
from casetracker.crypto import Keyring
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import AuditEvent, AuditHead

EVENTS: dict[str, frozenset[str]] = {
    "sign_in.success": frozenset(),
    "sign_in.failure": frozenset({"reason"}),
    "sign_in.lockout": frozenset(),
    "sign_in.two_factor_failure": frozenset(),
    "sign_in.recovery_code_used": frozenset({"remaining"}),
    "sign_out": frozenset(),
    "session.expired": frozenset(),
    "reauthentication": frozenset({"outcome"}),
    "two_factor.enrolled": frozenset(),
    "two_factor.reset": frozenset(),
    "two_factor.recovery_codes_replaced": frozenset(),
    "password.reset_requested": frozenset(),
    "password.reset": frozenset(),
    "account.created": frozenset({"roles"}),
    "account.invitation_sent": frozenset(),
    "account.changed": frozenset({"fields"}),
    "account.deactivated": frozenset(),
    "account.reactivated": frozenset(),
    "account.email_changed": frozenset(),
    "person.created": frozenset(),
    "person.changed": frozenset({"fields"}),
    "staff.imported": frozenset({"created", "updated"}),
    "staff.import_rejected": frozenset({"errors"}),
    "office.change_requested": frozenset({"kind", "office", "is_acting"}),
    "office.change_confirmed": frozenset({"kind", "office", "is_acting"}),
    "office.change_confirmed_by_owner": frozenset({"kind", "office", "is_acting"}),
    "office.change_rejected": frozenset({"kind", "office"}),
    "office.change_cancelled": frozenset({"kind", "office"}),
    "office.changed_at_once": frozenset({"kind", "office", "is_acting"}),
    "office.assigned_from_command_line": frozenset({"office", "is_acting"}),
    "relationship.declared": frozenset(),
    "relationship.withdrawn": frozenset(),
    "settings.changed": frozenset({"fields"}),
    "term_date.added": frozenset(),
    "term_date.removed": frozenset(),
    "access.denied": frozenset({"endpoint"}),
    "access.probing_alerted": frozenset({"refused"}),
    "keys.rotated": frozenset(),
    "keys.retired": frozenset(),
    "backup.created": frozenset({"engine"}),
    "backup.restored": frozenset({"engine"}),
    "case.created": frozenset({"kind"}),
    "case.routed": frozenset({"office"}),
    "report.submitted": frozenset({"kind", "anonymous"}),
    "report.further_information": frozenset(),
    "report.viewed": frozenset(),
    "case.collaborator_added": frozenset(),
    "case.collaborator_removed": frozenset(),
    "case.person_implicated": frozenset(),
    "case.viewed": frozenset(),
    "case.shredded": frozenset(),
    "chronology.viewed": frozenset(),
    "chronology.entry_added": frozenset({"entry_type"}),
    "chronology.entry_corrected": frozenset({"entry_type"}),
    "case.reclassified": frozenset({"from_kind", "to_kind"}),
    "case.closed": frozenset(),
    "case.exported": frozenset(),
    "reminders.sent": frozenset({"recipients"}),
    "oversight.viewed": frozenset(),
    "retention.run": frozenset({"due"}),
    "legal_hold.set": frozenset(),
    "subject_access.case_read": frozenset(),
    "subject_access.exported": frozenset(),
    "subject_access.referred": frozenset(),
    "legal_hold.lifted": frozenset(),
    "case.destroyed": frozenset(),
    "oversight.exported": frozenset(),
    "attachment.uploaded": frozenset(),
    "attachment.downloaded": frozenset(),
    "message.added": frozenset(),
    "integrity.failure": frozenset({"error"}),
}


class UndeclaredAuditEventError(ValueError):
    """An event name or detail field that is not declared in EVENTS."""


GENESIS_HASH = "0" * 64


def record(
    action: str,
    *,
    actor_user_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    case_id: uuid.UUID | None = None,
    outcome: str = "success",
    secret: dict[str, Any] | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an event to the chain, in the caller's transaction.

    `secret` holds details that must be kept but may say something about a case (a file's
    SHA-256, say): they are encrypted under the case's data key.
    """
    declared = EVENTS.get(action)
    if declared is None:
        raise UndeclaredAuditEventError(f"undeclared audit event {action!r}")
    extra = set(details) - declared
    if extra:
        raise UndeclaredAuditEventError(f"{action}: undeclared fields {sorted(extra)}")
    if secret is not None and case_id is None:
        raise UndeclaredAuditEventError(f"{action}: secret details need the case whose key encrypts them")
    # Taking the head row's lock serialises appends (a row lock on PostgreSQL, the write lock on
    # SQLite): the chain never forks, whatever the concurrency.
    seq, prev_hash = db.session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
    ).one()
    event = AuditEvent(
        id=uuid.uuid4(),
        seq=seq,
        occurred_at=utcnow(),
        action=action,
        actor_user_id=actor_user_id,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        case_id=case_id,
        outcome=outcome,
        request_id=g.get("request_id") if has_request_context() else None,
        details=details,
        prev_hash=prev_hash,
    )
    if secret is not None:
        event.secret = secret
    event.hash = event_hash(_fields(event))
    event.mac = keyring().audit_mac(event.hash)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=event.hash))
    db.session.add(event)
    return event


def _fields(event: AuditEvent) -> tuple[Any, ...]:
    return (
        event.id,
        event.seq,
        event.occurred_at,
        event.actor_user_id,
        event.action,
        event.object_type,
        event.object_id,
        event.case_id,
        event.outcome,
        event.request_id,
        event.details,
        event.secret_enc,
        event.prev_hash,
    )


def event_hash(fields: tuple[Any, ...]) -> str:
    """SHA-256 over a canonical JSON encoding of an event's fields (in column order)."""
    (
        event_id,
        seq,
        occurred_at,
        actor,
        action,
        object_type,
        object_id,
        case_id,
        outcome,
        request_id,
        details,
        secret_enc,
        prev_hash,
    ) = fields
    if isinstance(occurred_at, str):  # raw driver rows on SQLite
        occurred_at = dt.datetime.fromisoformat(occurred_at)
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=dt.UTC)
    if isinstance(details, str):
        details = json.loads(details)
    canonical = json.dumps(
        [
            _uuid_text(event_id),
            seq,
            occurred_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            _uuid_text(actor),
            action,
            object_type,
            object_id,
            _uuid_text(case_id),
            outcome,
            request_id,
            details or {},
            base64.b64encode(bytes(secret_enc)).decode() if secret_enc is not None else None,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _uuid_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    text = str(value).replace("-", "")
    return text.lower()


@dataclass(frozen=True)
class Verification:
    events: int
    head: str
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.intact:
            return f"audit chain intact: {self.events} events, head {self.head}"
        return f"audit chain broken at event {self.first_bad_seq}: {self.problem}"


COLUMNS = (
    "id, seq, occurred_at, actor_user_id, action, object_type, object_id, case_id, "
    "outcome, request_id, details, secret_enc, prev_hash, hash, mac"
)


def _walk(result: Result[Any], ring: Keyring) -> Verification | tuple[int, str]:
    """Check each event in order; a Verification for the first bad one, else (next seq, last hash)."""
    expected_seq, prev = 1, GENESIS_HASH
    for row in result:
        fields, stored_hash, stored_mac = tuple(row[:13]), row[13], row[14]
        seq = row[1]
        if seq != expected_seq:
            missing = "missing" if seq > expected_seq else "repeated"
            return Verification(expected_seq - 1, prev, expected_seq, f"event {expected_seq} is {missing}")
        if row[12] != prev:
            return Verification(seq - 1, prev, seq, "does not link to the event before it")
        digest = event_hash(fields)
        if digest != stored_hash:
            return Verification(seq - 1, prev, seq, "its content does not match its hash")
        if not hmac.compare_digest(ring.audit_mac(digest), stored_mac or ""):
            return Verification(seq - 1, prev, seq, "its MAC is wrong (not written by this system)")
        prev, expected_seq = stored_hash, seq + 1
    return expected_seq, prev


def verify(batch: int = 5000, connection: Connection | None = None) -> Verification:
    """Recompute the whole chain: every hash, link, MAC and sequence number, and the head."""
    if connection is None:
        with db.engine.connect() as own:
            return verify(batch, own)
    ring = keyring()
    result = connection.execution_options(yield_per=batch).execute(
        text(f"SELECT {COLUMNS} FROM audit_event ORDER BY seq")  # noqa: S608 - constant column list
    )
    try:
        broken = _walk(result, ring)
    finally:
        result.close()  # a server-side cursor on PostgreSQL: close it even when stopping early
    if isinstance(broken, Verification):
        return broken
    expected_seq, prev = broken
    head = connection.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).one()
    count = expected_seq - 1
    if head.seq != count or head.hash != prev:
        return Verification(
            count, prev, count + 1 if head.seq > count else head.seq, "events after it are missing (truncated)"
        )
    return Verification(count, prev)


def head_hash() -> str:
    return str(db.session.scalar(select(AuditHead.hash).where(AuditHead.id == 1)))
