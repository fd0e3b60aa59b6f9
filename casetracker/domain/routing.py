"""Who manages a report, and why, in words the chronology can quote (DOMAIN.md section 3).

Each kind of report has an ordered chain of offices; the case manager is the first office in the
chain whose current holder is not the subject, not implicated and not conflicted (a declared close
relationship with the subject or with someone implicated). Under the "DSL" low-level concern policy
the DSL is also passed over when the headteacher is the subject or implicated: KCSIE sends a concern
about the head to the chair, not to staff the head manages (R3, R4). If no office in the chain is free, the
case is referred directly to the LADO and the escalation contact holds it when they are only
conflicted, not the subject or implicated. An office covered by an acting holder is passed over when
its substantive holder may not manage the report (subject, implicated or conflicted): nobody runs
the case about the person they are covering for, and the substantive holder, who keeps the office
while covered, never sees it. Callers re-run `route` whenever an office changes hands, someone declares a close
relationship or someone is added as implicated.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from casetracker.domain.people import LowLevelConcernRoute, Office, SchoolType, StaffType
from casetracker.domain.reports import ReportKind

# (office-holder's person id, related person id): the register of interests as office-holders declare it.
Relationships = frozenset[tuple[uuid.UUID, uuid.UUID]]

ALLEGATION_CHAIN: tuple[Office, ...] = (Office.HEADTEACHER, Office.CHAIR, Office.VICE_CHAIR, Office.ESCALATION_CONTACT)
LOW_LEVEL_CHAINS: Mapping[LowLevelConcernRoute, tuple[Office, ...]] = {
    LowLevelConcernRoute.DSL: (Office.DSL, *ALLEGATION_CHAIN),
    LowLevelConcernRoute.HEADTEACHER: ALLEGATION_CHAIN,
}


class SelfReferralError(ValueError):
    """A self-referral named a subject other than the person referring themself."""


@dataclass(frozen=True)
class RoutingInput:
    """What routing needs to know about a report. Implicated people include any office-holder the
    reporter named by office (e.g. "the headteacher"), resolved to a person id by the caller."""

    kind: ReportKind
    subject_person_id: uuid.UUID | None = None
    reporter_person_id: uuid.UUID | None = None
    implicated_person_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    subject_staff_type: StaffType | None = None
    subject_has_left: bool = False
    is_non_recent: bool = False
    # Triage found a yes or not sure: the allegation chain and guidance apply whatever the kind.
    is_potential_allegation: bool = False

    def __post_init__(self) -> None:
        if (
            self.kind is ReportKind.SELF_REFERRAL
            and self.subject_person_id is not None
            and self.reporter_person_id is not None
            and self.subject_person_id != self.reporter_person_id
        ):
            raise SelfReferralError("A self-referral's subject is the person referring themself")

    @property
    def subject(self) -> uuid.UUID | None:
        """Who the report is about: for a self-referral, the reporter."""
        if self.kind is ReportKind.SELF_REFERRAL and self.reporter_person_id is not None:
            return self.reporter_person_id
        return self.subject_person_id

    @property
    def is_allegation(self) -> bool:
        return self.kind is ReportKind.ALLEGATION or self.is_potential_allegation


@dataclass(frozen=True)
class SchoolOffices:
    """The school's settings routing reads. `holders` maps each single office to its effective
    holder: the acting holder when there is one, else the substantive holder; absent if unfilled."""

    school_type: SchoolType
    low_level_concern_route: LowLevelConcernRoute
    holders: Mapping[Office, uuid.UUID] = field(default_factory=dict)
    # Each single office's substantive holder, whether or not someone is acting for them: a case
    # about them must not reach the person covering for them.
    substantive: Mapping[Office, uuid.UUID] = field(default_factory=dict)

    def people_in(self, office: Office) -> frozenset[uuid.UUID]:
        """Whoever holds the office now: its acting holder and the substantive holder they cover for."""
        return frozenset(p for p in (self.holders.get(office), self.substantive.get(office)) if p is not None)

    def the(self, office: Office) -> str:
        """The office in a sentence, as this school's type calls it: "the proprietor"."""
        label = office.label(self.school_type)
        return f"the {label[0].lower()}{label[1:]}"


