"""The demo school and its commands (development only)."""

from __future__ import annotations

import pyotp
from flask import Flask
from sqlalchemy import func, select

from casetracker.clock import utcnow
from casetracker.domain.people import Office, StaffType
from casetracker.extensions import db
from casetracker.models import OfficeHolding, Person, School
from tests.conftest import empty_all_tables


def test_demo_seed_fills_every_office_and_is_idempotent(app: Flask) -> None:
    with app.app_context():
        empty_all_tables()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "seed"])
    assert "nothing seeded" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(School)) == 1
        offices = set(db.session.scalars(select(OfficeHolding.office).where(OfficeHolding.ended_at.is_(None))))
        assert offices == {office.value for office in Office}
        assert db.session.scalar(select(func.count()).select_from(Person)) >= 40
        types = set(db.session.scalars(select(Person.staff_type)))
        assert types == {t.value for t in StaffType}


def test_demo_totp_prints_a_working_code_in_development(app: Flask) -> None:
    with app.app_context():
        empty_all_tables()
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "seed"])
    result = runner.invoke(args=["demo", "totp", "head@oakfield.example"])
    assert result.exit_code == 0
    from casetracker.services.demo import ACCOUNTS

    secret = next(a.totp_secret for a in ACCOUNTS if a.email == "head@oakfield.example")
    assert pyotp.TOTP(secret).verify(result.output.strip(), for_time=utcnow(), valid_window=1)


def test_demo_tools_are_refused_in_production(app: Flask) -> None:
    app.config["DEMO_TOOLS"] = False
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["demo", "totp", "head@oakfield.example"]).exit_code != 0
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code != 0
        assert "switched off in production" in result.output
    finally:
        app.config["DEMO_TOOLS"] = True


def test_users_create_from_the_command_line(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "new.head@larkrise.example",
            "--name",
            "Nell Head",
            "--office",
            "headteacher",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    weak = runner.invoke(
        args=["users", "create", "--email", "weak@larkrise.example", "--name", "Weak", "--password-stdin"],
        input="short\n",
    )
    assert weak.exit_code != 0
    assert "12 characters" in weak.output
    with app.app_context():
        holder = db.session.scalars(select(OfficeHolding).where(OfficeHolding.office == "headteacher")).one()
        assert holder.person.full_name == "Nell Head"


def test_demo_cases_cover_every_kind_and_the_heads_case_is_the_chairs(app: Flask) -> None:
    from casetracker.models import Case, Report
    from casetracker.security import receipts
    from casetracker.services.demo import DEMO_RECEIPT_CODE

    with app.app_context():
        empty_all_tables()
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        cases = db.session.scalars(select(Case)).all()
        assert {case.kind for case in cases} == {"allegation", "low_level_concern", "self_referral", "whistleblowing"}
        assert "chair" in {case.case_manager_office for case in cases}
        lookup, secret = receipts.split(DEMO_RECEIPT_CODE)
        report = db.session.scalars(select(Report).where(Report.receipt_lookup == lookup)).one()
        assert receipts.matches(report.receipt_hash, secret)
        from casetracker import audit

        assert audit.verify().intact
