"""Building encrypted cases in tests, with marker strings in every sensitive field."""

from __future__ import annotations

import uuid

from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.models import Case, Person
from casetracker.services import case_store, people


def seeded_case(marker: str = "MARKER", *, entries: int = 3, commit: bool = True) -> Case:
    """A case whose every sensitive field contains `marker` (names, narrative, chronology, messages)."""
    subject = db.session.query(Person).filter(Person.full_name == f"Subject {marker}").first() or people.add_person(
        None, people.PersonDetails(f"Subject {marker}", None, "Teacher"), commit=False
    )
    db.session.flush()
    case = case_store.create_case(
        None,
        case_store.NewCase(
            kind="allegation",
            summary=f"Summary {marker}",
            answers={
                "what_happened": f"Narrative {marker}",
                "children": [f"Child {marker}"],
                "where": f"Room {marker}",
            },
            case_manager_office="headteacher",
            subject_person_id=subject.id,
            subject_description={"name": f"Subject {marker}"},
            reporter={"name": f"Reporter {marker}", "email": f"reporter.{marker.lower()}@larkrise.example"},
            reporter_person_id=uuid.uuid4(),
            details={"lado": {"name": f"LADO {marker}", "reference": f"REF-{marker}"}},
        ),
    )
    for number in range(entries):
        case_store.add_entry(
            case,
            "note",
            {"text": f"Entry {number} {marker}"},
            occurred_at=utcnow(),
            author={"name": f"Author {marker}"},
        )
    case_store.add_message(case, "to_reporter", {"text": f"Question {marker}"})
    if commit:
        db.session.commit()
    return case
