"""Backups: a consistent snapshot of the live database, and restoring one into an empty database.

`create(PATH)` copies the database while the app goes on serving: on SQLite through the SQLite
backup API (one step, inside one read transaction: a consistent snapshot, writers carry on in
WAL mode); on PostgreSQL with `pg_dump --format=custom`, whose own repeatable-read transaction
is a consistent snapshot. Next to the backup it writes a manifest, PATH.json, naming the engine,
when the backup was taken (UTC), the Alembic revision, the ids of the key-encryption keys that
wrap the data keys in it and the audit chain's length and head hash. Both files are mode 0600 and
neither is ever overwritten.

**A backup holds no keys.** The keyring (CASETRACKER_KEY_FILE) lives outside the database, so a
backup is ciphertext and keyed hashes only: it can be read only with a keyring that still holds
the key-encryption keys listed in its manifest.

Backups expire by key epoch. `keys rotate` re-wraps every data key under a new key-encryption key
and `keys retire KEY_ID` deletes the old one: from then on, every backup whose data keys were
wrapped by the retired key is unreadable, and `restore` refuses it before changing anything. With
a retention period of P days, rotate every P days and, at each rotation, retire the key that was
active before the previous rotation: every backup stays readable for at least P days and none for
more than 2P, so a case destroyed (crypto-shredded) today is gone from every backup, however many
copies were made, at most 2P days from now.

`restore(PATH)` writes only into an EMPTY database. Empty means either no tables at all (a new
database) or the schema `flask db upgrade` makes with no rows in any table other than the
bookkeeping ones (`alembic_version`, `audit_head` still at the genesis, `key_canary`); on SQLite
the backup replaces the whole file, on PostgreSQL `pg_restore --clean` replaces that empty
schema. Anything else is refused. Before writing, it checks that every key-encryption key the
backup needs is in the current keyring (read from the manifest and from the backup itself, so a
missing manifest changes nothing). After writing, it checks the keyring's canary, the database's
integrity (SQLite `PRAGMA integrity_check` and `foreign_key_check`; on PostgreSQL a query over
every table, after `pg_restore --single-transaction` made every constraint), the audit chain
(`audit.verify`, and that it ends where the manifest says) and that every data key unwraps.
Stop the app while restoring: the restore is not meant to race with writers.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL

from casetracker import audit, crypto
from casetracker.clock import utcnow
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models.case_keys import CaseKey
from casetracker.services import keys

MANIFEST_FORMAT = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Tables `flask db upgrade` (and the first start after it) fill: a database holding rows only
# here is still empty.
BOOKKEEPING_TABLES = frozenset({"alembic_version", "audit_head", "key_canary"})
# libpq reads these from the environment, so nothing secret goes on a command line.
LIBPQ_QUERY_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why. Nothing was written."""


class UnreadableBackupError(BackupError):
    """The backup needs a key-encryption key this keyring no longer holds: its key epoch is retired."""


@dataclass(frozen=True)
class Manifest:
    """What a backup is, written next to it as PATH.json (never any key)."""

    engine: str
    created_at: str
    alembic_revision: str | None
    kek_ids: tuple[str, ...]
    audit_events: int
    audit_head: str
    sha256: str
    size: int

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": MANIFEST_FORMAT,
                "engine": self.engine,
                "created_at": self.created_at,
                "alembic_revision": self.alembic_revision,
                "kek_ids": list(self.kek_ids),
                "audit_events": self.audit_events,
                "audit_head": self.audit_head,
                "sha256": self.sha256,
                "size": self.size,
                "note": "This backup holds no keys: it can be read only with a keyring that holds the keys in kek_ids.",
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, source: str) -> Manifest:
        data = json.loads(source)
        if data.get("format") != MANIFEST_FORMAT:
            raise ValueError("unknown manifest format")
        return cls(
            engine=str(data["engine"]),
            created_at=str(data["created_at"]),
            alembic_revision=data["alembic_revision"],
            kek_ids=tuple(str(kid) for kid in data["kek_ids"]),
            audit_events=int(data["audit_events"]),
            audit_head=str(data["audit_head"]),
            sha256=str(data["sha256"]),
            size=int(data["size"]),
        )


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    manifest_path: Path
    manifest: Manifest

    def __str__(self) -> str:
        m = self.manifest
        return f"Backup written to {self.path} ({m.engine}, {m.audit_events} events, head {m.audit_head[:12]}…)"


