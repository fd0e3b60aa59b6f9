"""Subject access: what Casetracker holds about a named person, as the subject of a case or as a
reporter, for the data-protection officer to review before anything is disclosed.

UK GDPR allows item-level exemptions (third parties, reporters' identities, prejudice to the
prevention of crime), so every item carries a review note; nothing is withheld automatically and
nothing is disclosed automatically. The officer produces a pack that reads no case; one that reads
a case goes to a second office-holder who is named in none of them (domain.policy
.can_produce_subject_access). Every pack is audited, naming the person and each case it read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.dates import govuk_date, govuk_datetime
from casetracker.domain.policy import (
    SUBJECT_ACCESS_SECOND_PERSON,
    Actor,
    PackReading,
    can_produce_subject_access,
    is_data_protection_officer,
    may_produce_referred_packs,
)
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, Person, Report, SubjectAccessReferral, User
from casetracker.services import case_running, case_store, entry_text, routing
from casetracker.services.case_access import relations_to
from casetracker.services.notifications import absolute_url, send_email_quietly
from casetracker.services.school import current_school, require_school

REPORTER_NOTE = (
    "Reporter's identity: withhold unless they consent or it is reasonable to disclose without consent "
    "(Data Protection Act 2018, Schedule 2, paragraph 16)."
)
THIRD_PARTY_NOTE = "May contain third parties' information (for example a child or a colleague): review and redact."
OWN_REPORT_NOTE = "The person's own report: theirs to receive, but check for third parties named in it."
CRIME_NOTE = (
    "Check with the LADO and the police before disclosing: disclosure may prejudice the prevention or "
    "detection of crime (Data Protection Act 2018, Schedule 2, paragraph 2)."
)


@dataclass(frozen=True)
class AccessItem:
    heading: str
    rows: tuple[tuple[str, str], ...]
    text: str
    review_notes: tuple[str, ...]


@dataclass(frozen=True)
class AccessSection:
    title: str
    items: tuple[AccessItem, ...]


@dataclass(frozen=True)
class SubjectAccessPack:
    person_name: str
    produced_by: str
    produced_at: str
    school_name: str
    sections: tuple[AccessSection, ...]
    marking: str = "OFFICIAL-SENSITIVE"


def _person_section(person: Person) -> AccessSection:
    user = db.session.scalars(select(User).where(User.person_id == person.id)).first()
    rows = [
        ("Name", person.full_name),
        ("Email", person.email or ""),
        ("Job title", person.job_title),
        ("Type of staff", person.type.label),
        ("Employer", person.employer_name or "The school"),
        ("Start date", govuk_date(person.start_date)),
        ("Leave date", govuk_date(person.leave_date)),
        ("Date of birth", govuk_date(person.date_of_birth)),
        ("Has an account", "Yes" if user else "No"),
    ]
    if user is not None:
        rows.append(("Last signed in", govuk_datetime(user.last_sign_in_at)))
    item = AccessItem("Staff directory entry", tuple((k, v) for k, v in rows if v), "", ())
    return AccessSection("What the staff directory holds", (item,))


def _case_items(case: Case, as_subject: bool, reporter_index: str | None) -> list[AccessItem]:
    state_entries = case_store.chronology(case)
    edition = case_running.edition_of(case)
    items: list[AccessItem] = []
    header = [
        ("Case", case.reference),
        ("Kind", ReportKind(case.kind).label),
        ("Received", govuk_datetime(case.opened_at)),
        ("Status", case.status.replace("_", " ").capitalize()),
    ]
    crime = [CRIME_NOTE] if case.kind == "allegation" and case.status != "closed" else []
    items.append(AccessItem(f"Case {case.reference}", tuple(header), "", tuple(crime)))
    for report in db.session.scalars(select(Report).where(Report.case_id == case.id).order_by(Report.submitted_at)):
        own = reporter_index is not None and report.reporter_index == reporter_index
        if not as_subject and not own:
            continue  # as a reporter, they are entitled to what they sent, not others' reports
        answers = report.answers or {}
        rows = [(key.replace("_", " ").capitalize(), _text(value)) for key, value in sorted(answers.items()) if value]
        notes = [OWN_REPORT_NOTE] if own else [REPORTER_NOTE, THIRD_PARTY_NOTE]
        heading = "Their own report" if own else "A report about them"
        items.append(AccessItem(f"{heading}, {govuk_datetime(report.submitted_at)}", tuple(rows), "", tuple(notes)))
    if as_subject:
        actions: dict[str, str] = {}
        for entry in state_entries:
            body = entry.body or {}
            rows = entry_text.entry_rows(body, edition, actions)
            label = entry_text.entry_label(str(body.get("type", "")))
            items.append(
                AccessItem(
                    f"{entry.seq}. {label}, {govuk_datetime(entry.occurred_at)}",
                    tuple(rows),
                    str(body.get("text") or ""),
                    (THIRD_PARTY_NOTE, *crime),
                )
            )
    return items


def _text(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def cases_read(person: Person) -> tuple[list[Case], list[Case]]:
    """The cases a pack about the person reads: about them, and those they reported."""
    index = keyring().blind_index(person.id)
    as_subject = list(
        db.session.scalars(
            select(Case).where(Case.subject_index == index, Case.destroyed_at.is_(None)).order_by(Case.opened_at)
        )
    )
    as_reporter = list(
        db.session.scalars(
            select(Case)
            .join(Report, Report.case_id == Case.id)
            .where(Report.reporter_index == index, Case.destroyed_at.is_(None))
            .order_by(Case.opened_at)
            .distinct()
        )
    )
    return as_subject, as_reporter


def _readings(actor: Actor, cases: list[Case]) -> list[PackReading]:
    """How the would-be producer stands to each case the pack reads."""
    if not cases:
        return []
    relations = relations_to(actor, cases)
    own_index = keyring().blind_index(actor.person_id)
    reported = set(
        db.session.scalars(
            select(Report.case_id).where(
                Report.case_id.in_([case.id for case in cases]), Report.reporter_index == own_index
            )
        )
    )
    return [
        PackReading(relations[case.id], case.id in reported, routing.kept_from(actor.person_id, case)) for case in cases
    ]


def _may_produce(actor: Actor, cases: tuple[list[Case], list[Case]], *, referred: bool) -> bool:
    as_subject, as_reporter = cases
    return can_produce_subject_access(actor, _readings(actor, [*as_subject, *as_reporter]), referred=referred)


def _may_produce_referral(actor: Actor, referral: SubjectAccessReferral, cases: tuple[list[Case], list[Case]]) -> bool:
    """Still waiting, not the actor's own request, and the actor is named in none of its cases."""
    return (
        referral.produced_at is None
        and referral.requested_by_id != actor.user_id
        and _may_produce(actor, cases, referred=True)
    )


