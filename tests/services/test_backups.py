"""Backups: consistent online snapshots, restores into an empty database, and key epochs that expire them."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from casetracker import audit, create_app, crypto
from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, CaseKey, ChronologyEntry
from casetracker.services import backups, case_store, keys
from config import TestConfig
from tests.case_helpers import seeded_case

NewDatabase = Callable[..., Flask]


@pytest.fixture()
def new_database(app: Flask, tmp_path: Path) -> Iterator[NewDatabase]:
    """Apps on new, empty databases (same keyring file as the live app) to restore into."""
    made: list[tuple[Flask, str | None]] = []
    live_url = app.config["SQLALCHEMY_DATABASE_URI"]
    maintenance = None if live_url.startswith("sqlite") else create_engine(live_url, isolation_level="AUTOCOMMIT")

    def make(*, migrated: bool = False) -> Flask:
        name = None
        if maintenance is None:
            url = f"sqlite:///{tmp_path}/restored-{len(made)}.db"
        else:
            name = f"casetracker_restore_{uuid.uuid4().hex[:12]}"
            with maintenance.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(live_url).set(database=name).render_as_string(hide_password=False)

        class Target(TestConfig):
            SQLALCHEMY_DATABASE_URI = url
            KEY_FILE = app.config["KEY_FILE"]
            ATTACHMENT_DIR = app.config["ATTACHMENT_DIR"]

        target = create_app(Target)
        made.append((target, name))
        if migrated:
            with target.app_context():
                upgrade()
                keys.check_canaries(keyring())  # as the first start after `flask db upgrade` does
                db.session.remove()
        return target

    yield make
    for target, name in made:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()
        if maintenance is not None and name is not None:
            with maintenance.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if maintenance is not None:
        maintenance.dispose()


def tables(target: Flask) -> list[str]:
    with target.app_context():
        names = inspect(db.engine).get_table_names()
        db.session.remove()
        return names


def summaries(target: Flask, case_ids: list[uuid.UUID]) -> list[str]:
    with target.app_context():
        found = [db.session.get(Case, case_id).summary for case_id in case_ids]
        db.session.remove()
        return found


# -- round trip ----------------------------------------------------------------------------------------


def test_round_trip(app: Flask, tmp_path: Path, new_database: NewDatabase) -> None:
    path = tmp_path / "casetracker.backup"
    with app.app_context():
        ids = [seeded_case(f"ROUND{n}").id for n in range(3)]
        info = backups.create(path)
        live = audit.verify()
        assert info.manifest.kek_ids == (keyring().active,)
    assert info.manifest.engine == db_engine(app)
    assert info.manifest.alembic_revision
    # The backup.created event went to the live chain after the snapshot: the backup ends just before it.
    assert (info.manifest.audit_events, live.events) == (live.events - 1, live.events)
    manifest = json.loads(info.manifest_path.read_text())
    assert manifest["kek_ids"] == list(info.manifest.kek_ids)
    assert manifest["audit_head"] == info.manifest.audit_head
    assert "key" not in path.name and all(k not in manifest for k in ("keks", "index_key", "audit_key"))

    target = new_database()
    with target.app_context():
        result = backups.restore(path)
        assert result.ok, str(result)
        assert result.integrity == "ok"
        assert result.audit.intact and result.audit.events == info.manifest.audit_events
        assert result.audit.head == info.manifest.audit_head
        assert str(result) == f"Restored {path}: integrity ok; {result.audit}"
        assert str(result.audit) == f"audit chain intact: {result.audit.events} events, head {result.audit.head}"
        assert audit.verify().intact  # with the backup.restored event appended
        case = db.session.get(Case, ids[1])
        assert case.summary == "Summary ROUND1"
        assert [e.body.get("text") for e in case_store.chronology(case)][1:] == [f"Entry {n} ROUND1" for n in range(3)]
        db.session.remove()
    assert summaries(target, ids) == [f"Summary ROUND{n}" for n in range(3)]


def test_restore_into_a_freshly_migrated_empty_database(app: Flask, tmp_path: Path, new_database: NewDatabase) -> None:
    """`flask db upgrade` then start the app: still empty (bookkeeping rows only), so a restore is allowed."""
    path = tmp_path / "migrated.backup"
    with app.app_context():
        case_id = seeded_case("MIGRATED").id
        backups.create(path)
    target = new_database(migrated=True)
    with target.app_context():
        result = backups.restore(path)
        assert result.ok, str(result)
        db.session.remove()
    assert summaries(target, [case_id]) == ["Summary MIGRATED"]


def db_engine(app: Flask) -> str:
    return "sqlite" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "postgresql"


# -- key epochs ----------------------------------------------------------------------------------------


def test_a_backup_from_a_retired_key_epoch_is_refused(app: Flask, tmp_path: Path, new_database: NewDatabase) -> None:
    path = tmp_path / "old.backup"
    with app.app_context():
        seeded_case("EPOCH")
        old = keyring().active
        info = backups.create(path)
        assert info.manifest.kek_ids == (old,)
        keys.rotate()
        keys.retire(old)
        assert old not in keyring().keks
    target = new_database()
    message = f"This backup cannot be read: it was made with key {old}, which has been retired"
    with target.app_context(), pytest.raises(backups.UnreadableBackupError, match=message) as refused:
        backups.restore(path)
    assert "Backups older than the last key retirement are unreadable by design" in str(refused.value)
    assert tables(target) == []  # nothing was restored

    # The manifest is not the only gate: without it the backup's own key ids refuse it just the same.
    info.manifest_path.unlink()
    with target.app_context(), pytest.raises(backups.UnreadableBackupError, match=message):
        backups.restore(path)
    assert tables(target) == []


def test_a_destroyed_case_is_gone_from_old_backups_once_their_key_is_retired(
    app: Flask, tmp_path: Path, new_database: NewDatabase
) -> None:
    before, after = tmp_path / "before.backup", tmp_path / "after.backup"
    with app.app_context():
        doomed, kept = seeded_case("DOOMED"), seeded_case("KEPT")
        doomed_id, kept_id = doomed.id, kept.id
        old = keyring().active
        backups.create(before)
        case_store.shred_case(None, doomed)
        keys.rotate()
        keys.retire(old)
        backups.create(after)
        ring = keyring()
    if db_engine(app) == "sqlite":
        # Reading the old backup by hand gets nowhere either: its data keys are wrapped by a key that is gone.
        raw = sqlite3.connect(before)
        try:
            kek_id, wrapped = raw.execute(
                "SELECT kek_id, wrapped FROM case_key WHERE case_id = ?", (doomed_id.hex,)
            ).fetchone()
        finally:
            raw.close()
        with pytest.raises(crypto.RetiredKeyError):
            ring.unwrap(kek_id, wrapped, doomed_id)

    target = new_database()
    with target.app_context(), pytest.raises(backups.UnreadableBackupError, match=f"made with key {old}"):
        backups.restore(before)
    assert tables(target) == []

    with target.app_context():
        result = backups.restore(after)
        assert result.ok, str(result)
        gone = db.session.scalars(select(CaseKey).where(CaseKey.case_id == doomed_id)).one()
        assert gone.wrapped is None and gone.kek_id is None
        case = db.session.get(Case, doomed_id)
        assert case.status == "destroyed"
        assert not case_store.is_readable(case)
        with pytest.raises(crypto.DestroyedError):
            _ = case.summary
        assert db.session.get(Case, kept_id).summary == "Summary KEPT"
        db.session.remove()


# -- concurrency ---------------------------------------------------------------------------------------

WRITES = 200
WRITERS = 10


def test_a_backup_taken_during_200_concurrent_writes(app: Flask, tmp_path: Path, new_database: NewDatabase) -> None:
    path = tmp_path / "busy.backup"
    with app.app_context():
        base_ids = [seeded_case(f"BASE{n}", entries=0).id for n in range(4)]
    acknowledged: dict[int, tuple[float, str, uuid.UUID]] = {}
    lock = threading.Lock()

    def write(number: int) -> None:
        """A new case (even numbers) or a chronology entry on a busy case (odd): acknowledged once committed."""
        with app.app_context():
            for attempt in range(5):
                try:
                    if number % 2 == 0:
                        case = case_store.create_case(
                            None,
                            case_store.NewCase(kind="low_level", summary=f"Write {number}", answers={}),
                        )
                        written: tuple[str, uuid.UUID] = ("case", case.id)
                    else:
                        case = db.session.get(Case, base_ids[number % len(base_ids)])
                        entry = case_store.add_entry(
                            case, "note", {"text": f"Write {number}"}, occurred_at=utcnow(), author=None
                        )
                        audit.record(
                            "chronology.entry_added",
                            object_type="case",
                            object_id=case.id,
                            case_id=case.id,
                            entry_type="note",
                        )
                        written = ("entry", entry.id)
                    db.session.commit()
                    committed = time.monotonic()
                    break
                except OperationalError:  # SQLite may give up waiting under contention: retry, like a browser
                    db.session.rollback()
                    if attempt == 4:
                        raise
        with lock:
            acknowledged[number] = (committed, *written)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(write, number) for number in range(WRITES)]
        deadline = time.monotonic() + 60
        while len(acknowledged) < WRITES // 5 and time.monotonic() < deadline:
            time.sleep(0.002)
        started = time.monotonic()
        with app.app_context():
            info = backups.create(path)
            db.session.remove()
        for future in futures:
            future.result()

    before = {n: (kind, ident) for n, (at, kind, ident) in acknowledged.items() if at < started}
    assert len(acknowledged) == WRITES
    assert 0 < len(before) < WRITES, "the backup must start while writes are under way"

    target = new_database()
    with target.app_context():
        result = backups.restore(path)
        assert result.ok, str(result)
        assert result.integrity == "ok"
        assert result.audit.intact and result.audit.head == info.manifest.audit_head
        missing = []
        for number, (kind, ident) in sorted(before.items()):
            if kind == "case":
                case = db.session.get(Case, ident)
                if case is None or case.summary != f"Write {number}":
                    missing.append(number)
            else:
                entry = db.session.get(ChronologyEntry, ident)
                if entry is None or entry.body["text"] != f"Write {number}":
                    missing.append(number)
        assert missing == [], f"writes acknowledged before the backup started but not in it: {missing}"
        restored_cases = db.session.scalar(select(func.count()).select_from(Case))
        assert restored_cases >= 4 + sum(1 for kind, _ in before.values() if kind == "case")
        db.session.remove()


# -- refusals and files --------------------------------------------------------------------------------


def test_a_database_that_is_not_empty_is_refused(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "full.backup"
    with app.app_context():
        seeded_case("FULL")
        backups.create(path)
        events = audit.verify().events
        with pytest.raises(backups.BackupError, match="the database is not empty"):
            backups.restore(path)
        assert audit.verify().events == events  # nothing happened to the live database


def test_an_existing_backup_is_never_overwritten(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "once.backup"
    with app.app_context():
        backups.create(path)
        written = path.read_bytes()
        with pytest.raises(backups.BackupError, match="already exists"):
            backups.create(path)
        assert path.read_bytes() == written
        other = tmp_path / "other.backup"
        backups.manifest_path_for(other).write_text("{}")  # a stray manifest is not overwritten either
        with pytest.raises(backups.BackupError, match="already exists"):
            backups.create(other)
        assert not other.exists()


def test_backup_and_manifest_are_private_files(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "private.backup"
    old_umask = os.umask(0o022)
    try:
        with app.app_context():
            info = backups.create(path)
    finally:
        os.umask(old_umask)
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert oct(info.manifest_path.stat().st_mode & 0o777) == oct(0o600)
    manifest = json.loads(info.manifest_path.read_text())
    assert set(manifest) >= {"engine", "created_at", "alembic_revision", "kek_ids", "audit_head", "sha256"}
    assert dt.datetime.fromisoformat(manifest["created_at"]).utcoffset() == dt.timedelta(0)


def test_a_changed_backup_is_refused(app: Flask, tmp_path: Path, new_database: NewDatabase) -> None:
    path = tmp_path / "changed.backup"
    with app.app_context():
        seeded_case("CHANGED")
        backups.create(path)
    with path.open("ab") as handle:
        handle.write(b"\0" * 16)
    target = new_database()
    with target.app_context(), pytest.raises(backups.BackupError, match="does not match its manifest"):
        backups.restore(path)
    assert tables(target) == []


# -- the commands ---------------------------------------------------------------------------------------


def test_the_commands(app: Flask, tmp_path: Path, new_database: NewDatabase) -> None:
    path = tmp_path / "cli.backup"
    with app.app_context():
        seeded_case("CLI")
    created = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert created.exit_code == 0, created.output
    assert created.output.startswith(f"Backup written to {path} ({db_engine(app)}, ")
    assert " events, head " in created.output and created.output.count("\n") == 1

    again = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
    assert again.exit_code == 1 and "already exists" in again.output

    into_live = app.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert into_live.exit_code == 1 and "the database is not empty" in into_live.output

    target = new_database()
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert restored.exit_code == 0, restored.output
    assert restored.output.startswith(f"Restored {path}: integrity ok; audit chain intact: ")
    assert restored.output.count("\n") == 1
    verified = target.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and verified.output.startswith("audit chain intact: ")


def test_the_postgresql_password_goes_through_the_environment(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url("postgresql+psycopg://casetracker:s3cret-pw@db.example:5433/school?sslmode=require")
    env = backups._libpq_env(url)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == (
        "db.example",
        "5433",
        "casetracker",
        "school",
    )
    assert (env["PGPASSWORD"], env["PGSSLMODE"]) == ("s3cret-pw", "require")
    if db_engine(app) != "postgresql":
        return
    commands: list[list[str]] = []
    real_run = backups.subprocess.run

    def recording_run(command: list[str], **kwargs: object):  # type: ignore[no-untyped-def]
        commands.append(command)
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(backups.subprocess, "run", recording_run)
    with app.app_context():
        backups.create(tmp_path / "env.backup")
    assert commands and all("://" not in part and "password" not in part.lower() for c in commands for part in c)
