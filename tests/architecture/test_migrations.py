"""The schema is made only by migrations: upgrade, downgrade, upgrade again, and match the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from casetracker.extensions import db
from casetracker.models import Base


def test_models_match_the_migration_head(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_upgrade_downgrade_upgrade(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {table.name for table in Base.metadata.sorted_tables} <= set(inspect(db.engine).get_table_names())


def test_a_database_that_already_holds_cases_upgrades_without_losing_them(app: Flask) -> None:
    """A school upgrading keeps every record: adding columns must not rebuild tables others point at."""
    import uuid

    from sqlalchemy import text

    case_id, entry_id = uuid.uuid4(), uuid.uuid4()
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"  # SQLAlchemy keeps UUIDs as 32 hex digits there
        hexed = {"case": case_id.hex if sqlite else str(case_id), "entry": entry_id.hex if sqlite else str(entry_id)}
        db.session.remove()
        downgrade(revision="0006")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO case_record (id, reference, kind, status, guidance_edition, opened_at, updated_at, "
                    "legal_hold) VALUES (:id, 'CT-TEST-MIGR', 'allegation', 'open', 'KCSIE 2025', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false)"
                ),
                {"id": hexed["case"]},
            )
            connection.execute(
                text(
                    "INSERT INTO chronology_entry (id, case_id, seq, occurred_at, recorded_at) "
                    "VALUES (:id, :case_id, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": hexed["entry"], "case_id": hexed["case"]},
            )
        upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT reference, potential_allegation, retention_due FROM case_record")
            ).one()
            entries = connection.execute(text("SELECT count(*) FROM chronology_entry")).scalar()
        assert row[0] == "CT-TEST-MIGR" and not row[1] and not row[2]
        assert entries == 1
