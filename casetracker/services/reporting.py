"""Raising a concern: triage, routing, the encrypted case, and who is told (without content)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import delete, select

from casetracker import audit
from casetracker.clock import london_today, utcnow
from casetracker.domain.people import Office, StaffType
from casetracker.domain.policy import Actor
from casetracker.domain.reports import ReportKind, ThresholdAnswer, triage
from casetracker.domain.routing import RoutingDecision, RoutingInput
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, Person, Report, ReportDraft, User
from casetracker.security import receipts
from casetracker.services import case_running, case_store, patterns, routing
from casetracker.services.notifications import absolute_url, send_email_quietly


class ReportingError(ValueError):
    """A report that cannot be accepted as it stands; the message says why."""


class AlreadySentError(ReportingError):
    """The draft was sent by another request (a second press of Send) before this one."""


@dataclass(frozen=True)
class Submission:
    kind: ReportKind
    answers: dict[str, Any]
    threshold_answers: dict[str, ThresholdAnswer] = field(default_factory=dict)
    subject_person_id: uuid.UUID | None = None
    subject_description: dict[str, Any] | None = None
    implicated_person_ids: tuple[uuid.UUID, ...] = ()
    implicates_headteacher: bool = False
    is_non_recent: bool = False
    is_anonymous: bool = False
    # When it arrived; only the demo and the benchmarks set it (to fill a history of cases).
    received_at: dt.datetime | None = None


@dataclass(frozen=True)
class Receipt:
    case_id: uuid.UUID
    reference: str
    receipt_code: str | None
    is_potential_allegation: bool


def submit(reporter: Actor | None, submission: Submission, *, from_draft: bool = False) -> Receipt:
    """File a report: one transaction for the case, its first entries and the audit; then tell people.

    `from_draft`: the reporter's saved draft is deleted in the same transaction as the case is
    made, so whatever happens next (a crash while the emails go), the draft is never there to be
    sent a second time, and the case never exists without the draft having gone.
    """
    if submission.is_anonymous and submission.kind is not ReportKind.WHISTLEBLOWING:
        raise ReportingError("Only a whistleblowing concern can be raised anonymously")
    if reporter is None and not submission.is_anonymous:
        raise ReportingError("Sign in to raise a concern, or raise a whistleblowing concern anonymously")
    if from_draft and reporter is not None and not _take_draft(reporter.user_id):
        db.session.rollback()
        raise AlreadySentError("This report has been sent already")
    result = triage(submission.threshold_answers, submission.kind) if submission.threshold_answers else None
    potential = bool(result and result.is_potential_allegation)
    reporter_person = reporter.person_id if reporter and not submission.is_anonymous else None
    subject_id = reporter_person if submission.kind is ReportKind.SELF_REFERRAL else submission.subject_person_id
    subject = db.session.get(Person, subject_id) if subject_id else None
    implicated = set(submission.implicated_person_ids)
    if submission.implicates_headteacher:
        head = routing.effective_holders().get(Office.HEADTEACHER)
        if head is not None:
            implicated.add(head)
    routing_input = RoutingInput(
        kind=submission.kind,
        subject_person_id=subject_id,
        reporter_person_id=reporter_person,
        implicated_person_ids=frozenset(implicated),
        subject_staff_type=StaffType(subject.staff_type) if subject else _described_staff_type(submission),
        subject_has_left=bool(subject and subject.leave_date and subject.leave_date <= london_today()),
        is_non_recent=submission.is_non_recent,
        is_potential_allegation=potential,
    )
    decision = routing.decide(routing_input)
    now = submission.received_at or utcnow()
    case = case_store.create_case(
        reporter.user_id if reporter and not submission.is_anonymous else None,
        case_store.NewCase(
            kind=submission.kind.value,
            summary=_summary(submission),
            answers=submission.answers,
            case_manager_office=None,
            subject_person_id=subject_id,
            subject_description=submission.subject_description,
            reporter=None if submission.is_anonymous or reporter is None else {"person_id": str(reporter.person_id)},
            reporter_person_id=reporter_person,
            is_anonymous=submission.is_anonymous,
            implicated_person_ids=tuple(sorted(implicated, key=str)),
            details={
                "routing_input": routing.routing_input_record(routing_input),
                "potential_allegation": potential,
                # What it was raised as: a whistleblower keeps their protection if it is reclassified.
                "received_as": submission.kind.value,
                "triage": {k: v.value for k, v in (result.answers if result else ())},
            },
            received_at=now,
        ),
    )
    if result is not None:
        case_store.add_entry(
            case,
            "triage",
            {
                "text": result.next_step,
                "potential_allegation": potential,
                "answers": {k: v.value for k, v in result.answers},
            },
            occurred_at=now,
            author=None,
        )
    routing.record_decision(case, decision, actor_user_id=None, first=True)
    case.potential_allegation = potential
    if submission.kind.is_low_level:
        patterns.check(case)
    case_running.refresh(case)
    code = None
    if submission.is_anonymous:
        report = db.session.scalars(select(Report).where(Report.case_id == case.id)).one()
        code, report.receipt_lookup, report.receipt_hash = receipts.new_receipt()
    audit.record(
        "report.submitted",
        actor_user_id=reporter.user_id if reporter and not submission.is_anonymous else None,
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        kind=submission.kind.value,
        anonymous=submission.is_anonymous,
    )
    db.session.commit()
    _tell_people(case, decision, potential, reporter if not submission.is_anonymous else None)
    return Receipt(case.id, case.reference, code, potential)


def _take_draft(user_id: uuid.UUID) -> bool:
    """Delete the reporter's draft in this transaction; False if it was gone already.

    Two presses of Send at once both read the draft; the first to delete it holds its row until it
    commits, and the other then deletes nothing and files nothing.
    """
    deleted = db.session.execute(delete(ReportDraft).where(ReportDraft.user_id == user_id))
    return bool(deleted.rowcount)  # type: ignore[attr-defined]


def _described_staff_type(submission: Submission) -> StaffType | None:
    raw = (submission.subject_description or {}).get("staff_type")
    try:
        return StaffType(raw) if raw else None
    except ValueError:
        return None


def _summary(submission: Submission) -> str:
    text = str(submission.answers.get("what_happened") or "").strip()
    return (text[:140] + "…") if len(text) > 140 else text


def _tell_people(case: Case, decision: RoutingDecision, potential: bool, reporter: Actor | None) -> None:
    """Emails carry no names, no content and no kind of case: only that something needs attention."""
    link = absolute_url(url_for("auth.sign_in"))
    manager = routing.case_manager_addresses(decision.office)
    for email in manager:
        send_email_quietly(email, "Casetracker: something needs your attention", f"Sign in to see what is new: {link}")
    if potential:
        # Not if the DSL, or the DSL someone is acting for, is the subject or implicated.
        dsl = routing.school_offices().people_in(Office.DSL)
        details = case.details or {}
        sealed = set(details.get("routing_input", {}).get("implicated", [])) | {
            details.get("routing_input", {}).get("subject")
        }
        if dsl and not {str(person) for person in dsl} & sealed and decision.office is not Office.DSL:
            for email in routing.case_manager_addresses(Office.DSL) - manager:
                send_email_quietly(
                    email,
                    "Casetracker: a child-welfare check may be needed",
                    "Something has been reported that may need you to check on a child's welfare. "
                    f"The case manager will be in touch. Sign in: {link}",
                )
    routing.alert_if_no_case_manager(decision)
    if reporter is not None:
        user = db.session.get(User, reporter.user_id)
        if user is not None:
            send_email_quietly(
                user.email,
                "Casetracker: we have received what you sent",
                f"Thank you. What you sent has reached the right person. Sign in to follow it: {link}",
            )


def reports_by(actor: Actor) -> list[Case]:
    """The cases this person reported (by their blind index), newest first."""
    index = keyring().blind_index(actor.person_id)
    return list(
        db.session.scalars(
            select(Case)
            .join(Report, Report.case_id == Case.id)
            .where(Report.reporter_index == index, Case.destroyed_at.is_(None))
            .order_by(Case.opened_at.desc())
            .distinct()
        )
    )
