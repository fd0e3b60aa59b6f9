"""Reading the audit trail back: a case's full history for its case manager, and the administrator's
view of account and settings events — which never ties a case to a name.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select

from casetracker import audit
from casetracker.domain.policy import Actor, can_manage_case
from casetracker.extensions import db
from casetracker.models import AuditEvent, Case, User
from casetracker.services.case_access import CaseNotFoundError, relation_to

ACTION_WORDS = {
    "case.created": "Case created",
    "case.routed": "Case manager decided",
    "case.viewed": "Viewed the case",
    "case.exported": "Exported the chronology",
    "case.closed": "Closed the case",
    "case.reclassified": "Reclassified the case",
    "case.collaborator_added": "Added a collaborator",
    "case.collaborator_removed": "Removed a collaborator",
    "case.person_implicated": "Marked someone as implicated",
    "report.submitted": "Report submitted",
    "report.further_information": "Further information sent",
    "report.viewed": "Reporter viewed their report",
    "chronology.entry_added": "Added to the chronology",
    "chronology.entry_corrected": "Corrected a chronology entry",
    "attachment.uploaded": "Uploaded an attachment",
    "attachment.downloaded": "Downloaded an attachment",
    "message.added": "Sent a message to the reporter",
}
# The administrator's page: accounts, sign-in, offices and settings — nothing about cases.
ADMIN_PREFIXES = (
    "sign_in.",
    "sign_out",
    "session.",
    "reauthentication",
    "two_factor.",
    "password.",
    "account.",
    "person.",
    "staff.",
    "office.",
    "settings.",
    "term_date.",
    "keys.",
    "access.denied",
    "reminders.",
)


@dataclass(frozen=True)
class HistoryRow:
    event: AuditEvent
    who: str
    what: str


def _names(events: list[AuditEvent]) -> dict[uuid.UUID, str]:
    ids = {event.actor_user_id for event in events if event.actor_user_id}
    if not ids:
        return {}
    return {user.id: user.person.full_name for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def case_history(actor: Actor, case: Case) -> list[HistoryRow]:
    """Every audited read and change of the case, oldest first. The case manager only."""
    if not can_manage_case(actor, relation_to(actor, case)):
        raise CaseNotFoundError(str(case.id))
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)))
    names = _names(events)
    audit.record("case.viewed", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id)
    db.session.commit()
    return [
        HistoryRow(
            event=event,
            who=names.get(event.actor_user_id, "Someone whose account was removed")
            if event.actor_user_id
            else ("An anonymous reporter" if event.action.startswith("report.") else "Casetracker"),
            what=ACTION_WORDS.get(event.action, event.action),
        )
        for event in events
    ]


def account_events(limit: int = 200) -> list[HistoryRow]:
    """The latest account, sign-in, office and settings events: none that names a case."""
    events = list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id.is_(None), or_(*(AuditEvent.action.startswith(p) for p in ADMIN_PREFIXES)))
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        )
    )
    names = _names(events)
    return [
        HistoryRow(
            event=event,
            who=names.get(event.actor_user_id, "Unknown account") if event.actor_user_id else "Casetracker",
            what=event.action.replace("_", " ").replace(".", ": ").capitalize(),
        )
        for event in events
    ]


def verification() -> str:
    """What `flask --app wsgi audit verify` prints, for the administrator's page."""
    return str(audit.verify())
