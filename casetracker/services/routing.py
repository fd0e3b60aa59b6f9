"""Routing in the database's terms: who holds each office now, who declared what, and where a case goes.

The rule itself is pure (`domain/routing.py`); this module gathers its inputs and records the
decision (the case manager's office, the reason in words on the chronology, follow-up actions).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import LowLevelConcernRoute, Office, Role, StaffType
from casetracker.domain.reports import ReportKind
from casetracker.domain.routing import (
    FollowUp,
    RoutingDecision,
    RoutingInput,
    SchoolOffices,
    SkipReason,
    needs_rerouting,
    route,
    why_not_free,
)
from casetracker.extensions import db
from casetracker.models import Case, OfficeHolding, RoleGrant, User
from casetracker.services import case_store
from casetracker.services.declarations import declared_relationships
from casetracker.services.notifications import absolute_url, send_email_quietly
from casetracker.services.school import require_school

OPEN_STATUSES = ("received", "open", "awaiting_lado")


def effective_holders() -> dict[Office, uuid.UUID]:
    """Each single office's effective holder: the acting holder when there is one."""
    holders: dict[Office, uuid.UUID] = {}
    rows = db.session.scalars(
        select(OfficeHolding).where(OfficeHolding.ended_at.is_(None)).order_by(OfficeHolding.is_acting)
    )
    for holding in rows:
        office = Office(holding.office)
        if office.is_single:
            holders[office] = holding.person_id  # acting rows come last and win
    return holders


def substantive_holders() -> dict[Office, uuid.UUID]:
    """Each single office's substantive holder, whether or not someone is acting for them."""
    rows = db.session.scalars(
        select(OfficeHolding).where(OfficeHolding.ended_at.is_(None), OfficeHolding.is_acting.is_(False))
    )
    return {Office(holding.office): holding.person_id for holding in rows if Office(holding.office).is_single}


def school_offices() -> SchoolOffices:
    school = require_school()
    return SchoolOffices(
        school_type=school.type,
        low_level_concern_route=LowLevelConcernRoute(school.low_level_concern_route),
        holders=effective_holders(),
        substantive=substantive_holders(),
    )


def decide(report: RoutingInput) -> RoutingDecision:
    return route(report, school_offices(), declared_relationships())


def has_routing_input(details: dict[str, Any]) -> bool:
    """Cases made before routing was recorded (or by tools) may hold none, or only who is implicated."""
    return bool((details.get("routing_input") or {}).get("kind"))


def routing_input_from(details: dict[str, Any]) -> RoutingInput:
    """Rebuild the routing input kept (encrypted) in a case's details."""
    stored = details["routing_input"]
    return RoutingInput(
        kind=ReportKind(stored["kind"]),
        subject_person_id=uuid.UUID(stored["subject"]) if stored.get("subject") else None,
        reporter_person_id=uuid.UUID(stored["reporter"]) if stored.get("reporter") else None,
        implicated_person_ids=frozenset(uuid.UUID(p) for p in stored.get("implicated", [])),
        subject_staff_type=StaffType(stored["staff_type"]) if stored.get("staff_type") else None,
        subject_has_left=bool(stored.get("has_left")),
        is_non_recent=bool(stored.get("non_recent")),
        is_potential_allegation=bool(stored.get("potential_allegation")),
    )


def routing_input_record(report: RoutingInput) -> dict[str, Any]:
    return {
        "kind": report.kind.value,
        "subject": str(report.subject_person_id) if report.subject_person_id else None,
        "reporter": str(report.reporter_person_id) if report.reporter_person_id else None,
        "implicated": sorted(str(p) for p in report.implicated_person_ids),
        "staff_type": report.subject_staff_type.value if report.subject_staff_type else None,
        "has_left": report.subject_has_left,
        "non_recent": report.is_non_recent,
        "potential_allegation": report.is_potential_allegation,
    }


def record_decision(case: Case, decision: RoutingDecision, *, actor_user_id: uuid.UUID | None, first: bool) -> None:
    """Set the case manager's office and put the decision, in words, on the chronology."""
    case.case_manager_office = decision.office.value if decision.office else None
    details = dict(case.details or {})
    details["routing"] = {
        "office": decision.office.value if decision.office else None,
        "reason": decision.reason,
        "refer_directly_to_lado": decision.refer_directly_to_lado,
        "actions": [action.value for action in decision.actions],
        "guidance": list(decision.guidance),
    }
    case.details = details
    case_store.add_entry(
        case,
        "routing" if first else "rerouting",
        {"text": decision.reason, "guidance": list(decision.guidance)},
        occurred_at=utcnow(),
        author=None,
    )
    for action in decision.actions:
        if action is FollowUp.INFORM_EMPLOYER:
            case_store.add_entry(
                case,
                "action",
                {
                    "text": action.guidance,
                    "fields": {"action": action.label, "owner": "", "due_on": None, "follow_up": action.value},
                },
                occurred_at=utcnow(),
                author=None,
            )
    audit.record(
        "case.routed",
        actor_user_id=actor_user_id,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        office=case.case_manager_office,
    )


