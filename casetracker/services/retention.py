"""Retention in the database's terms: each case's review date, the daily run, legal holds, destruction.

The rule is pure (`domain/retention.py`). Here: the facts come from the case, its chronology and
its subject's directory entry; the review date is kept in a clear column, refreshed on every
write to the case and by the daily run (which also catches a changed leave date or date of birth).
Destruction is the one path allowed to delete a case's chronology rows (migration 0005's
`case_destruction` list): it crypto-shreds the data key, removes the content rows and files, and
leaves a tombstone. Audit rows are never deleted; their encrypted details become unreadable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import delete, select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.domain import retention as rules
from casetracker.domain.case_state import CaseState
from casetracker.domain.entries import EntryType
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, can_manage_case, is_data_protection_officer
from casetracker.extensions import db
from casetracker.models import (
    Attachment,
    Case,
    CaseCollaborator,
    CaseDestruction,
    CasePerson,
    CaseTombstone,
    ChronologyEntry,
    LegalHold,
    Message,
    Person,
    Report,
)
from casetracker.services import attachments, case_store, routing
from casetracker.services.case_access import CaseNotFoundError, relation_to
from casetracker.services.notifications import absolute_url, send_email_quietly
from casetracker.services.school import require_school


class RetentionError(ValueError):
    """A retention step that cannot be taken; the message says why."""


def _subject(case: Case) -> Person | None:
    link = db.session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.role == "subject")
    ).first()
    if link is None or not link.person_ref:
        return None
    return db.session.get(Person, uuid.UUID(link.person_ref))


def _local(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(LONDON).date() if moment else None


def facts_for(case: Case, state: CaseState) -> rules.RetentionFacts:
    school = require_school()
    subject = _subject(case)
    outcome_entry = state.latest(EntryType.OUTCOME)
    pension = state.latest(EntryType.PENSION_DATE)
    pension_on = pension.get("pension_on") if pension else None
    return rules.RetentionFacts(
        kind=case.kind,
        allegation_on=_local(case.opened_at) or utcnow().date(),
        outcome=state.outcome,
        outcome_on=_local(outcome_entry.occurred_at) if outcome_entry else None,
        closed_on=_local(case.closed_at),
        date_of_birth=subject.date_of_birth if subject else None,
        pension_date_entered=dt.date.fromisoformat(pension_on) if pension_on else None,
        leave_date=subject.leave_date if subject else None,
        legal_hold=case.legal_hold,
        low_level_years_after_leaving=school.low_level_years_after_leaving,
        whistleblowing_years_after_closure=school.whistleblowing_years_after_closure,
        remove_false_allegations=school.remove_false_allegations,
    )


def retention_for(case: Case, state: CaseState) -> rules.Retention:
    return rules.retention(facts_for(case, state))


def refresh(case: Case, state: CaseState) -> rules.Retention:
    """Keep the case's review date up to date (called on every write to the case)."""
    result = retention_for(case, state)
    case.retention_review_on = result.review_on
    if not rules.is_due(result, _today()):
        case.retention_due = False
    return result


def _today() -> dt.date:
    return utcnow().astimezone(LONDON).date()


@dataclass(frozen=True)
class DueCase:
    case: Case
    retention: rules.Retention


def run(*, dry_run: bool, today: dt.date | None = None) -> list[DueCase]:
    """Work out every case's review date again; put those now due on their case manager's review list.

    With `dry_run`, only list them. Each case manager is emailed a count, nothing else.
    """
    from casetracker.services import case_running

    today = today or _today()
    due: list[DueCase] = []
    for case in db.session.scalars(select(Case).where(Case.destroyed_at.is_(None)).order_by(Case.opened_at)):
        result = retention_for(case, case_running.state_of(case))
        if not dry_run:
            case.retention_review_on = result.review_on
        if rules.is_due(result, today):
            due.append(DueCase(case, result))
    if dry_run:
        db.session.rollback()
        return due
    newly: dict[str | None, int] = {}
    for item in due:
        if not item.case.retention_due:
            item.case.retention_due = True
            newly[item.case.case_manager_office] = newly.get(item.case.case_manager_office, 0) + 1
    audit.record("retention.run", due=len(due))
    db.session.commit()
    link = absolute_url(url_for("auth.sign_in"))
    for office, count in newly.items():
        for email in routing.case_manager_addresses(Office(office) if office else None):
            send_email_quietly(
                email,
                "Casetracker: records due for a retention review",
                f"{count} of the cases you manage {'is' if count == 1 else 'are'} due for a retention review. "
                f"Sign in to review: {link}",
            )
    return due


