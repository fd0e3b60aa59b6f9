"""The audit trail: the only writer of audit rows.

Each event has a declared name and a declared set of detail fields; anything else is a
programming error. Rows hold ids and outcomes, never case content, names, passwords, codes or
tokens. Events are added to the caller's transaction, so they commit with the change they record.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import g, has_request_context

from casetracker.extensions import db
from casetracker.models import AuditEvent

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
    "password.reset_requested": frozenset(),
    "password.reset": frozenset(),
    "account.created": frozenset({"roles"}),
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
    "office.change_rejected": frozenset({"kind", "office"}),
    "office.change_cancelled": frozenset({"kind", "office"}),
    "office.assigned_from_command_line": frozenset({"office", "is_acting"}),
    "relationship.declared": frozenset(),
    "relationship.withdrawn": frozenset(),
    "settings.changed": frozenset({"fields"}),
    "term_date.added": frozenset(),
    "term_date.removed": frozenset(),
    "access.denied": frozenset({"endpoint"}),
}


class UndeclaredAuditEventError(ValueError):
    """An event name or detail field that is not declared in EVENTS."""


def record(
    action: str,
    *,
    actor_user_id: uuid.UUID | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    outcome: str = "success",
    **details: Any,
) -> AuditEvent:
    declared = EVENTS.get(action)
    if declared is None:
        raise UndeclaredAuditEventError(f"undeclared audit event {action!r}")
    extra = set(details) - declared
    if extra:
        raise UndeclaredAuditEventError(f"{action}: undeclared fields {sorted(extra)}")
    event = AuditEvent(
        action=action,
        actor_user_id=actor_user_id,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        outcome=outcome,
        request_id=g.get("request_id") if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event
