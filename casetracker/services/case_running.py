"""Running a case: typed chronology entries, corrections, reclassification and closure.

Each function takes the actor first, checks the one policy (only the case manager runs a case),
applies the pure rules in `domain/case_state`, appends to the chronology, refreshes the
dashboard's projections, audits and commits — all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain import case_state
from casetracker.domain.case_state import CaseFacts, CaseState, Recorded
from casetracker.domain.entries import SYSTEM_ENTRY_TYPES, EntryType, entry_types_for
from casetracker.domain.guidance import Edition, edition
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, can_manage_case
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.models import Attachment, Case, ChronologyEntry, User
from casetracker.services import attachments, calendar, case_store, patterns, retention, routing
from casetracker.services.case_access import CaseNotFoundError, relation_to
from casetracker.services.school import require_school

CLOSED = "closed"


class EntryProblemsError(ValueError):
    """Values that cannot be recorded: field name -> the message to show beside it."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = dict(problems)


class CaseRunningError(ValueError):
    """A step the case manager cannot take now; the message says why."""


class ClosureBlockedError(CaseRunningError):
    def __init__(self, blockers: list[str]) -> None:
        super().__init__("The case cannot be closed yet")
        self.blockers = blockers


@dataclass(frozen=True)
class NewEntry:
    entry_type: EntryType
    occurred_at: dt.datetime
    text: str = ""
    values: Mapping[str, Any] | None = None
    files: tuple[tuple[str, bytes], ...] = ()


# --- Reading ---------------------------------------------------------------------------------


def recorded(entry: ChronologyEntry, body: dict[str, Any] | None = None) -> Recorded:
    body = (entry.body or {}) if body is None else body
    return Recorded(
        id=str(entry.id),
        seq=entry.seq,
        type=str(body.get("type", "")),
        occurred_at=entry.occurred_at,
        values=dict(body.get("fields") or {}),
        supersedes=str(entry.supersedes_id) if entry.supersedes_id else None,
    )


def facts_for(case: Case) -> CaseFacts:
    details = case.details or {}
    return CaseFacts(
        kind=case.kind,
        potential_allegation=case.potential_allegation or bool(details.get("potential_allegation")),
        lado_due_at=calendar.lado_due(case),
        reporter_said_criminal_offence=(details.get("triage") or {}).get("criminal_offence") == "yes",
        confirmation_working_days=edition_of(case).suspension_confirmation_working_days,
    )


def bodies_of(entries: list[ChronologyEntry]) -> dict[uuid.UUID, dict[str, Any]]:
    """Each entry's body, decoded once for the fold and the page alike."""
    return {entry.id: entry.body or {} for entry in entries}


def state_of(
    case: Case, entries: list[ChronologyEntry] | None = None, bodies: dict[uuid.UUID, dict[str, Any]] | None = None
) -> CaseState:
    entries = case_store.chronology(case) if entries is None else entries
    bodies = bodies_of(entries) if bodies is None else bodies
    return case_state.fold([recorded(e, bodies[e.id]) for e in entries], facts_for(case), calendar.bank_holidays())


def s141f(case: Case, state: CaseState | None = None) -> bool:
    """Whether the s141F reporting-restriction warning shows on the case's pages and exports."""
    return case_state.s141f_suggested(state or state_of(case), facts_for(case))


def edition_of(case: Case) -> Edition:
    return edition(case.guidance_edition)


def available_entry_types(case: Case, state: CaseState) -> tuple[EntryType, ...]:
    types = entry_types_for(case.kind)
    if state.latest(EntryType.PATTERN_DETECTED) is not None and EntryType.PATTERN_REVIEW not in types:
        types = (*types, EntryType.PATTERN_REVIEW)
    if not state.open_actions:
        types = tuple(t for t in types if t is not EntryType.ACTION_DONE)
    return types


# --- Writing ---------------------------------------------------------------------------------


def _require_manager(actor: Actor, case: Case) -> None:
    if not can_manage_case(actor, relation_to(actor, case)):
        raise CaseNotFoundError(str(case.id))


def _require_open(case: Case, entry_type: EntryType | None = None) -> None:
    if case.status == CLOSED and not (entry_type is EntryType.PATTERN_REVIEW and case.pattern_review_pending):
        raise CaseRunningError("This case is closed: nothing more can be recorded on it")


def author_of(actor: Actor) -> dict[str, Any]:
    user = db.session.get(User, actor.user_id)
    return {"user_id": str(actor.user_id), "name": user.person.full_name if user else ""}


