"""Subject access: what Casetracker holds about a named person, as the subject of a case or as a
reporter, for the data-protection officer to review before anything is disclosed.

UK GDPR allows item-level exemptions (third parties, reporters' identities, prejudice to the
prevention of crime), so every item carries a review note; nothing is withheld automatically and
nothing is disclosed automatically. The export is the officer's own task: it reads case content
(DOMAIN.md section 4) and is audited, naming the person and each case it read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.dates import govuk_date, govuk_datetime
from casetracker.domain.policy import Actor, is_data_protection_officer
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, Person, Report, User
from casetracker.services import case_running, case_store, entry_text

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


def build_pack(actor: Actor, person_id: uuid.UUID) -> SubjectAccessPack:
    """Everything held about the person. The data-protection officer only; audited per case read."""
    if not is_data_protection_officer(actor):
        raise PermissionError("only the data-protection officer produces subject access exports")
    person = db.session.get(Person, person_id)
    if person is None:
        raise LookupError("no such person")
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
    from casetracker.services.school import current_school

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