def alert_if_no_case_manager(decision: RoutingDecision) -> None:
    """The administrator is told (without content) when no office-holder is free."""
    if FollowUp.ALERT_ADMINISTRATOR not in decision.actions:
        return
    admins = db.session.scalars(
        select(User.email).join(RoleGrant).where(RoleGrant.role == Role.ADMINISTRATOR.value, User.is_active.is_(True))
    )
    for email in set(admins):
        send_email_quietly(
            email,
            "Casetracker: a case has no free case manager",
            "A case has been received for which no office-holder is free to act as case manager. "
            "It must be referred directly to the LADO. Check that every safeguarding office is filled.\n\n"
            f"Sign in: {absolute_url(url_for('auth.sign_in'))}",
        )


def tell_new_case_manager(decision: RoutingDecision) -> None:
    """After a case moved office (and the move is committed): its new manager is told, without content."""
    alert_if_no_case_manager(decision)
    for email in case_manager_addresses(decision.office):
        send_email_quietly(
            email, "Casetracker: something needs your attention", f"Sign in: {absolute_url(url_for('auth.sign_in'))}"
        )


def tell_case_managers_of(moved: list[RoutingDecision]) -> None:
    """After cases moved (and the moves are committed): each new case manager is told once, without content."""
    for office in {decision.office for decision in moved if decision.office is not None}:
        for email in case_manager_addresses(office):
            link = absolute_url(url_for("auth.sign_in"))
            send_email_quietly(email, "Casetracker: something needs your attention", f"Sign in: {link}")


def reroute_open_cases(actor_user_id: uuid.UUID | None) -> list[RoutingDecision]:
    """Re-run routing on every open case (an office changed hands, someone declared a close
    relationship, or someone was implicated). Caller commits, then tells the new case managers.

    Cases where the holder is now the subject, implicated, conflicted or acting for someone involved
    move down the chain at once. Returns the decisions that moved a case.
    """
    moved: list[RoutingDecision] = []
    for case in db.session.scalars(select(Case).where(Case.status.in_(OPEN_STATUSES), Case.destroyed_at.is_(None))):
        details = case.details or {}
        if not has_routing_input(details):
            continue
        decision = decide(routing_input_from(details))
        current = Office(case.case_manager_office) if case.case_manager_office else None
        if needs_rerouting(current, decision):
            record_decision(case, decision, actor_user_id=actor_user_id, first=False)
            alert_if_no_case_manager(decision)
            moved.append(decision)
    return moved


def routed_past(case: Case) -> frozenset[uuid.UUID]:
    """The people this case was routed past (holders of the offices skipped for any reason but a
    vacancy, acting and substantive), as its routing stands now."""
    details = case.details or {}
    if not has_routing_input(details):
        return frozenset()
    offices = school_offices()
    return _passed_over(route(routing_input_from(details), offices, declared_relationships()), offices)


def _passed_over(decision: RoutingDecision, offices: SchoolOffices) -> frozenset[uuid.UUID]:
    return frozenset(
        person
        for passed in decision.skipped
        if passed.why is not SkipReason.NO_HOLDER
        for person in offices.people_in(passed.office)
    )


def case_manager_addresses(office: Office | None) -> set[str]:
    """Email addresses of whoever holds the office now (the acting holder when there is one)."""
    if office is None:
        return set()
    holder = effective_holders().get(office)
    if holder is None:
        return set()
    user = db.session.scalars(select(User).where(User.person_id == holder, User.is_active.is_(True))).first()
    return {user.email} if user else set()


def kept_from(person_id: uuid.UUID, case: Case) -> bool:
    """Whether routing keeps this person from the case: the subject, implicated, conflicted by a
    declared relationship, or the holder (acting or substantive) of an office it was routed past."""
    details = case.details or {}
    if not has_routing_input(details):
        return False
    report = routing_input_from(details)
    offices, relationships = school_offices(), declared_relationships()
    if why_not_free(person_id, report, relationships) is not None:
        return True
    return person_id in _passed_over(route(report, offices, relationships), offices)
