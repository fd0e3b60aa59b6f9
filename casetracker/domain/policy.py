"""Who may do what: predicates only. Enforcement happens at the edge (security.access)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from casetracker.domain.people import SAFEGUARDING_OFFICES, Office, Role


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the rules see them."""

    user_id: uuid.UUID
    person_id: uuid.UUID
    roles: frozenset[Role] = field(default_factory=frozenset)
    offices: frozenset[Office] = field(default_factory=frozenset)
    collaborates: bool = False  # a collaborator on a case that still exists

    @property
    def holds_safeguarding_office(self) -> bool:
        return bool(self.offices & SAFEGUARDING_OFFICES)

    @property
    def needs_two_factor(self) -> bool:
        """Two-factor is mandatory for office-holders, administrators and everyone who can see a
        case, collaborators included (a password alone must never open criminal-offence data)."""
        return bool(self.offices) or Role.ADMINISTRATOR in self.roles or self.collaborates


def is_administrator(actor: Actor) -> bool:
    return Role.ADMINISTRATOR in actor.roles


def is_office_holder(actor: Actor) -> bool:
    return bool(actor.offices)


def is_governor(actor: Actor) -> bool:
    """The governing board: governors, and the chair and vice-chair (who sees only anonymised
    figures unless a case is routed to them)."""
    return Role.GOVERNOR in actor.roles or bool(actor.offices & {Office.CHAIR, Office.VICE_CHAIR})


def is_data_protection_officer(actor: Actor) -> bool:
    """Subject access requests and legal holds: the data-protection officer's own tasks."""
    return Office.DATA_PROTECTION_OFFICER in actor.offices


def is_signed_in(actor: Actor) -> bool:
    return True


@dataclass(frozen=True)
class TwoPersonRequest:
    """A change that one person asks for and a second office-holder must confirm."""

    requested_by_user_id: uuid.UUID
    target_person_id: uuid.UUID


def can_confirm(actor: Actor, request: TwoPersonRequest) -> bool:
    """A current safeguarding office-holder other than the requester, and not the person changed.

    Every change the administrator asks for waits for such a person (services.offices
    .request_change; security review of December 2026, findings 1 and 7)."""
    return (
        actor.holds_safeguarding_office
        and actor.user_id != request.requested_by_user_id
        and actor.person_id != request.target_person_id
    )


@dataclass(frozen=True)
class CaseRelation:
    """How the actor stands to one case (worked out by the service from blind indexes and offices)."""

    is_case_manager: bool = False
    is_collaborator: bool = False
    is_subject: bool = False
    is_implicated: bool = False


def can_manage_case(actor: Actor, relation: CaseRelation) -> bool:
    """Only the case manager runs the case (adds collaborators, marks people implicated, writes
    to the reporter); collaborators may look."""
    return relation.is_case_manager and can_view_case(actor, relation)


def can_export_case(actor: Actor, relation: CaseRelation) -> bool:
    """The chronology leaves the system only at the case manager's hand (and is audited)."""
    return can_manage_case(actor, relation)


def may_learn_reporter(actor: Actor, relation: CaseRelation, *, raised_as: str, redacted_copy: bool = False) -> bool:
    """Whether this viewer may learn who made a named report (DOMAIN.md section 2: a discloser is
    protected). The case manager may; a collaborator may unless the concern was raised as
    whistleblowing; a redacted copy never names them. Every place that could name the reporter
    asks this: the "Reported by" row, an entry's "Recorded ... by", a message's sender."""
    if redacted_copy or not can_view_case(actor, relation):
        return False
    return relation.is_case_manager or raised_as != "whistleblowing"


def can_follow_own_report(relation: CaseRelation) -> bool:
    """A reporter follows their report (status, messages, adding information) unless they have been
    marked implicated: anyone implicated never sees a case, whatever else they are (DOMAIN.md
    section 4). They keep only the fact that their report was received. A self-referrer is the
    subject of their own report and keeps their view of it."""
    return not relation.is_implicated


def can_view_case(actor: Actor, relation: CaseRelation) -> bool:
    """DOMAIN.md section 4: the case manager and collaborators see a case; the subject and anyone
    implicated never do, whatever else they are. Nobody else does: not the administrator, not
    governors, not the data-protection officer outside their own tasks."""
    if relation.is_subject or relation.is_implicated:
        return False
    return relation.is_case_manager or relation.is_collaborator


# Subject access --------------------------------------------------------------------------------

# Who produces a pack that reads a case: a second office-holder outside the officer's line, in the
# order allegations go (the headteacher, then the chair of governors, and so on), if not named in it.
SUBJECT_ACCESS_SECOND_PERSON = frozenset(
    {Office.HEADTEACHER, Office.CHAIR, Office.VICE_CHAIR, Office.ESCALATION_CONTACT}
)


@dataclass(frozen=True)
class PackReading:
    """How the person who would produce a subject-access pack stands to one case the pack reads."""

    relation: CaseRelation
    reported_it: bool = False
    kept_from: bool = False  # routing keeps them from it (conflicted, or the case was routed past them)


def is_named_in(readings: Iterable[PackReading]) -> bool:
    """The subject of, implicated in, the reporter of, or kept by routing from any case it reads."""
    return any(r.relation.is_subject or r.relation.is_implicated or r.reported_it or r.kept_from for r in readings)


def can_produce_subject_access(actor: Actor, readings: Iterable[PackReading], *, referred: bool = False) -> bool:
    """A pack reads whole cases, so it is never produced by anyone named in them (finding 5 of the
    December 2026 security review: the officer could read the allegation about themself).

    The data-protection officer produces a pack that reads no case. A pack that reads a case is
    referred to a second office-holder, whoever is named in it: if only the packs the officer is
    named in were referred, being referred would tell them that a case about them exists."""
    readings = list(readings)
    if is_named_in(readings):
        return False
    if referred:
        return may_produce_referred_packs(actor)
    return is_data_protection_officer(actor) and not readings


def may_produce_referred_packs(actor: Actor) -> bool:
    """Route predicate: the office-holders a subject access request can be referred to."""
    return bool(actor.offices & SUBJECT_ACCESS_SECOND_PERSON)
