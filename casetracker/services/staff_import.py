"""Importing the staff directory from a CSV file (the administrator's upload and `flask staff import`).

Every row is checked before anything is written: one bad row and nothing is imported, and every
problem is reported with its line number. A good file is imported in one transaction. Importing
the same file again changes nothing: people are matched by email address (any case).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casetracker import audit
from casetracker.clock import london_today
from casetracker.domain.people import StaffType
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import Person
from casetracker.services.people import (
    MAX_NAME_LENGTH,
    PersonDetails,
    apply_details,
    check_details,
    is_valid_email,
    normalise_email,
)
from casetracker.services.school import require_school

COLUMNS = (
    "full_name",
    "email",
    "job_title",
    "staff_type",
    "employer_name",
    "start_date",
    "leave_date",
    "date_of_birth",
)
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
STAFF_TYPES = ", ".join(t.value for t in StaffType)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


@dataclass(frozen=True)
class RowError:
    """One problem with the file: `line` is None when it concerns the whole file."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"Line {self.line}: {self.message[0].lower()}{self.message[1:]}"


@dataclass(frozen=True)
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_rejected(self) -> bool:
        return bool(self.errors)

    @property
    def summary(self) -> str:
        return f"{self.created} added, {self.updated} updated, {self.unchanged} unchanged"


@dataclass(frozen=True)
class StaffRow:
    line: int
    details: PersonDetails


