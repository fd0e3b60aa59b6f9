"""Chronology entries are never updated or deleted: no code path does it, and the database refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from casetracker.extensions import db
from tests.case_helpers import seeded_case

PACKAGE = Path(__file__).resolve().parents[2] / "casetracker"
FORBIDDEN = [
    r"update\(\s*ChronologyEntry",
    r"delete\(\s*ChronologyEntry",
    r"UPDATE\s+chronology_entry",
    r"DELETE\s+FROM\s+chronology_entry",
    r"session\.delete\(\s*entry",
]


def test_no_code_updates_or_deletes_chronology_entries() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text()
        for pattern in FORBIDDEN:
            if re.search(pattern, source, flags=re.IGNORECASE):
                offenders.append(f"{path.relative_to(PACKAGE)}: {pattern}")
    assert offenders == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE chronology_entry SET seq = seq + 100", "DELETE FROM chronology_entry"],
)
def test_the_database_refuses(app: Flask, statement: str) -> None:
    with app.app_context():
        seeded_case("GUARD", entries=2)
        with pytest.raises(DatabaseError, match="never changed"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_the_orm_cannot_change_an_entry_either(app: Flask) -> None:
    from casetracker.services import case_store

    with app.app_context():
        case = seeded_case("ORM", entries=1)
        entry = case_store.chronology(case)[-1]
        entry.occurred_at = entry.occurred_at.replace(year=2000)
        with pytest.raises(DatabaseError, match="never changed"):
            db.session.commit()
        db.session.rollback()