class SkipReason(StrEnum):
    NO_HOLDER = "no_holder"
    SUBJECT = "subject"
    IMPLICATED = "implicated"
    CONFLICTED_WITH_SUBJECT = "conflicted_with_subject"
    CONFLICTED_WITH_IMPLICATED = "conflicted_with_implicated"
    # An acting holder never manages a case about, or implicating, the holder they cover for.
    COVERING_FOR_SUBJECT = "covering_for_subject"
    COVERING_FOR_IMPLICATED = "covering_for_implicated"
    COVERING_FOR_CONFLICTED = "covering_for_conflicted"
    # KCSIE: a concern about the headteacher goes to the chair, never to staff the head manages.
    HEADTEACHER_INVOLVED = "headteacher_involved"

    @property
    def label(self) -> str:
        return {
            SkipReason.NO_HOLDER: "No one holds the office",
            SkipReason.SUBJECT: "The holder is the subject",
            SkipReason.IMPLICATED: "The holder is implicated",
            SkipReason.CONFLICTED_WITH_SUBJECT: "The holder has declared a close relationship with the subject",
            SkipReason.CONFLICTED_WITH_IMPLICATED: (
                "The holder has declared a close relationship with someone implicated"
            ),
            SkipReason.COVERING_FOR_SUBJECT: "The holder is acting for the subject",
            SkipReason.COVERING_FOR_IMPLICATED: "The holder is acting for someone implicated",
            SkipReason.COVERING_FOR_CONFLICTED: "The holder is acting for someone with a declared close relationship",
            SkipReason.HEADTEACHER_INVOLVED: "The headteacher is the subject or implicated",
        }[self]

    @property
    def is_sealed_out(self) -> bool:
        """The subject and anyone implicated may never hold the case, even as a last resort, and
        nor may whoever is acting for them."""
        return self in {
            SkipReason.SUBJECT,
            SkipReason.IMPLICATED,
            SkipReason.COVERING_FOR_SUBJECT,
            SkipReason.COVERING_FOR_IMPLICATED,
        }


class PassedOver(NamedTuple):
    office: Office
    why: SkipReason


class FollowUp(StrEnum):
    """Something the case manager (or the system) must do because of how the case was routed."""

    INFORM_EMPLOYER = "inform_employer"
    ALERT_ADMINISTRATOR = "alert_administrator"

    @property
    def label(self) -> str:
        return {
            FollowUp.INFORM_EMPLOYER: "Inform their employer or agency",
            FollowUp.ALERT_ADMINISTRATOR: "Alert the system administrator",
        }[self]

    @property
    def guidance(self) -> str:
        return {
            FollowUp.INFORM_EMPLOYER: (
                "Tell the employer or agency that supplies this person about the concern. Never stop using them "
                "without first establishing the facts and consulting the LADO."
            ),
            FollowUp.ALERT_ADMINISTRATOR: (
                "Tell the system administrator, without any details of the case, that a case has no free case manager."
            ),
        }[self]


@dataclass(frozen=True)
class RoutingDecision:
    office: Office | None
    refer_directly_to_lado: bool
    reason: str
    chain: tuple[Office, ...]
    skipped: tuple[PassedOver, ...] = ()
    actions: tuple[FollowUp, ...] = ()
    guidance: tuple[str, ...] = ()


def chain_for(report: RoutingInput, route_setting: LowLevelConcernRoute) -> tuple[Office, ...]:
    """The ordered offices that may manage this report."""
    if report.kind.is_low_level and not report.is_potential_allegation:
        return LOW_LEVEL_CHAINS[route_setting]
    return ALLEGATION_CHAIN


def why_not_free(person_id: uuid.UUID, report: RoutingInput, relationships: Relationships) -> SkipReason | None:
    """Why this person may not manage the report, or None when they may."""
    subject = report.subject
    if person_id == subject:
        return SkipReason.SUBJECT
    if person_id in report.implicated_person_ids:
        return SkipReason.IMPLICATED
    if subject is not None and (person_id, subject) in relationships:
        return SkipReason.CONFLICTED_WITH_SUBJECT
    if any((person_id, implicated) in relationships for implicated in report.implicated_person_ids):
        return SkipReason.CONFLICTED_WITH_IMPLICATED
    return None


