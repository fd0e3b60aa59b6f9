"""The staff import: every problem reported by line, nothing imported when any row is wrong,
re-imports matched by email, and the `flask staff import` command."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from casetracker.domain.people import StaffType
from casetracker.extensions import db
from casetracker.models import AuditEvent, Person
from casetracker.services import people, staff_import

TODAY = dt.date(2026, 4, 2)
HEADER = list(staff_import.COLUMNS)
GOOD = {
    "full_name": "Asha Greenwood",
    "email": "asha.greenwood@larkrise.example",
    "job_title": "Class teacher",
    "staff_type": "employee",
    "employer_name": "",
    "start_date": "2019-09-01",
    "leave_date": "",
    "date_of_birth": "14/03/1985",
}
STAFF_TYPES = "employee, supply, agency, volunteer, contractor, governor"


def row(**changes: str) -> dict[str, str]:
    return {**GOOD, **changes}


def second(**changes: str) -> dict[str, str]:
    """A second person (a different email address), with changes."""
    return {**GOOD, "full_name": "Ben Ash", "email": "ben.ash@larkrise.example", **changes}


def csv_bytes(rows: list[dict[str, str]], *, header: list[str] = HEADER, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def run_import(app: Flask, data: bytes) -> staff_import.ImportOutcome:
    with app.app_context():
        return staff_import.import_staff(None, data, today=TODAY)


def people_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Person)) or 0


def audit_events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


BAD_ROWS = [
    pytest.param(second(full_name=""), "Line 3: enter a full name", id="missing name"),
    pytest.param(second(full_name="x" * 201), "Line 3: full name must be 200 characters or fewer", id="long name"),
    pytest.param(second(email=""), "Line 3: enter an email address", id="missing email"),
    pytest.param(second(email="not-an-email"), "Line 3: enter the email address in the correct format", id="bad email"),
    pytest.param(second(staff_type="teacher"), f"Line 3: staff type must be one of {STAFF_TYPES}", id="bad staff type"),
    pytest.param(second(staff_type=""), f"Line 3: staff type must be one of {STAFF_TYPES}", id="blank staff type"),
    pytest.param(second(staff_type="supply"), "Line 3: enter the name of the agency or employer", id="supply employer"),
    pytest.param(second(staff_type="agency"), "Line 3: enter the name of the agency or employer", id="agency employer"),
    pytest.param(
        second(staff_type="contractor"), "Line 3: enter the name of the agency or employer", id="contractor employer"
    ),
    pytest.param(second(start_date="31/02/2026"), "Line 3: start date must be a real date", id="impossible date"),
    pytest.param(second(start_date="2 April 2026"), "Line 3: start date must be a real date", id="date in words"),
    pytest.param(second(leave_date="2026-13-01"), "Line 3: leave date must be a real date", id="bad month"),
    pytest.param(
        second(date_of_birth="1066-10-14"), "Line 3: date of birth must be a real date", id="implausible year"
    ),
    pytest.param(
        second(start_date="2024-09-01", leave_date="2024-08-31"),
        "Line 3: leave date must be the same as or after the start date",
        id="leave before start",
    ),
    pytest.param(second(date_of_birth="2030-01-01"), "Line 3: date of birth must be in the past", id="born in future"),
    pytest.param(
        row(email="ASHA.GREENWOOD@larkrise.example"),
        "Line 3: the email address is also on line 2",
        id="duplicate email (any case)",
    ),
]


@pytest.mark.parametrize(("bad", "expected"), BAD_ROWS)
def test_each_kind_of_bad_row_is_reported_with_its_line_and_nothing_is_imported(
    app: Flask, bad: dict[str, str], expected: str
) -> None:
    outcome = run_import(app, csv_bytes([GOOD, bad]))
    assert outcome.is_rejected
    messages = [str(error) for error in outcome.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith(expected), messages
    assert people_count(app) == 0
    [rejected] = audit_events(app, "staff.import_rejected")
    assert rejected.details == {"errors": 1}
    assert rejected.outcome == "failure"
    assert audit_events(app, "staff.imported") == []


def test_every_problem_in_the_file_is_reported_at_once(app: Flask) -> None:
    rows = [
        GOOD,
        row(email="b@larkrise.example", full_name=""),
        row(email="c@larkrise.example", staff_type="supply"),
        row(email="d@larkrise.example"),  # fine
        row(email="e@larkrise.example", start_date="yesterday", date_of_birth="2099-01-01"),
    ]
    outcome = run_import(app, csv_bytes(rows))
    lines = [(error.line, error.message.split(" ")[0]) for error in outcome.errors]
    assert lines == [(3, "Enter"), (4, "Enter"), (6, "Start"), (6, "Date")]
    assert people_count(app) == 0
    assert audit_events(app, "staff.import_rejected")[0].details == {"errors": 4}


def test_a_row_with_the_wrong_number_of_values_is_reported(app: Flask) -> None:
    data = csv_bytes([GOOD]) + b"Ben Ash,ben@larkrise.example,Cook\r\n"
    outcome = run_import(app, data)
    assert [str(e) for e in outcome.errors] == ["Line 3: this row has 3 values but the header row has 8 columns"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "The file is empty", id="empty"),
        pytest.param(b"\xff\xfe\x00f\x00u", "The file must be saved as CSV UTF-8", id="not utf-8"),
        pytest.param(csv_bytes([]), "The file has a header row but no staff", id="header only"),
        pytest.param(
            csv_bytes([GOOD], header=[c for c in HEADER if c != "leave_date"]),
            "Line 1: the header row must name these columns",
            id="missing column",
        ),
        pytest.param(
            csv_bytes([GOOD], header=[*HEADER, "shoe_size"]),
            "Line 1: the header row has columns this import does not know: shoe_size",
            id="unknown column",
        ),
        pytest.param(
            b"Asha Greenwood,asha@larkrise.example,Teacher,employee,,,,\r\n",
            "Line 1: the header row must name these columns",
            id="no header row",
        ),
        pytest.param(csv_bytes([GOOD]) + b'"Unclosed,quote\r\n', "could not be read as CSV", id="broken quoting"),
    ],
)
def test_problems_with_the_whole_file_are_explained(app: Flask, data: bytes, expected: str) -> None:
    outcome = run_import(app, data)
    assert outcome.is_rejected
    assert any(expected in str(error) for error in outcome.errors), [str(e) for e in outcome.errors]
    assert people_count(app) == 0


def test_a_file_with_too_many_rows_is_refused(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_import, "MAX_ROWS", 3)
    rows = [row(email=f"p{i}@larkrise.example") for i in range(4)]
    outcome = run_import(app, csv_bytes(rows))
    assert [str(e) for e in outcome.errors] == ["The file has more than 3 rows. Split it into smaller files"]
    assert people_count(app) == 0


def test_a_file_that_is_too_large_is_refused(app: Flask) -> None:
    data = csv_bytes([GOOD]) + b" " * staff_import.MAX_BYTES
    outcome = run_import(app, data)
    assert [str(e) for e in outcome.errors] == ["The file must be smaller than 2MB"]


def test_a_good_file_with_a_bom_is_imported_in_full(app: Flask) -> None:
    rows = [
        GOOD,
        row(
            full_name="Bryn O'Neill",
            email="Bryn.ONeill@Larkrise.example",
            staff_type="Supply",
            employer_name="Brightway Supply Ltd",
            start_date="01/09/2025",
            leave_date="2026-07-22",
            date_of_birth="",
        ),
    ]
    outcome = run_import(app, csv_bytes(rows, bom=True) + b",,,,,,,\r\n\r\n")  # blank spreadsheet rows are skipped
    assert not outcome.is_rejected, [str(e) for e in outcome.errors]
    assert (outcome.created, outcome.updated, outcome.unchanged) == (2, 0, 0)
    with app.app_context():
        bryn = people.person_by_email("bryn.oneill@larkrise.example")
        assert bryn is not None
        assert bryn.full_name == "Bryn O'Neill"
        assert bryn.email == "bryn.oneill@larkrise.example"
        assert bryn.type is StaffType.SUPPLY
        assert bryn.employer_name == "Brightway Supply Ltd"
        assert (bryn.start_date, bryn.leave_date, bryn.date_of_birth) == (
            dt.date(2025, 9, 1),
            dt.date(2026, 7, 22),
            None,
        )
        asha = people.person_by_email(GOOD["email"])
        assert asha is not None and asha.date_of_birth == dt.date(1985, 3, 14)
    [event] = audit_events(app, "staff.imported")
    assert event.details == {"created": 2, "updated": 0}
    assert "Asha" not in str(event.details)


def test_reimporting_updates_people_matched_by_email_and_is_idempotent(app: Flask) -> None:
    with app.app_context():
        people.add_person(None, people.PersonDetails("Cara Existing", "cara@larkrise.example", "Cook"))
    first = [GOOD, row(full_name="Cara Existing", email="CARA@larkrise.example", job_title="Cook")]
    outcome = run_import(app, csv_bytes(first))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (1, 1, 0)  # Cara gains a start date etc.

    again = run_import(app, csv_bytes(first))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    changed = [row(job_title="Deputy headteacher"), first[1]]
    outcome = run_import(app, csv_bytes(changed))
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 1, 1)
    assert people_count(app) == 2
    with app.app_context():
        asha = people.person_by_email(GOOD["email"])
        assert asha is not None and asha.job_title == "Deputy headteacher"
    assert [e.details for e in audit_events(app, "staff.imported")] == [
        {"created": 1, "updated": 1},
        {"created": 0, "updated": 0},
        {"created": 0, "updated": 1},
    ]


def test_a_rejected_reimport_leaves_earlier_imports_untouched(app: Flask) -> None:
    run_import(app, csv_bytes([GOOD]))
    outcome = run_import(app, csv_bytes([row(job_title="Head of year"), row(email="x@larkrise.example", full_name="")]))
    assert outcome.is_rejected
    with app.app_context():
        asha = people.person_by_email(GOOD["email"])
        assert asha is not None and asha.job_title == "Class teacher"


# The command line -------------------------------------------------------------------------------


def test_the_command_imports_a_good_file_and_prints_the_counts(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes([GOOD, row(email="dev@larkrise.example")], bom=True))
    result = app.test_cli_runner().invoke(args=["staff", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged" in result.output
    assert people_count(app) == 2


def test_the_command_prints_every_problem_and_fails(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes([GOOD, second(staff_type="teacher"), row(email="z@larkrise.example", full_name="")]))
    result = app.test_cli_runner().invoke(args=["staff", "import", str(path)])
    assert result.exit_code != 0
    assert f"Line 3: staff type must be one of {STAFF_TYPES}" in result.stderr
    assert "Line 4: enter a full name" in result.stderr
    assert "Nothing was imported: the file has 2 problems." in result.stderr
    assert people_count(app) == 0


def test_the_command_refuses_a_missing_file(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["staff", "import", str(tmp_path / "absent.csv")])
    assert result.exit_code != 0
    assert people_count(app) == 0
