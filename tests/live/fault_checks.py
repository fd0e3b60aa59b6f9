"""What the fault tests check after a crash: the database is sound, and every case is whole.

They read the live site's database from the test process, through an app of our own on the same
database and keyring (so the services decrypt what gunicorn wrote). Also: killing a gunicorn
with SIGKILL, master and workers, so that nothing of it is left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select, text

from casetracker import audit, create_app
from casetracker.extensions import db
from casetracker.models import AuditEvent, Base, Case, CaseKey, CasePerson, ChronologyEntry, Report
from config import TestConfig
from tests.live.conftest import LiveSite
from tests.live.harness import Server, free_port

# --- the server dies -----------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    """Whether the process is still running (a zombie waiting to be reaped counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in {"Z", "X"}


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def kill_server(server: Server) -> int:
    """SIGKILL the master first (so it cannot fork a replacement worker), then every worker.

    Returns how many processes were killed. Raises if any of them, or the listening socket, outlives
    the kill: a lingering worker would keep serving from a database the test thinks is idle."""
    pids = [server.process.pid, *server.workers]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids[1:]) or _listening(server.port):
        if time.monotonic() > deadline:
            left = [pid for pid in pids[1:] if _alive(pid)]
            raise AssertionError(f"gunicorn outlived SIGKILL: workers {left} still running, port {server.port}")
        time.sleep(0.02)
    return len(pids)


# --- our own view of the database ----------------------------------------------------------------


def verifying_app(site: LiveSite) -> Flask:
    """An app in the test process on the live site's database and keyring: it decrypts what the
    server wrote, as the server would."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = site.database_url
        KEY_FILE = str(site.workdir / "keyring.json")
        ATTACHMENT_DIR = str(site.workdir / "attachments")

    return create_app(Config)


def integrity_problems(app: Flask) -> list[str]:
    """What the database itself says is wrong, plus rows whose parent is missing.

    SQLite: PRAGMA integrity_check (pages, indexes, constraints) and PRAGMA foreign_key_check.
    PostgreSQL enforces foreign keys itself, so there we ask amcheck to check every B-tree index
    against its table (bt_index_check with heapallindexed: each row is in each of its indexes),
    that no constraint is left NOT VALID, and, on both engines, look for orphans of every foreign
    key in the schema by query (in case a constraint were missing or disabled).
    """
    problems: list[str] = []
    with app.app_context(), db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if rows != ["ok"]:
                problems += [f"integrity_check: {r}" for r in rows]
            problems += [f"foreign_key_check: {tuple(r)}" for r in conn.execute(text("PRAGMA foreign_key_check"))]
        else:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            conn.commit()
            indexes = conn.execute(
                text(
                    "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.amname = 'btree' AND n.nspname = 'public'"
                )
            ).all()
            for oid, name in indexes:
                try:
                    conn.execute(text("SELECT bt_index_check(:oid, true)"), {"oid": oid})
                except Exception as error:  # amcheck raises on corruption: report which index
                    conn.rollback()
                    problems.append(f"amcheck {name}: {error}")
            problems += [
                f"constraint not validated: {r[0]}"
                for r in conn.execute(text("SELECT conname FROM pg_constraint WHERE NOT convalidated"))
            ]
        for table in Base.metadata.sorted_tables:
            for fk in table.foreign_keys:
                child, parent = fk.parent, fk.column
                orphans = conn.execute(
                    text(
                        f"SELECT count(*) FROM {table.name} c WHERE c.{child.name} IS NOT NULL AND NOT EXISTS "
                        f"(SELECT 1 FROM {parent.table.name} p WHERE p.{parent.name} = c.{child.name})"
                    )
                ).scalar_one()
                if orphans:
                    problems.append(f"{orphans} rows of {table.name}.{child.name} point at no {parent.table.name}")
    return problems


@dataclass
class Found:
    """Where each marker of ours was found: case ids for reports, (case id, entry id) for notes."""

    reports: dict[str, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))
    notes: dict[str, list[tuple[uuid.UUID, uuid.UUID]]] = field(default_factory=lambda: defaultdict(list))
    cases_checked: int = 0
    entries_checked: int = 0


def whole_case_problems(case: Case, entries: list[ChronologyEntry], audited: set[tuple[str, str]]) -> list[str]:
    """What a case filed through the reporting journey must have, all of it or none (one
    transaction): its data key, its report, the subject, 'report received' as entry 1, triage and
    routing, an unbroken sequence of entries, and the audit events of its filing."""
    problems: list[str] = []
    name = f"case {case.reference}"
    key = db.session.scalars(select(CaseKey).where(CaseKey.case_id == case.id)).first()
    if key is None or key.wrapped is None or key.kek_id is None:
        problems.append(f"{name}: no data key")
    reports = db.session.scalars(select(Report).where(Report.case_id == case.id)).all()
    if len(reports) != 1:
        problems.append(f"{name}: {len(reports)} reports, not 1")
    subjects = db.session.scalars(
        select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.role == "subject")
    ).all()
    if len(subjects) != 1:
        problems.append(f"{name}: {len(subjects)} subjects, not 1")
    seqs = [e.seq for e in entries]
    if seqs != list(range(1, len(seqs) + 1)):
        problems.append(f"{name}: chronology sequence {seqs} has gaps")
    types = [(e.body or {}).get("type") for e in entries]
    if types[:1] != ["report_received"] or "triage" not in types or "routing" not in types:
        problems.append(f"{name}: first entries {types[:4]} lack report received, triage or routing")
    if not (case.details or {}).get("routing"):
        problems.append(f"{name}: no routing decision in its details")
    for action in ("case.created", "case.routed", "report.submitted"):
        if (action, str(case.id)) not in audited:
            problems.append(f"{name}: no {action} audit event")
    return problems


def audited_objects(actions: tuple[str, ...]) -> set[tuple[str, str]]:
    """(action, object id) of every audit event of these kinds."""
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.object_id).where(AuditEvent.action.in_(actions)))
    return {(action, str(object_id)) for action, object_id in rows}


def audit_chain_problem() -> str | None:
    result = audit.verify()
    return None if result.intact else str(result)


# --- a mail server that holds the first message ---------------------------------------------------


class HeldMail:
    """An SMTP server on loopback that, on its first message, says so and then holds its answer.

    Filing a report commits the case and then emails the people concerned: while the server is
    held here, the case is in the database and the rest of the request (discarding the reporter's
    draft, the redirect to 'Concern received') has not happened. A crash can be placed exactly there.
    """

    def __init__(self, hold_seconds: float = 3.0) -> None:
        import asyncio

        from aiosmtpd.controller import Controller

        self.arrived = threading.Event()
        self.released = threading.Event()
        outer = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if not outer.arrived.is_set():
                    outer.arrived.set()
                    await asyncio.sleep(hold_seconds)
                    outer.released.set()
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.arrived.is_set():
            self.released.wait(timeout=30)  # let the held answer finish before the loop closes
        self.controller.stop()
