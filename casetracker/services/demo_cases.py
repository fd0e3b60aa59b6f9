"""Demo cases in every state a case manager meets: awaiting the LADO, suspended with a named contact,
closed with each of the five outcomes, and a pattern of low-level concerns. All fictional.

Everything goes through the real services (reporting, then case_running as the case manager), so
the demo shows exactly what the product records — backdated only through the services' own
`received_at` and each entry's `occurred_at`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.domain.entries import EntryType
from casetracker.domain.guidance import KCSIE_2025, Outcome
from casetracker.domain.people import Office, StaffType
from casetracker.domain.policy import Actor
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.models import Case, Person, User
from casetracker.security.access import actor_for
from casetracker.services import case_running, reporting, routing
from casetracker.services.case_running import NewEntry

T = EntryType
NO = dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.NO)
HARMED = NO | {"harmed_a_child": ThresholdAnswer.YES}
OFFENCE = NO | {"criminal_offence": ThresholdAnswer.YES}
LADO = {
    "how": "phone",
    "lado_name": "Jo Whitfield (fictional)",
    "lado_authority": "Westshire County Council",
    "shared": "What the pupil said, who saw it, and the person's role and timetable.",
}
ALTERNATIVE_REASONS = {
    f"alternative_{key}": "Not enough on its own: the pupil is in their class every day and the LADO advised "
    "that the person should not be in school while the police make enquiries."
    for key in KCSIE_2025.suspension_alternatives
}


class _Clock:
    """Entry times that move forward from the report, a few hours apart."""

    def __init__(self, start: dt.datetime) -> None:
        self.at = start

    def next(self, hours: float = 3) -> dt.datetime:
        self.at += dt.timedelta(hours=hours)
        return self.at


def _manager(case: Case) -> Actor:
    holder = routing.effective_holders()[Office(case.case_manager_office)]
    user = db.session.scalars(select(User).where(User.person_id == holder)).one()
    return actor_for(user)


def _record(case: Case, clock: _Clock, steps: list[tuple[EntryType, str, dict[str, Any]]], hours: float = 20) -> None:
    actor = _manager(case)
    for entry_type, text, values in steps:
        case_running.record_entry(actor, case, NewEntry(entry_type, clock.next(hours), text, values))


def _file(reporter: Actor, submission: reporting.Submission) -> Case:
    receipt = reporting.submit(reporter, submission)
    case = db.session.get(Case, receipt.case_id)
    assert case is not None
    return case


def directory(staff_type: StaffType, title_part: str = "") -> list[Person]:
    """Directory entries without accounts, of one type, in name order (the demo's subjects)."""
    return [
        person
        for person in db.session.scalars(select(Person).order_by(Person.full_name))
        if person.staff_type == staff_type.value and title_part in person.job_title and person.user is None
    ]


def _classification(teacher: bool, pupil: bool = True, offence: str = "no") -> tuple[EntryType, str, dict[str, Any]]:
    return (
        T.CLASSIFICATION,
        "Read the report and spoke to the member of staff who made it.",
        {
            "harm_threshold": "yes",
            "criminal_offence": offence,
            "subject_is_teacher": "yes" if teacher else "no",
            "child_is_pupil": "yes" if pupil else "no",
        },
    )


def _closed_allegation(reporter: Actor, subject: Person, outcome: Outcome, days_ago: int, teacher: bool) -> None:
    received = utcnow() - dt.timedelta(days=days_ago)
    case = _file(
        reporter,
        reporting.Submission(
            kind=ReportKind.ALLEGATION,
            answers={
                "what_happened": f"Fictional demo allegation later found {outcome.value}: a pupil said they were "
                "pushed against a wall at the end of a lesson.",
                "children": ["Pupil B (fictional)"],
            },
            threshold_answers=HARMED,
            subject_person_id=subject.id,
            received_at=received,
        ),
    )
    clock = _Clock(received)
    removed = outcome is Outcome.SUBSTANTIATED
    steps: list[tuple[EntryType, str, dict[str, Any]]] = [
        _classification(teacher),
        (T.BASIC_ENQUIRIES, "Checked the timetable: the person taught the class that afternoon.", {}),
        (T.LADO_CONSULTATION, "", LADO | {"lado_reference": f"WS-LADO-{days_ago:04d}"}),
        (T.LADO_DECISION, "", {"decision": "internal_investigation", "lado_reference": f"WS-LADO-{days_ago:04d}"}),
        (
            T.SUBJECT_INFORMED,
            "",
            {"told": "That an allegation had been made and will be investigated.", "agreed_with_lado": "yes"},
        ),
        (T.STATEMENTS, "Statements taken from two members of staff who were in the corridor.", {}),
        (
            T.OUTCOME,
            "",
            {
                "outcome": outcome.value,
                "removed_from_regulated_activity": "yes" if removed else "no",
                "personnel_record": "remove" if outcome is Outcome.MALICIOUS else "keep",
                "in_references": "yes" if removed else "no",
                "social_care_considered": "yes"
                if outcome in {Outcome.FALSE, Outcome.UNFOUNDED, Outcome.MALICIOUS}
                else None,
            },
        ),
    ]
    if removed:
        steps += [
            (
                T.DBS_REFERRAL,
                "",
                {
                    "harm_condition": "yes",
                    "removal_condition": "yes",
                    "decision": "referred",
                    "referred_on": clock.at.date().isoformat(),
                },
            ),
            (T.TRA_REFERRAL, "", {"decision": "referred", "referred_on": clock.at.date().isoformat()}),
        ]
    steps.append(
        (
            T.LEARNING_REVIEW,
            "",
            {
                "with_lado": "yes" if removed else "no",
                "findings": "Corridor supervision at lesson changeover has been increased.",
            },
        )
    )
    _record(case, clock, steps, hours=48)
    case_running.close(_manager(case), case, f"Closed: the allegation was {outcome.value}. The person was told.")


def seed_running_cases(reporter: Actor, second_reporter: Actor) -> None:
    """Cases in every state. Caller commits (each service call commits its own step)."""
    teachers = directory(StaffType.EMPLOYEE, "Class teacher")
    assistants = directory(StaffType.EMPLOYEE, "Teaching assistant")

    # Awaiting the LADO: received five days ago, triaged, the LADO not yet consulted (overdue).
    received = utcnow() - dt.timedelta(days=5)
    case = _file(
        reporter,
        reporting.Submission(
            kind=ReportKind.ALLEGATION,
            answers={
                "what_happened": "A pupil said a teaching assistant shouted at them and threw their book.",
                "children": ["Pupil C (fictional)"],
            },
            threshold_answers=HARMED,
            subject_person_id=assistants[0].id,
            received_at=received,
        ),
    )
    _record(case, _Clock(received), [_classification(teacher=False)], hours=2)

    # Suspended, with a named contact and a review date; an action still open.
    received = utcnow() - dt.timedelta(days=12)
    teacher = teachers[0]
    case = _file(
        reporter,
        reporting.Submission(
            kind=ReportKind.ALLEGATION,
            answers={
                "what_happened": "A Year 6 pupil said their teacher sent them messages on social media.",
                "children": ["Pupil D (fictional)"],
            },
            threshold_answers=OFFENCE,
            subject_person_id=teacher.id,
            received_at=received,
        ),
    )
    clock = _Clock(received)
    review_on = (utcnow() + dt.timedelta(days=9)).date().isoformat()
    _record(
        case,
        clock,
        [
            _classification(teacher=True, offence="yes"),
            (T.LADO_CONSULTATION, "", LADO | {"lado_reference": "WS-LADO-0412"}),
            (
                T.LADO_DECISION,
                "",
                {
                    "decision": "police_evaluation",
                    "lado_reference": "WS-LADO-0412",
                    "police_reference": "WP-26-118834",
                    "review_on": review_on,
                },
            ),
            (
                T.MEETING,
                "",
                {
                    "meeting_type": "allegations_management_meeting",
                    "attendees": "LADO, headteacher, police officer, HR adviser (all fictional)",
                    "actions_agreed": "School to secure the pupil's account of events; HR to advise.",
                    "review_on": review_on,
                },
            ),
            (
                T.SUSPENSION,
                "The person was told in person, with their union representative.",
                {
                    "decision": "suspended",
                    **ALTERNATIVE_REASONS,
                    "agreed_with_lado": "yes",
                    "named_contact": "Priya Shah, deputy designated safeguarding lead",
                    "confirmation_sent_on": clock.at.date().isoformat(),
                    "review_on": review_on,
                },
            ),
            (
                T.SUBJECT_INFORMED,
                "",
                {"told": "That they are suspended while the police make enquiries.", "agreed_with_lado": "yes"},
            ),
            (
                T.PARENTS_INFORMED,
                "",
                {
                    "told": "That an allegation is being looked into and their child is supported.",
                    "agreed_by": "The LADO and the police",
                },
            ),
            (
                T.ACTION,
                "",
                {
                    "action": "Send the pupil's account to the LADO",
                    "owner": "Headteacher",
                    "due_on": (utcnow() + dt.timedelta(days=2)).date().isoformat(),
                },
            ),
        ],
        hours=20,
    )

    # Each of the five outcomes, closed.
    subjects = (teachers[1], assistants[1], teachers[2], assistants[2], teachers[3 % len(teachers)])
    for days_ago, outcome, subject in zip((400, 240, 150, 75, 40), Outcome, subjects, strict=True):
        _closed_allegation(reporter, subject, outcome, days_ago, teacher=subject in teachers)

    # A pattern: a second low-level concern, from someone else, about the supply teacher the
    # first demo concern was about.
    supply = directory(StaffType.SUPPLY)[0]
    _file(
        second_reporter,
        reporting.Submission(
            kind=ReportKind.LOW_LEVEL_CONCERN,
            answers={
                "what_happened": "Kept a pupil back alone in the classroom at lunchtime with the blinds down.",
                "where": "Year 5 classroom",
            },
            threshold_answers=NO,
            subject_person_id=supply.id,
        ),
    )