def _check_when(occurred_at: dt.datetime) -> None:
    if occurred_at > utcnow() + dt.timedelta(minutes=5):
        raise EntryProblemsError({"occurred_on": "The date and time it happened must be in the past"})


def record_entry(
    actor: Actor, case: Case, new: NewEntry, *, supersedes: uuid.UUID | None = None, reason: str = ""
) -> ChronologyEntry:
    """Append a typed entry (or a correction of one). Nothing is written if any check fails."""
    _require_manager(actor, case)
    _require_open(case, new.entry_type)
    entries = case_store.chronology(case)
    state = state_of(case, entries)
    if new.entry_type in SYSTEM_ENTRY_TYPES or new.entry_type not in available_entry_types(case, state):
        raise CaseRunningError("That kind of entry cannot be recorded on this case")
    _check_when(new.occurred_at)
    values = dict(new.values or {})
    problems = case_state.entry_problems(
        new.entry_type,
        values,
        remove_false_allegations=require_school().remove_false_allegations,
        state=state,
        alternatives=tuple(edition_of(case).suspension_alternatives),
    )
    old = None
    if supersedes is not None:
        old = next((e for e in entries if e.id == supersedes), None)
        if old is None or str(old.id) in state.corrected_by or (old.body or {}).get("type") != new.entry_type.value:
            raise CaseRunningError("Only the current version of an entry can be corrected")
        if not reason.strip():
            problems["reason"] = "Enter why this entry is being corrected"
    if problems:
        raise EntryProblemsError(problems)
    content: dict[str, Any] = {"text": new.text.strip(), "fields": values}
    if old is not None:
        content["correction_reason"] = reason.strip()
    entry = case_store.add_entry(
        case, new.entry_type.value, content, occurred_at=new.occurred_at, author=author_of(actor), supersedes=old
    )
    for filename, data in new.files:
        attachments.store(actor.user_id, case, entry, filename, data)
    _apply_side_effects(case, new.entry_type, values)
    if case.status == "received":
        case.status = "open"  # the reporter now sees "being looked at"
    refresh(case)
    audit.record(
        "chronology.entry_corrected" if old is not None else "chronology.entry_added",
        actor_user_id=actor.user_id,
        object_type="chronology_entry",
        object_id=entry.id,
        case_id=case.id,
        entry_type=new.entry_type.value,
    )
    db.session.commit()
    return entry


def _apply_side_effects(case: Case, entry_type: EntryType, values: Mapping[str, Any]) -> None:
    """The case manager's classification decides whether a report is a potential allegation; a
    pattern review that finds the harm threshold may be met makes it one (then consult the LADO)."""
    if case.kind == "allegation":
        return
    if entry_type is EntryType.PATTERN_REVIEW:
        if values.get("harm_threshold") in {"yes", "not_sure"}:
            _start_lado_clock(case)
        return
    if entry_type is not EntryType.CLASSIFICATION:
        return
    if values.get("harm_threshold") in {"yes", "not_sure"}:
        _start_lado_clock(case)
    else:
        case.potential_allegation = False
        details = dict(case.details or {})
        details["potential_allegation"] = False
        case.details = details


def _start_lado_clock(case: Case) -> None:
    """The clock starts when a report becomes a potential allegation (at receipt, or now)."""
    if case.potential_allegation:
        return
    case.potential_allegation = True
    details = dict(case.details or {})
    details["potential_allegation"] = True
    details["lado_clock_started_at"] = utcnow().isoformat()
    case.details = details


def refresh(case: Case, state: CaseState | None = None) -> None:
    """Bring the dashboard's clear projections up to date with the chronology."""
    db.session.flush()
    state = state or state_of(case)
    retention.refresh(case, state)
    if case.status in {CLOSED, "destroyed"}:
        case.lado_due_at = case.next_due_at = None
        # A later concern can still ask for a pattern review of a closed case.
        case.pattern_review_pending = case.status == CLOSED and state.pattern_review_pending
        return
    lado = next((d for d in state.deadlines if d.label == "Consult the LADO"), None)
    case.lado_due_at = lado.due_at if lado else None
    case.next_due_at = min((d.due_at for d in state.deadlines), default=None)
    case.pattern_review_pending = state.pattern_review_pending