@dataclass(frozen=True)
class RestoreResult:
    """What the checks after a restore found. The audit result is the chain as restored; the restore
    itself is then recorded as one more event."""

    path: Path
    engine: str
    integrity: str
    audit: audit.Verification
    canary_problem: str | None
    data_keys: int
    unreadable_cases: tuple[uuid.UUID, ...]
    manifest_problems: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def integrity_ok(self) -> bool:
        return self.integrity == "ok"

    @property
    def ok(self) -> bool:
        return (
            self.integrity_ok
            and self.audit.intact
            and self.canary_problem is None
            and not self.unreadable_cases
            and not self.manifest_problems
        )

    @property
    def problems(self) -> list[str]:
        found = []
        if not self.integrity_ok:
            found.append(f"integrity check failed: {self.integrity}")
        if not self.audit.intact:
            found.append(str(self.audit))
        if self.canary_problem:
            found.append(self.canary_problem)
        if self.unreadable_cases:
            found.append(
                f"{len(self.unreadable_cases)} of {self.data_keys} data keys do not unwrap under this keyring "
                "(their key epoch is retired, or the keyring is wrong): those cases are unreadable"
            )
        found.extend(self.manifest_problems)
        return found

    def __str__(self) -> str:
        if self.ok:
            line = f"Restored {self.path}: integrity ok; {self.audit}"
            return "\n".join([line, *self.notes])
        return "\n".join(
            [f"Restored {self.path}, but it failed its checks:", *(f"- {p}" for p in self.problems), *self.notes]
        )


@dataclass(frozen=True)
class _Facts:
    alembic_revision: str | None
    kek_ids: tuple[str, ...]
    audit_events: int
    audit_head: str


# -- create ------------------------------------------------------------------------------------------


def manifest_path_for(path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(path)}.json")


def create(path: str | os.PathLike[str]) -> BackupInfo:
    """Take a consistent snapshot of the live database into PATH (new file, mode 0600) and PATH.json.

    The backup holds no keys: the keyring lives outside the database.
    """
    path = Path(path)
    manifest_path = manifest_path_for(path)
    for existing in (path, manifest_path):
        if os.path.lexists(existing):
            raise BackupError(f"{existing} already exists: refusing to overwrite it. Choose a new file name.")
    engine = db.engine.dialect.name
    if engine not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")
    fd = _new_private_file(path)
    manifest_created = False
    try:
        try:
            facts = _create_sqlite(path) if engine == "sqlite" else _create_postgresql(fd)
            os.fsync(fd)  # the file is complete on disk before its manifest says so
        finally:
            os.close(fd)
        digest, size = _digest(path)
        manifest = Manifest(
            engine=engine,
            created_at=utcnow().isoformat(timespec="seconds"),
            alembic_revision=facts.alembic_revision,
            kek_ids=facts.kek_ids,
            audit_events=facts.audit_events,
            audit_head=facts.audit_head,
            sha256=digest,
            size=size,
        )
        manifest_fd = _new_private_file(manifest_path)
        manifest_created = True
        with os.fdopen(manifest_fd, "w") as handle:
            handle.write(manifest.to_json() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        if manifest_created:
            manifest_path.unlink(missing_ok=True)
        raise
    audit.record("backup.created", object_type="backup", object_id=digest, engine=engine)
    db.session.commit()
    return BackupInfo(path=path, manifest_path=manifest_path, manifest=manifest)


def _new_private_file(path: Path) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} already exists: refusing to overwrite it. Choose a new file name.") from None
    except OSError as error:
        raise BackupError(f"Cannot create {path}: {error.strerror}") from None
    os.fchmod(fd, 0o600)
    return fd