def import_staff(actor: Actor | None, data: bytes, *, today: dt.date | None = None) -> ImportOutcome:
    """Check the whole file, then import all of it or none of it."""
    rows, errors = parse_staff_csv(data, today=today or london_today())
    actor_id = actor.user_id if actor else None
    if errors:
        return _reject(actor_id, errors)
    existing = _people_by_email({row.details.email for row in rows if row.details.email})
    school_id = require_school().id
    created = updated = unchanged = 0
    for row in rows:
        person = existing.get(row.details.email or "")
        if person is None:
            person = Person(school_id=school_id, full_name=row.details.full_name)
            apply_details(person, row.details)
            db.session.add(person)
            created += 1
        elif apply_details(person, row.details):
            updated += 1
        else:
            unchanged += 1
    audit.record(
        "staff.imported",
        actor_user_id=actor_id,
        object_type="school",
        object_id=school_id,
        created=created,
        updated=updated,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # Someone added one of these email addresses while the file was being imported.
        return _reject(
            actor_id, [RowError(None, "The directory changed while the file was being imported. Upload it again")]
        )
    return ImportOutcome(created=created, updated=updated, unchanged=unchanged)


def _reject(actor_id: uuid.UUID | None, errors: list[RowError]) -> ImportOutcome:
    audit.record(
        "staff.import_rejected", actor_user_id=actor_id, object_type="school", outcome="failure", errors=len(errors)
    )
    db.session.commit()
    return ImportOutcome(errors=errors)


def _people_by_email(emails: set[str]) -> dict[str, Person]:
    if not emails:
        return {}
    people: dict[str, Person] = {}
    wanted = sorted(emails)
    for start in range(0, len(wanted), 500):  # keep each IN list a sensible size
        chunk = wanted[start : start + 500]
        for person in db.session.scalars(select(Person).where(func.lower(Person.email).in_(chunk))):
            people[(person.email or "").lower()] = person
    return people


def parse_staff_csv(data: bytes, *, today: dt.date) -> tuple[list[StaffRow], list[RowError]]:
    """Every row as directory details, and every problem found (an empty list when there are none)."""
    if len(data) > MAX_BYTES:
        return [], [RowError(None, f"The file must be smaller than {MAX_BYTES // (1024 * 1024)}MB")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [RowError(None, "The file must be saved as CSV UTF-8 (in Excel: Save as, then 'CSV UTF-8')")]
    if "\x00" in text:
        return [], [RowError(None, "The file is not a CSV file")]
    if not text.strip():
        return [], [RowError(None, "The file is empty")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error:
        return [], [RowError(1, "The header row could not be read as CSV")]
    columns, header_errors = _read_header(header)
    if header_errors:
        return [], header_errors

    rows: list[StaffRow] = []
    errors: list[RowError] = []
    first_line_for_email: dict[str, int] = {}
    count = 0
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(RowError(reader.line_num, "This line could not be read as CSV (check its quotation marks)"))
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets often leave blank rows at the end
        count += 1
        if count > MAX_ROWS:
            return [], [RowError(None, f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")]
        if len(cells) < len(columns) or any(cell.strip() for cell in cells[len(columns) :]):
            errors.append(
                RowError(start, f"This row has {len(cells)} values but the header row has {len(columns)} columns")
            )
            continue
        values = {name: cells[index].strip() for index, name in enumerate(columns)}
        details, problems = _read_row(values, today)
        email = normalise_email(values["email"])
        if email:
            first = first_line_for_email.setdefault(email, start)
            if first != start:
                problems.append(f"The email address is also on line {first}: each person must appear only once")
        errors += [RowError(start, problem) for problem in problems]
        if details is not None and not problems:
            rows.append(StaffRow(start, details))
    if count == 0 and not errors:
        errors.append(RowError(None, "The file has a header row but no staff"))
    return rows, errors


def _read_header(header: list[str]) -> tuple[list[str], list[RowError]]:
    columns = [cell.strip().lower().replace(" ", "_") for cell in header]
    while columns and not columns[-1]:
        columns.pop()  # trailing empty columns from a spreadsheet
    problems = []
    missing = [name for name in COLUMNS if name not in columns]
    unknown = [name or "(blank)" for name in columns if name not in COLUMNS]
    repeated = sorted({name for name in columns if name in COLUMNS and columns.count(name) > 1})
    if missing:
        problems.append(
            "The header row must name these columns: "
            + ", ".join(COLUMNS)
            + f". Missing: {', '.join(missing)}. The first line of the file must be the header row"
        )
    if unknown:
        problems.append(f"The header row has columns this import does not know: {', '.join(unknown)}")
    if repeated:
        problems.append(f"The header row names these columns more than once: {', '.join(repeated)}")
    return columns, [RowError(1, problem) for problem in problems]


def _read_row(values: dict[str, str], today: dt.date) -> tuple[PersonDetails | None, list[str]]:
    problems: list[str] = []
    full_name = values["full_name"]
    if not full_name:
        problems.append("Enter a full name")
    elif len(full_name) > MAX_NAME_LENGTH:
        problems.append(f"Full name must be {MAX_NAME_LENGTH} characters or fewer")

    email = normalise_email(values["email"])
    if email is None:
        problems.append("Enter an email address (a later import uses it to find the same person)")
    elif not is_valid_email(email):
        problems.append("Enter the email address in the correct format, like name@example.com")

    for name, label in (("job_title", "Job title"), ("employer_name", "Agency or employer name")):
        if len(values[name]) > MAX_NAME_LENGTH:
            problems.append(f"{label} must be {MAX_NAME_LENGTH} characters or fewer")

    staff_type: StaffType | None = None
    try:
        staff_type = StaffType(values["staff_type"].lower())
    except ValueError:
        problems.append(f"Staff type must be one of {STAFF_TYPES}")

    dates: dict[str, dt.date | None] = {}
    for name, label in (("start_date", "Start date"), ("leave_date", "Leave date"), ("date_of_birth", "Date of birth")):
        try:
            dates[name] = _read_date(values[name])
        except ValueError:
            dates[name] = None
            problems.append(
                f"{label} must be a real date written as YYYY-MM-DD or DD/MM/YYYY, like 2026-04-02 or 02/04/2026"
            )

    if staff_type is None:
        return None, problems
    details = PersonDetails(
        full_name=full_name,
        email=email,
        job_title=values["job_title"],
        staff_type=staff_type,
        employer_name=values["employer_name"],
        start_date=dates["start_date"],
        leave_date=dates["leave_date"],
        date_of_birth=dates["date_of_birth"],
    )
    problems += list(check_details(details, today).values())
    return details, problems


def _read_date(value: str) -> dt.date | None:
    if not value:
        return None
    for pattern in DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            return parsed
    raise ValueError(value)