def route(report: RoutingInput, offices: SchoolOffices, relationships: Relationships = frozenset()) -> RoutingDecision:
    """The case manager's office for this report, the offices passed over, and why."""
    chain = chain_for(report, offices.low_level_concern_route)
    skipped: list[PassedOver] = []
    chosen: Office | None = None
    for office in chain:
        holder = offices.holders.get(office)
        why = SkipReason.NO_HOLDER if holder is None else why_not_free(holder, report, relationships)
        if why is None:
            why = _covering_for_someone_involved(office, report, offices, relationships)
        if why is None and office is Office.DSL and _headteacher_is_sealed_out(report, offices):
            why = SkipReason.HEADTEACHER_INVOLVED
        if why is None:
            chosen = office
            break
        skipped.append(PassedOver(office, why))

    refer_directly = chosen is None
    actions: list[FollowUp] = []
    if report.subject_staff_type is not None and report.subject_staff_type.has_external_employer:
        actions.append(FollowUp.INFORM_EMPLOYER)
    if refer_directly:
        chosen = _last_resort(skipped)
        actions.append(FollowUp.ALERT_ADMINISTRATOR)

    return RoutingDecision(
        office=chosen,
        refer_directly_to_lado=refer_directly,
        reason=_reason(report, offices, chain, tuple(skipped), chosen, refer_directly),
        chain=chain,
        skipped=tuple(skipped),
        actions=tuple(actions),
        guidance=_guidance(report),
    )


def needs_rerouting(current_office: Office | None, decision: RoutingDecision) -> bool:
    """Whether a case held by `current_office` must move after routing is re-run."""
    return current_office != decision.office


def _covering_for_someone_involved(
    office: Office, report: RoutingInput, offices: SchoolOffices, relationships: Relationships
) -> SkipReason | None:
    """An office whose substantive holder may not manage the report is passed over even while
    someone acts for them: a deputy covering for their head must not run the case about that
    head, and the substantive holder keeps the office (and so would see its cases) while covered."""
    substantive = offices.substantive.get(office)
    if substantive is None or substantive == offices.holders.get(office):
        return None
    why = why_not_free(substantive, report, relationships)
    if why is SkipReason.SUBJECT:
        return SkipReason.COVERING_FOR_SUBJECT
    if why is SkipReason.IMPLICATED:
        return SkipReason.COVERING_FOR_IMPLICATED
    return None if why is None else SkipReason.COVERING_FOR_CONFLICTED


def _headteacher_is_sealed_out(report: RoutingInput, offices: SchoolOffices) -> bool:
    """The headteacher, acting or substantive, is the subject or implicated."""
    return bool(offices.people_in(Office.HEADTEACHER) & {report.subject, *report.implicated_person_ids})


def _last_resort(skipped: Iterable[PassedOver]) -> Office | None:
    """When nobody is free: the escalation contact, if set and merely conflicted."""
    for passed in skipped:
        if passed.office is Office.ESCALATION_CONTACT:
            return passed.office if passed.why is not SkipReason.NO_HOLDER and not passed.why.is_sealed_out else None
    return None


def _guidance(report: RoutingInput) -> tuple[str, ...]:
    """R10: an allegation about someone who has left, or a non-recent one, goes to the police too."""
    if not report.is_allegation:
        return ()
    if report.subject_has_left and report.is_non_recent:
        return (
            "The person no longer works at the school and the allegation is non-recent: "
            "report it to the police and consult the LADO.",
        )
    if report.subject_has_left:
        return ("The person no longer works at the school: report the allegation to the police and consult the LADO.",)
    if report.is_non_recent:
        return ("This is a non-recent allegation: report it to the police and consult the LADO.",)
    return ()


def _reason(
    report: RoutingInput,
    offices: SchoolOffices,
    chain: tuple[Office, ...],
    skipped: tuple[PassedOver, ...],
    chosen: Office | None,
    refer_directly: bool,
) -> str:
    """One or more sentences naming offices, never people."""
    clauses = _clauses(report, offices, skipped)
    if refer_directly:
        because = _and(clauses)
        holds = (
            "The escalation contact holds it."
            if chosen is Office.ESCALATION_CONTACT
            else "No office-holder can hold it, so the system administrator is alerted."
        )
        return (
            "No office-holder is free to manage this case: refer it directly to the LADO. "
            f"{because[0].upper()}{because[1:]}. {holds}"
        )
    assert chosen is not None  # refer_directly is exactly "nobody chosen"
    if clauses:
        return f"Routed to {offices.the(chosen)} because {_and(clauses)}."
    return _first_choice_reason(report, offices, chain[0])