def _create_sqlite(path: Path) -> _Facts:
    dest = sqlite3.connect(path)
    try:
        raw = db.engine.raw_connection()
        try:
            # pages=-1: the whole database in one step, inside one read transaction of the
            # source, so the copy is a consistent snapshot; in WAL mode writers carry on meanwhile.
            raw.driver_connection.backup(dest, pages=-1)  # type: ignore[union-attr]
        finally:
            raw.close()
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        # Read from the copy itself: exactly the snapshot the backup holds.
        return _facts(lambda sql: dest.execute(sql).fetchall())
    finally:
        dest.close()


def _create_postgresql(fd: int) -> _Facts:
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            # Export this transaction's snapshot and have pg_dump use it: the manifest's facts and
            # the dump describe exactly the same moment.
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = _facts(lambda sql: [tuple(row) for row in connection.execute(text(sql))])
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"],
                stdout=fd,
            )
    return facts


def _facts(query: Callable[[str], Sequence[tuple[Any, ...]]]) -> _Facts:
    try:
        revision_rows = query("SELECT version_num FROM alembic_version")
        kek_rows = query("SELECT DISTINCT kek_id FROM case_key WHERE wrapped IS NOT NULL AND kek_id IS NOT NULL")
        head_rows = query("SELECT seq, hash FROM audit_head WHERE id = 1")
    except Exception as error:  # sqlite3 and SQLAlchemy raise different errors: both mean no schema
        raise BackupError(
            f"The database has no Casetracker schema ({type(error).__name__}): run 'flask --app wsgi db upgrade'."
        ) from None
    seq, head = head_rows[0] if head_rows else (0, audit.GENESIS_HASH)
    return _Facts(
        alembic_revision=str(revision_rows[0][0]) if revision_rows else None,
        kek_ids=tuple(sorted(str(row[0]) for row in kek_rows)),
        audit_events=int(seq),
        audit_head=str(head),
    )