def reclassify(actor: Actor, case: Case, to_kind: str, rationale: str) -> bool:
    """Change the kind with a recorded rationale; re-run routing. True when the case moved office."""
    _require_manager(actor, case)
    _require_open(case)
    if not rationale.strip():
        raise EntryProblemsError({"rationale": "Enter the rationale for the reclassification"})
    state = state_of(case)
    problem = case_state.reclassification_problem(case.kind, to_kind, state)
    if problem:
        raise CaseRunningError(problem)
    from_kind = case.kind
    case.kind = to_kind
    details = dict(case.details or {})
    stored = dict(details.get("routing_input") or {})
    if stored:
        stored["kind"] = to_kind
        details["routing_input"] = stored
    case.details = details
    if to_kind == "allegation":
        _start_lado_clock(case)
    case_store.add_entry(
        case,
        EntryType.RECLASSIFICATION.value,
        {
            "text": f"Reclassified from {ReportKind(from_kind).label.lower()} to {ReportKind(to_kind).label.lower()}.",
            "fields": {"from_kind": from_kind, "to_kind": to_kind, "rationale": rationale.strip()},
        },
        occurred_at=utcnow(),
        author=author_of(actor),
    )
    moved = False
    decision = routing.decide(routing.routing_input_from(details)) if stored else None
    if decision is not None:
        current = Office(case.case_manager_office) if case.case_manager_office else None
        # A new kind has its own chain (a low-level concern may sit with the DSL; an allegation
        # starts with the headteacher), so the case goes wherever the rule now says.
        if decision.office != current:
            routing.record_decision(case, decision, actor_user_id=actor.user_id, first=False)
            moved = True
    if ReportKind(to_kind).is_low_level:
        patterns.check(case)
    refresh(case)
    audit.record(
        "case.reclassified",
        actor_user_id=actor.user_id,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        from_kind=from_kind,
        to_kind=to_kind,
    )
    db.session.commit()
    if decision is not None and moved:
        routing.tell_new_case_manager(decision)
    return moved


def closure_blockers(case: Case) -> list[str]:
    return case_state.closure_blockers(state_of(case), facts_for(case))


def close(actor: Actor, case: Case, summary: str) -> None:
    """Close the case, if no required decision is missing (the error lists each one)."""
    _require_manager(actor, case)
    _require_open(case)
    if not summary.strip():
        raise EntryProblemsError({"summary": "Enter a closing summary"})
    blockers = closure_blockers(case)
    if blockers:
        raise ClosureBlockedError(blockers)
    case_store.add_entry(
        case,
        EntryType.CLOSURE.value,
        {"text": summary.strip(), "fields": {}},
        occurred_at=utcnow(),
        author=author_of(actor),
    )
    case.status = CLOSED
    case.closed_at = utcnow()
    refresh(case)
    audit.record("case.closed", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id)
    db.session.commit()


# --- The case page's view of the running case ---------------------------------------------------


@dataclass(frozen=True)
class RunningView:
    state: CaseState
    edition: Edition
    facts: CaseFacts
    s141f: bool
    closure_blockers: list[str]
    entry_types: tuple[EntryType, ...]
    # Earlier cases about the same person that make a pattern with this one, as far as the viewer may see.
    related: list[Case]
    attachments_by_entry: dict[uuid.UUID, list[Any]]
    retention: Any  # domain.retention.Retention
    destruction_problem: str | None
    bodies: dict[uuid.UUID, dict[str, Any]]  # each entry's body, decoded once


def running_view(actor: Actor, case: Case, entries: list[ChronologyEntry]) -> RunningView:
    bodies = bodies_of(entries)
    state = state_of(case, entries, bodies)
    facts = facts_for(case)
    by_entry: dict[uuid.UUID, list[Any]] = {}
    for attachment in db.session.scalars(
        select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.uploaded_at)
    ):
        if attachment.entry_id is not None:
            by_entry.setdefault(attachment.entry_id, []).append(attachment)
    related = patterns.visible_to(actor, [c for c in patterns.related_cases(case) if c.id != case.id])
    kept = retention.retention_for(case, state)
    return RunningView(
        state=state,
        edition=edition_of(case),
        facts=facts,
        s141f=case_state.s141f_suggested(state, facts),
        closure_blockers=case_state.closure_blockers(state, facts) if case.status != CLOSED else [],
        entry_types=available_entry_types(case, state) if case.status != CLOSED else (),
        related=related,
        attachments_by_entry=by_entry,
        retention=kept,
        destruction_problem=retention.destruction_problem(case, state, kept=kept),
        bodies=bodies,
    )