def request_pack(actor: Actor, person_id: uuid.UUID) -> SubjectAccessPack | SubjectAccessReferral:
    """The data-protection officer's request: the pack, when it reads no case; otherwise a referral
    to a second office-holder, who produces it (domain.policy.can_produce_subject_access)."""
    if not is_data_protection_officer(actor):
        raise PermissionError("only the data-protection officer produces subject access exports")
    person = db.session.get(Person, person_id)
    if person is None:
        raise LookupError("no such person")
    cases = cases_read(person)
    if _may_produce(actor, cases, referred=False):
        return _produce(actor, person, cases)
    referral = SubjectAccessReferral(school_id=require_school().id, person_id=person.id, requested_by_id=actor.user_id)
    db.session.add(referral)
    db.session.flush()
    audit.record(
        "subject_access.referred",
        actor_user_id=actor.user_id,
        object_type="subject_access_referral",
        object_id=referral.id,
    )
    db.session.commit()
    link = absolute_url(url_for("auth.sign_in"))
    for office in sorted(SUBJECT_ACCESS_SECOND_PERSON):
        for email in routing.case_manager_addresses(office):
            send_email_quietly(
                email, "Casetracker: something needs your attention", f"Sign in to see what is new: {link}"
            )
    return referral


def referrals_for(actor: Actor) -> list[SubjectAccessReferral]:
    """Referred requests waiting for a pack that this office-holder may produce."""
    if not may_produce_referred_packs(actor):
        return []
    waiting = db.session.scalars(
        select(SubjectAccessReferral)
        .where(SubjectAccessReferral.produced_at.is_(None))
        .order_by(SubjectAccessReferral.requested_at)
    )
    return [referral for referral in waiting if _may_produce_referral(actor, referral, cases_read(referral.person))]


def produce_referred(actor: Actor, referral_id: uuid.UUID) -> SubjectAccessPack:
    """The second office-holder produces a referred pack (once); anything else is 'not found'."""
    referral = db.session.get(SubjectAccessReferral, referral_id)
    if referral is None:
        raise LookupError("no such referral")
    cases = cases_read(referral.person)
    if not _may_produce_referral(actor, referral, cases):
        raise LookupError("no such referral")
    referral.produced_by_id = actor.user_id
    referral.produced_at = utcnow()
    return _produce(actor, referral.person, cases)


def _produce(actor: Actor, person: Person, cases: tuple[list[Case], list[Case]]) -> SubjectAccessPack:
    """Everything held about the person (the cases `cases_read` found); audited per case read."""
    as_subject, as_reporter = cases
    index = keyring().blind_index(person.id)
    subject_items = [item for case in as_subject for item in _case_items(case, True, index)]
    reporter_items = [
        item for case in as_reporter if case not in as_subject for item in _case_items(case, False, index)
    ]
    for case in {*as_subject, *as_reporter}:
        audit.record(
            "subject_access.case_read",
            actor_user_id=actor.user_id,
            object_type="person",
            object_id=person.id,
            case_id=case.id,
        )
    audit.record("subject_access.exported", actor_user_id=actor.user_id, object_type="person", object_id=person.id)
    db.session.commit()
    officer = db.session.get(User, actor.user_id)
    school = current_school()
    return SubjectAccessPack(
        person_name=person.full_name,
        produced_by=officer.person.full_name if officer else "",
        produced_at=govuk_datetime(utcnow()),
        school_name=school.name if school else "",
        sections=(
            _person_section(person),
            AccessSection("Cases about them", tuple(subject_items)),
            AccessSection("Concerns they raised", tuple(reporter_items)),
        ),
    )
