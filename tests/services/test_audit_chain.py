"""The audit trail: a hash chain that detects every kind of tampering, and never forks."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import uuid
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import Connection, text
from sqlalchemy.exc import DatabaseError

from casetracker import audit
from casetracker.extensions import db
from tests.case_helpers import seeded_case
from tests.conftest import make_user, post_form, sign_in


def fill_chain(app: Flask, events: int) -> None:
    with app.app_context():
        for _ in range(events):
            audit.record(
                "case.viewed", actor_user_id=uuid.uuid4(), object_type="case", object_id=uuid.uuid4(), case_id=None
            )
        db.session.commit()


def test_verify_reports_an_intact_chain(app: Flask) -> None:
    fill_chain(app, 25)
    with app.app_context():
        result = audit.verify()
    assert result.intact
    assert str(result) == f"audit chain intact: 25 events, head {result.head}"


def test_the_command_prints_and_exits(app: Flask) -> None:
    fill_chain(app, 3)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.startswith("audit chain intact: 3 events, head ")


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_change_audit_rows(app: Flask, statement: str) -> None:
    fill_chain(app, 2)
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()


def test_audit_rows_hold_no_names_or_passwords(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user = make_user(app, "Quentin Marker")
    post_form(client, "/sign-in", {"email": user.email, "password": "a wrong password"})
    sign_in(client, user)
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM audit_event")).all()
    dump = repr(rows)
    assert "Quentin" not in dump and "Marker" not in dump
    assert "a wrong password" not in dump
    assert user.email not in dump


# -- tampering -----------------------------------------------------------------------------------


def lift_guard(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
    else:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("DROP TRIGGER audit_event_no_delete"))


def rows(connection: Connection) -> list[dict[str, object]]:
    """Raw rows, with JSON values in the form the driver takes back."""
    found = [
        dict(row._mapping) for row in connection.execute(text(f"SELECT {audit.COLUMNS} FROM audit_event ORDER BY seq"))
    ]
    if connection.dialect.name == "postgresql":
        from psycopg.types.json import Json

        for row in found:
            row["details"] = Json(row["details"])
    return found


def edit(column: str, value: Callable[[object], object]) -> Callable[[Connection, int, int], int]:
    def mutate(connection: Connection, k: int, n: int) -> int:
        row = next(r for r in rows(connection) if r["seq"] == k)
        placeholder = "CAST(:v AS JSON)" if column == "details" and connection.dialect.name == "postgresql" else ":v"
        connection.execute(
            text(f"UPDATE audit_event SET {column} = {placeholder} WHERE seq = :k"), {"v": value(row[column]), "k": k}
        )
        return k

    return mutate


def delete_one(connection: Connection, k: int, n: int) -> int:
    connection.execute(text("DELETE FROM audit_event WHERE seq = :k"), {"k": k})
    return k


def truncate(connection: Connection, k: int, n: int) -> int:
    connection.execute(text("DELETE FROM audit_event WHERE seq >= :k"), {"k": k})
    return k


def swap(connection: Connection, k: int, n: int) -> int:
    """Reorder: exchange the contents of events k and k+1 (each keeps its place number)."""
    j = k + 1 if k < n else k - 1
    first, second = sorted((k, j))
    all_rows = {r["seq"]: r for r in rows(connection)}
    for seq, source in ((first, all_rows[second]), (second, all_rows[first])):
        values = {c: source[c] for c in source if c not in ("seq", "id")}
        sets = ", ".join(f"{c} = :{c}" for c in values)
        connection.execute(text(f"UPDATE audit_event SET {sets} WHERE seq = :seq"), {**values, "seq": seq})
    return first


def insert_forged(connection: Connection, k: int, n: int) -> int:
    """Insert a made-up event at position k, moving the later ones up one place."""
    connection.execute(text("UPDATE audit_event SET seq = seq + 1000000 WHERE seq >= :k"), {"k": k})
    connection.execute(text("UPDATE audit_event SET seq = seq - 1000000 + 1 WHERE seq >= 1000000"))
    template = next(r for r in rows(connection) if r["seq"] == k + 1)
    forged = dict(
        template,
        seq=k,
        id=uuid.uuid4() if connection.dialect.name == "postgresql" else uuid.uuid4().hex,
        action="sign_in.success",
    )
    columns = ", ".join(forged)
    connection.execute(
        text(f"INSERT INTO audit_event ({columns}) VALUES ({', '.join(':' + c for c in forged)})"), forged
    )
    return k


MUTATIONS: list[Callable[[Connection, int, int], int]] = [
    edit("action", lambda v: "case.shredded"),
    edit("object_id", lambda v: "f" * 32),
    edit("outcome", lambda v: "failure"),
    edit("actor_user_id", lambda v: None),
    edit("request_id", lambda v: "forged"),
    edit("details", lambda v: json.dumps({"reason": "edited"})),
    edit("prev_hash", lambda v: "1" * 64),
    edit("hash", lambda v: "2" * 64),
    edit("mac", lambda v: "3" * 64),
    delete_one,
    truncate,
    swap,
    insert_forged,
]


def test_hundreds_of_random_single_row_mutations_are_each_found_at_the_right_event(app: Flask) -> None:
    with app.app_context():
        seeded_case("TAMPER")  # real events with encrypted secrets and case ids among them
        db.session.commit()
    fill_chain(app, 60)
    randomiser = random.Random(20261125)
    with app.app_context():
        n = audit.verify().events
        assert n > 60
        for attempt in range(300):
            mutation = MUTATIONS[attempt % len(MUTATIONS)]
            k = randomiser.randint(1, n)
            with db.engine.connect() as connection:
                transaction = connection.begin()
                if connection.dialect.name == "sqlite":
                    connection.exec_driver_sql("BEGIN")  # pysqlite would run the DDL below outside it
                try:
                    lift_guard(connection)
                    expected = mutation(connection, k, n)
                    result = audit.verify(connection=connection)
                finally:
                    transaction.rollback()
            assert not result.intact, (mutation, k)
            assert result.first_bad_seq == expected, (getattr(mutation, "__name__", mutation), k, str(result))
        assert audit.verify().intact  # nothing was committed


# -- concurrency ---------------------------------------------------------------------------------


def test_fifty_writers_in_separate_processes_leave_an_intact_chain(app: Flask) -> None:
    url, key_file = app.config["SQLALCHEMY_DATABASE_URI"], app.config["KEY_FILE"]
    writers = [
        subprocess.Popen([sys.executable, "-m", "tests.audit_writer", url, key_file, "4"], stderr=subprocess.PIPE)
        for _ in range(50)
    ]
    failures = [proc.stderr.read().decode()[-2000:] for proc in writers if proc.wait(timeout=300) != 0]  # type: ignore[union-attr]
    for proc in writers:
        proc.stderr.close()  # type: ignore[union-attr]
    assert failures == []
    with app.app_context():
        result = audit.verify()
    assert result.intact, str(result)
    assert result.events == 200