def _first_choice_reason(report: RoutingInput, offices: SchoolOffices, office: Office) -> str:
    if report.kind is ReportKind.WHISTLEBLOWING:
        return f"Routed to {offices.the(office)}, who receives whistleblowing concerns."
    if report.kind is ReportKind.ALLEGATION:
        return f"Routed to {offices.the(office)}, the case manager for allegations."
    if report.is_potential_allegation:
        return (
            f"Routed to {offices.the(office)} because the answers to the harm-threshold questions mean "
            "this may be an allegation."
        )
    return f"Routed to {offices.the(office)}, who manages low-level concerns under the school's policy."


def _clauses(report: RoutingInput, offices: SchoolOffices, skipped: tuple[PassedOver, ...]) -> list[str]:
    """One clause per kind of reason, in chain order; offices held by one person are named together."""
    by_reason: dict[SkipReason, list[list[Office]]] = {}
    for passed in skipped:
        people = by_reason.setdefault(passed.why, [])
        holder = offices.holders.get(passed.office)
        for same_person in people:
            if holder is not None and offices.holders.get(same_person[0]) == holder:
                same_person.append(passed.office)
                break
        else:
            people.append([passed.office])

    clauses = []
    # The headteacher's own reason comes before the consequence for the DSL.
    for why, people in sorted(by_reason.items(), key=lambda item: item[0] is SkipReason.HEADTEACHER_INVOLVED):
        if why is SkipReason.NO_HOLDER:
            names = [offices.the(office).removeprefix("the ") for person in people for office in person]
            clauses.append(f"there is no {_list(names, 'or')}")
            continue
        who = _list([_person(offices, person) for person in people], "and")
        many = len(people) > 1
        clauses.append(f"{who} {_predicate(why, report, many)}")
    return clauses


def _person(offices: SchoolOffices, held: list[Office]) -> str:
    """ "the headteacher" or "the headteacher, who is also the proprietor," for one holder of several offices."""
    first, *others = (offices.the(office) for office in held)
    if not others:
        return first
    return f"{first}, who is also {_list(others, 'and')},"


def _predicate(why: SkipReason, report: RoutingInput, many: bool) -> str:
    if why is SkipReason.SUBJECT:
        if report.kind is ReportKind.SELF_REFERRAL:
            return "has referred themself"
        noun = "allegation" if report.kind is ReportKind.ALLEGATION else "concern"
        return f"is the subject of the {noun}"
    if why is SkipReason.IMPLICATED:
        return "are implicated" if many else "is implicated"
    if why is SkipReason.HEADTEACHER_INVOLVED:
        return "does not manage concerns involving the headteacher"
    if why in (SkipReason.COVERING_FOR_SUBJECT, SkipReason.COVERING_FOR_IMPLICATED, SkipReason.COVERING_FOR_CONFLICTED):
        # The office's substantive holder may not manage it; whoever acts for them is passed over with them.
        acting = "the people acting for them" if many else "the person acting for them"
        if why is SkipReason.COVERING_FOR_SUBJECT:
            noun = "allegation" if report.kind is ReportKind.ALLEGATION else "concern"
            return f"is the subject of the {noun}, and {acting} may not manage it"
        if why is SkipReason.COVERING_FOR_IMPLICATED:
            return f"{'are' if many else 'is'} implicated, and {acting} may not manage it"
        declared = "have declared a close relationship" if many else "has declared a close relationship"
        return f"{declared} with the subject or someone implicated, and {acting} may not manage it"
    declared = "have declared a close relationship" if many else "has declared a close relationship"
    if why is SkipReason.CONFLICTED_WITH_SUBJECT:
        return f"{declared} with the subject"
    return f"{declared} with someone implicated"


def _list(items: list[str], conjunction: str) -> str:
    """ "a", "a and b", "a, b and c" (no serial comma); an item ending in a comma needs no other."""
    joined = items[0]
    for index, item in enumerate(items[1:], start=1):
        separator = f" {conjunction} " if index == len(items) - 1 else ", "
        joined += (separator.lstrip(",") if joined.endswith(",") else separator) + item
    return joined


def _and(clauses: list[str]) -> str:
    return _list(clauses, "and")