# --- Legal holds (the data-protection officer) ---------------------------------------------------


def _require_dpo(actor: Actor) -> None:
    if not is_data_protection_officer(actor):
        raise PermissionError("only the data-protection officer sets and lifts legal holds")


def active_holds() -> list[tuple[LegalHold, Case]]:
    rows = db.session.execute(
        select(LegalHold, Case)
        .join(Case, Case.id == LegalHold.case_id)
        .where(LegalHold.lifted_at.is_(None))
        .order_by(LegalHold.set_at)
    )
    return [(row[0], row[1]) for row in rows]


def set_hold(actor: Actor, reference: str, reason: str) -> LegalHold:
    """Hold a case by its reference. The officer needs no access to its content to do it."""
    _require_dpo(actor)
    if not reason.strip():
        raise RetentionError("Enter why the case is held, for example the inquiry or claim")
    case = db.session.scalars(
        select(Case).where(Case.reference == reference.strip().upper(), Case.destroyed_at.is_(None))
    ).first()
    if case is None:
        raise RetentionError("There is no case with that reference")
    if case.legal_hold:
        raise RetentionError("That case is already under legal hold")
    hold = LegalHold(case_id=case.id, set_by_id=actor.user_id, reason=reason.strip())
    db.session.add(hold)
    case.legal_hold = True
    case.retention_due = False
    audit.record("legal_hold.set", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id)
    db.session.commit()
    return hold


def lift_hold(actor: Actor, hold_id: uuid.UUID) -> None:
    _require_dpo(actor)
    hold = db.session.get(LegalHold, hold_id)
    if hold is None or hold.lifted_at is not None:
        raise RetentionError("That hold has already been lifted")
    case = db.session.get(Case, hold.case_id)
    assert case is not None
    hold.lifted_at = utcnow()
    hold.lifted_by_id = actor.user_id
    case.legal_hold = False
    audit.record(
        "legal_hold.lifted", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id
    )
    db.session.commit()


# --- Destruction (the case manager, after review) -------------------------------------------------


def destruction_problem(
    case: Case, state: CaseState, today: dt.date | None = None, *, kept: rules.Retention | None = None
) -> str | None:
    """Why the case may not be destroyed now, or None (`kept`: its retention, if already worked out)."""
    if case.legal_hold:
        return "This case is under legal hold: nothing of it may be destroyed until the hold is lifted"
    result = kept or retention_for(case, state)
    if not rules.is_due(result, today or _today()):
        return f"This case is not yet due for destruction. {result.reason}"
    return None


def destroy(actor: Actor, case: Case, reason: str) -> CaseTombstone:
    """Crypto-shred the case, remove its content rows and files, and leave a tombstone. One transaction."""
    from casetracker.services import case_running

    if not can_manage_case(actor, relation_to(actor, case)):
        raise CaseNotFoundError(str(case.id))
    if not reason.strip():
        raise RetentionError("Enter why the case is being destroyed")
    problem = destruction_problem(case, case_running.state_of(case))
    if problem:
        raise RetentionError(problem)
    now = utcnow()
    db.session.add(CaseDestruction(case_id=case.id))
    tombstone = CaseTombstone(
        case_id=case.id,
        reference=case.reference,
        kind=case.kind,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        destroyed_at=now,
        authorised_by_id=actor.user_id,
        reason=reason.strip()[:500],
    )
    db.session.add(tombstone)
    db.session.flush()
    attachments.remove_files(case.id)
    for model in (Attachment, ChronologyEntry, Message, Report, CasePerson, CaseCollaborator):
        db.session.execute(delete(model).where(model.case_id == case.id))
    case.retention_due = False
    case.pattern_review_pending = False
    case.lado_due_at = case.next_due_at = None
    audit.record("case.destroyed", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id)
    case_store.shred_case(actor.user_id, case)  # the data key last; it commits the whole transaction
    return tombstone
