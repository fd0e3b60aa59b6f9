"""What the case manager does to a case (this issue: collaborators, implicated people, messages).

Each function takes the actor first, checks the one policy, changes state, audits and commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, CaseRelation, can_follow_own_report, can_manage_case
from casetracker.domain.routing import needs_rerouting
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, CaseCollaborator, CasePerson, Message, Person, Report, User
from casetracker.services import case_running, case_store, routing
from casetracker.services.case_access import CaseNotFoundError, implicated_indexes, relation_to, reporter_shown
from casetracker.services.notifications import absolute_url, send_email_quietly


class CaseManagementError(ValueError):
    """A change the case manager cannot make; the message says why."""


def _require_manager(actor: Actor, case: Case) -> None:
    if not can_manage_case(actor, relation_to(actor, case)):
        # A collaborator may look but not manage; anyone else must not learn the case exists.
        raise CaseNotFoundError(str(case.id))


def collaborators(case: Case) -> list[tuple[CaseCollaborator, User]]:
    rows = db.session.execute(
        select(CaseCollaborator, User)
        .join(User, User.id == CaseCollaborator.user_id)
        .where(CaseCollaborator.case_id == case.id, CaseCollaborator.removed_at.is_(None))
        .order_by(CaseCollaborator.added_at)
    )
    return [(row[0], row[1]) for row in rows]


def add_collaborator(actor: Actor, case: Case, user_id: uuid.UUID) -> None:
    _require_manager(actor, case)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        raise CaseManagementError("Choose someone with an active account")
    from casetracker.domain.policy import can_view_case

    candidate = Actor(user.id, user.person_id, user.roles)
    relation = relation_to(candidate, case)
    if relation.is_subject or relation.is_implicated:
        raise CaseManagementError("This person cannot be added: they are the subject of the case or implicated in it")
    if relation.is_collaborator or can_view_case(candidate, relation):
        raise CaseManagementError("This person can already see the case")
    db.session.add(CaseCollaborator(case_id=case.id, user_id=user.id, added_by_id=actor.user_id))
    case_store.add_entry(
        case,
        "access",
        {"text": "A collaborator was added to the case."},
        occurred_at=utcnow(),
        author=case_running.author_of(actor),
    )
    audit.record(
        "case.collaborator_added", actor_user_id=actor.user_id, object_type="user", object_id=user.id, case_id=case.id
    )
    db.session.commit()


def remove_collaborator(actor: Actor, case: Case, collaborator_id: uuid.UUID) -> None:
    _require_manager(actor, case)
    row = db.session.get(CaseCollaborator, collaborator_id)
    if row is None or row.case_id != case.id or row.removed_at is not None:
        raise CaseManagementError("That person is not a collaborator on this case")
    row.removed_at = utcnow()
    case_store.add_entry(
        case,
        "access",
        {"text": "A collaborator was removed from the case."},
        occurred_at=utcnow(),
        author=case_running.author_of(actor),
    )
    audit.record(
        "case.collaborator_removed",
        actor_user_id=actor.user_id,
        object_type="user",
        object_id=row.user_id,
        case_id=case.id,
    )
    db.session.commit()


def implicate(actor: Actor, case: Case, person_id: uuid.UUID) -> bool:
    """Mark someone as implicated: sealed out at once; if that is the case manager, it re-routes.

    Returns True when the case moved to another office (the actor can no longer see it).
    """
    _require_manager(actor, case)
    if db.session.get(Person, person_id) is None:
        raise CaseManagementError("Choose a person from the staff directory")
    details = dict(case.details or {})
    stored = dict(details.get("routing_input") or {})
    implicated = set(stored.get("implicated", []))
    if str(person_id) in implicated or stored.get("subject") == str(person_id):
        raise CaseManagementError("This person is already the subject of the case or implicated in it")
    case_store.add_person(case, "implicated", person_id, None)
    stored["implicated"] = sorted(implicated | {str(person_id)})
    details["routing_input"] = stored
    case.details = details
    # Anyone implicated loses collaborator access at once.
    for row, user in collaborators(case):
        if user.person_id == person_id:
            row.removed_at = utcnow()
    case_store.add_entry(
        case,
        "access",
        {"text": "Someone was marked as implicated and can no longer see the case."},
        occurred_at=utcnow(),
        author=case_running.author_of(actor),
    )
    audit.record(
        "case.person_implicated", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id
    )
    decision = routing.decide(routing.routing_input_from(details)) if stored.get("kind") else None
    moved = False
    if decision is not None:
        current = Office(case.case_manager_office) if case.case_manager_office else None
        if needs_rerouting(current, decision):
            routing.record_decision(case, decision, actor_user_id=actor.user_id, first=False)
            moved = True
    db.session.commit()
    if decision is not None and moved:
        routing.tell_new_case_manager(decision)
    return moved


def send_message(actor: Actor, case: Case, text: str) -> Message:
    """A message to the reporter (named or anonymous): they read it on their own report page."""
    _require_manager(actor, case)
    if not text.strip():
        raise CaseManagementError("Enter your message")
    readers = message_readers(case)
    if readers.nobody_can_read:
        raise CaseManagementError(
            "The reporter is implicated in this case, so they cannot read messages here. Contact them another way"
        )
    message = case_store.add_message(
        case, "to_reporter", {"text": text.strip(), "sent_by_office": case.case_manager_office}
    )
    db.session.flush()
    audit.record(
        "message.added", actor_user_id=actor.user_id, object_type="message", object_id=message.id, case_id=case.id
    )
    db.session.commit()
    for email in readers.named:
        send_email_quietly(
            email, "Casetracker: you have a new message", f"Sign in to read it: {absolute_url(url_for('auth.sign_in'))}"
        )
    return message


@dataclass(frozen=True)
class MessageReaders:
    """Who can read a message to the reporter: the email addresses of named reporters who follow
    their report, and whether an anonymous reporter follows it with their receipt code."""

    named: frozenset[str]
    anonymous: bool
    following: int  # named reporters who follow their report (their account may be closed)
    implicated: int  # named reporters marked implicated: they never see a message

    @property
    def nobody_can_read(self) -> bool:
        return self.implicated > 0 and not self.following and not self.anonymous


def message_readers(case: Case) -> MessageReaders:
    """Each named reporter counted once, however many times they added information."""
    named: set[uuid.UUID] = set()
    anonymous = False
    for report in db.session.scalars(select(Report).where(Report.case_id == case.id)):
        person_id = (report.reporter or {}).get("person_id")
        if person_id:
            named.add(uuid.UUID(person_id))
        else:
            anonymous = anonymous or report.is_anonymous
    implicated_now = implicated_indexes(case) if named else set()
    ring = keyring()
    addresses: set[str] = set()
    implicated = following = 0
    for user in db.session.scalars(select(User).where(User.person_id.in_(named))) if named else ():
        if not can_follow_own_report(CaseRelation(is_implicated=ring.blind_index(user.person_id) in implicated_now)):
            implicated += 1
            continue
        following += 1
        if user.is_active:
            addresses.add(user.email)
    return MessageReaders(frozenset(addresses), anonymous, following, implicated)


@dataclass(frozen=True)
class CaseView:
    """What the case page shows, decrypted once."""

    case: Case
    reports: list[Report]
    chronology: list[Any]
    subject_name: str
    collaborators: list[tuple[CaseCollaborator, User]]
    messages: list[Message]
    can_manage: bool
    # Who made each report, by report id: shown to the case manager; a named whistleblower's
    # identity is never shown to collaborators (DOMAIN.md section 2: the discloser is protected).
    reporter_names: dict[uuid.UUID, str]
    reporter_shown: bool  # domain.policy.may_learn_reporter, asked once for the whole page
    readers: MessageReaders | None  # who reads a message to the reporter (for the case manager)
    subject: Person | None
    subject_description: dict[str, Any]
    running: Any  # case_running.RunningView


def open_case(actor: Actor, case_id: uuid.UUID) -> CaseView:
    """The case page's data. The view is audited and committed before anything is shown."""
    from casetracker.services.case_access import case_and_relation

    case, relation = case_and_relation(actor, case_id)
    case_store.record_case_view(actor.user_id, case)
    reports = list(db.session.scalars(select(Report).where(Report.case_id == case.id).order_by(Report.submitted_at)))
    subject_name = ""
    subject: Person | None = None
    subject_link = db.session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.role == "subject")
    ).first()
    if subject_link is not None:
        if subject_link.person_ref:
            subject = db.session.get(Person, uuid.UUID(subject_link.person_ref))
            subject_name = subject.full_name if subject else ""
        if not subject_name and subject_link.description:
            subject_name = str(subject_link.description.get("name", ""))
    messages = list(db.session.scalars(select(Message).where(Message.case_id == case.id).order_by(Message.sent_at)))
    can_manage = can_manage_case(actor, relation)
    shown = reporter_shown(actor, case, relation)
    reporter_names = {}
    for report in reports:
        person_id = (report.reporter or {}).get("person_id")
        if person_id and shown:
            person = db.session.get(Person, uuid.UUID(person_id))
            reporter_names[report.id] = person.full_name if person else ""
    entries = case_store.chronology(case)
    return CaseView(
        case=case,
        reports=reports,
        chronology=entries,
        subject_name=subject_name,
        collaborators=collaborators(case),
        messages=messages,
        can_manage=can_manage,
        reporter_names=reporter_names,
        reporter_shown=shown,
        readers=message_readers(case) if can_manage else None,
        subject=subject,
        subject_description=dict(subject_link.description or {}) if subject_link else {},
        running=case_running.running_view(actor, case, entries),
    )