def _digest(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


# -- restore -----------------------------------------------------------------------------------------


def restore(path: str | os.PathLike[str]) -> RestoreResult:
    """Restore PATH into the configured database, which must be empty; then check what was restored.

    Refused (BackupError, nothing written) when the file is not a backup for this engine, does not
    match its manifest, needs a retired key-encryption key (UnreadableBackupError) or the database
    is not empty. Otherwise returns the checks' results: see RestoreResult.ok.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    engine = db.engine.dialect.name
    kind = _backup_engine(path)
    if kind != engine:
        raise BackupError(f"{path} is a {kind} backup, but the configured database is {engine}.")
    manifest = _read_manifest(path)
    digest, _ = _digest(path)
    notes: list[str] = []
    if manifest is None:
        notes.append(f"(no manifest {manifest_path_for(path)}: the key epochs were read from the backup itself)")
    else:
        if manifest.engine != engine or digest != manifest.sha256:
            raise BackupError(
                f"{path} does not match its manifest {manifest_path_for(path)}: the file was changed, "
                "cut short or belongs to another backup. Nothing was restored."
            )
    ring = _current_keyring()
    needed = set(manifest.kek_ids if manifest else ()) | _kek_ids_in_backup(path, engine)
    missing = sorted(needed - set(ring.keks))
    if missing:
        named = f"key {missing[0]}, which has" if len(missing) == 1 else f"keys {', '.join(missing)}, which have"
        raise UnreadableBackupError(
            f"This backup cannot be read: it was made with {named} been retired (not in the keyring {ring.path}). "
            "Backups older than the last key retirement are unreadable by design. Nothing was restored."
        )
    has_schema = _require_empty(path, engine)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock or a stale schema
    if engine == "sqlite":
        _restore_sqlite(path)
    else:
        _restore_postgresql(path, clean=has_schema)
    db.engine.dispose()
    result = _check(path, engine, ring, manifest, notes)
    if result.ok:
        audit.record("backup.restored", object_type="backup", object_id=digest, engine=engine)
        db.session.commit()
    return result


def _backup_engine(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a Casetracker backup (neither a SQLite database nor a pg_dump archive).")


def _read_manifest(path: Path) -> Manifest | None:
    manifest_path = manifest_path_for(path)
    if not manifest_path.exists():
        return None
    try:
        return Manifest.from_json(manifest_path.read_text())
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"The manifest {manifest_path} is damaged ({error}). Nothing was restored.") from None


def _current_keyring() -> crypto.Keyring:
    """The keyring as it is on disk now (another process may have rotated or retired keys)."""
    ring = crypto.Keyring.load(keyring().path, strict_permissions=current_app.config["IS_PRODUCTION"])
    current_app.extensions["keyring"] = ring
    return ring


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _kek_ids_in_backup(path: Path, engine: str) -> set[str]:
    """The key-encryption keys that wrap data keys in the backup, read from the backup itself."""
    if engine == "sqlite":
        source = _sqlite_read_only(path)
        try:
            return {
                str(row[0])
                for row in source.execute(
                    "SELECT DISTINCT kek_id FROM case_key WHERE wrapped IS NOT NULL AND kek_id IS NOT NULL"
                )
            }
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a readable Casetracker backup: {error}.") from None
        finally:
            source.close()
    # The case_key table's data as COPY text: only the clear key ids are looked at.
    listing = _run([_tool("pg_restore"), "--data-only", "--table=case_key", "--file=-", str(path)], capture=True)
    found: set[str] = set()
    columns: list[str] | None = None
    for line in listing.splitlines():
        if columns is None:
            if re.match(r'COPY (\S+\.)?"?case_key"? \(', line):
                columns = [c.strip().strip('"') for c in line.split("(", 1)[1].split(")", 1)[0].split(",")]
            continue
        if line == "\\.":
            break
        values = dict(zip(columns, line.split("\t"), strict=False))
        if values.get("wrapped", "\\N") != "\\N" and values.get("kek_id", "\\N") != "\\N":
            found.add(values["kek_id"])
    return found


def _require_empty(path: Path, engine: str) -> bool:
    """Refuse a database that holds anything; True when it has the (empty) schema already."""
    tables = set(inspect(db.engine).get_table_names())
    if not tables:
        return False
    quote = db.engine.dialect.identifier_preparer.quote
    holding = []
    with db.engine.connect() as connection:
        for table in sorted(tables - BOOKKEEPING_TABLES):
            if connection.execute(text(f"SELECT 1 FROM {quote(table)} LIMIT 1")).first() is not None:  # noqa: S608
                holding.append(table)
        if "audit_head" in tables:
            seq = connection.execute(text("SELECT max(seq) FROM audit_head")).scalar()
            if seq:
                holding.append("audit_head")
    if holding:
        shown = ", ".join(holding[:5]) + (", …" if len(holding) > 5 else "")
        raise BackupError(
            f"Refusing to restore: the database is not empty ({shown} hold rows). "
            "Restore only into a new, empty database. Nothing was restored."
        )
    if engine == "postgresql":
        extra = sorted(tables - _tables_in_pg_dump(path))
        if extra:
            raise BackupError(
                f"Refusing to restore: the database has tables the backup does not ({', '.join(extra)}): "
                "restore into a new database without tables. Nothing was restored."
            )
    return True


def _tables_in_pg_dump(path: Path) -> set[str]:
    tables = set()
    for line in _run([_tool("pg_restore"), "--list", str(path)], capture=True).splitlines():
        parts = line.split()
        # "215; 1259 16390 TABLE public audit_event owner"
        if len(parts) >= 6 and parts[0].endswith(";") and parts[3] == "TABLE" and parts[4] != "DATA":
            tables.add(parts[5])
    return tables


def _restore_sqlite(path: Path) -> None:
    source = _sqlite_read_only(path)
    try:
        raw = db.engine.raw_connection()
        try:
            source.backup(raw.driver_connection, pages=-1)  # type: ignore[arg-type]
        finally:
            raw.close()
    finally:
        source.close()


def _restore_postgresql(path: Path, *, clean: bool) -> None:
    database = db.engine.url.database
    if not database:
        raise BackupError("The database URL names no database to restore into.")
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={database}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]  # replace the empty schema `flask db upgrade` made
    _run([*command, str(path)])


def _check(path: Path, engine: str, ring: crypto.Keyring, manifest: Manifest | None, notes: list[str]) -> RestoreResult:
    canary_problem = None
    try:
        keys.check_canaries(ring)  # as at start-up (adds the active key's canary when missing)
    except crypto.KeyringError as error:
        db.session.rollback()
        canary_problem = str(error)
    integrity = _integrity(engine)
    verification = audit.verify()
    manifest_problems = []
    restored_end = (verification.events, verification.head)
    if manifest is not None and verification.intact and restored_end != (manifest.audit_events, manifest.audit_head):
        manifest_problems.append(
            f"the restored audit chain ends at event {verification.events}, head {verification.head}, "
            f"but the manifest says event {manifest.audit_events}, head {manifest.audit_head}"
        )
    data_keys, unreadable = 0, []
    for row in db.session.execute(
        select(CaseKey.case_id, CaseKey.kek_id, CaseKey.wrapped).where(CaseKey.wrapped.is_not(None))
    ):
        data_keys += 1
        try:
            ring.unwrap(row.kek_id or "", row.wrapped, row.case_id)
        except crypto.CryptoError:
            unreadable.append(row.case_id)
    revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    head = _migration_head()
    if head is not None and revision != head:
        notes = [*notes, f"(the database is at migration {revision}; run 'flask --app wsgi db upgrade' for {head})"]
    db.session.rollback()
    return RestoreResult(
        path=path,
        engine=engine,
        integrity=integrity,
        audit=verification,
        canary_problem=canary_problem,
        data_keys=data_keys,
        unreadable_cases=tuple(unreadable),
        manifest_problems=tuple(manifest_problems),
        notes=tuple(notes),
    )


def _integrity(engine: str) -> str:
    with db.engine.connect() as connection:
        try:
            if engine == "sqlite":
                found = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA integrity_check")]
                if found != ["ok"]:
                    return "; ".join(found[:5])
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    return f"{len(broken)} rows break foreign keys (first in {broken[0][0]})"
                return "ok"
            quote = connection.dialect.identifier_preparer.quote
            for table in inspect(connection).get_table_names():
                connection.execute(text(f"SELECT count(*) FROM {quote(table)}"))  # noqa: S608
            return "ok"
        except Exception as error:  # any failure to read is the finding itself
            return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"


def _migration_head() -> str | None:
    try:
        from alembic.script import ScriptDirectory

        state = current_app.extensions["migrate"]
        config = state.migrate.get_config(state.directory)
        return ScriptDirectory.from_config(config).get_current_head()
    except Exception:  # only a hint: never a reason to fail a restore
        return None


# -- PostgreSQL tools ----------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools (postgresql-client).")
    return found


def _libpq_env(url: URL) -> dict[str, str]:
    """The connection as libpq environment variables: the password never appears on a command line."""
    env = dict(os.environ)
    for key, value in {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }.items():
        if value:
            env[key] = str(value)
    for key, value in url.query.items():
        if key in LIBPQ_QUERY_ENV:
            env[LIBPQ_QUERY_ENV[key]] = value if isinstance(value, str) else value[-1]
    return env


def _run(command: list[str], *, stdout: int | None = None, capture: bool = False) -> str:
    name = Path(command[0]).name
    completed = subprocess.run(  # noqa: S603 - fixed PostgreSQL tools, arguments we build
        command,
        stdout=subprocess.PIPE if capture else stdout,
        stderr=subprocess.PIPE,
        env=_libpq_env(db.engine.url),
        check=False,
    )
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{name} failed (exit {completed.returncode}): {' '.join(message[-3:]) or 'no message'}")
    return completed.stdout.decode(errors="replace") if capture else ""
