"""Process-level tests: Casetracker served by gunicorn in its own processes, on loopback.

Each test module gets its own database (a SQLite file, or a new database on the PostgreSQL server
that CASETRACKER_TEST_DATABASE_URL names), keyring and attachment directory under a temporary
directory, migrated and seeded with the fictional demo school by the real `flask` commands. The
servers run in production mode, mailing a loopback SMTP sink.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casetracker import clock
from tests.live.harness import Client, Server, SmtpSink, Totp, environments, flask, sign_in, start_gunicorn

DEMO_PASSWORD = "oakfield-demo-password"
HEAD = "head@oakfield.example"
CHAIR = "chair@oakfield.example"
TEACHING_ASSISTANT = "ta@oakfield.example"  # no two-factor


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/live/" in str(item.fspath):
            item.add_marker(pytest.mark.live)


@pytest.fixture(autouse=True)
def set_clock() -> Iterator[dt.datetime]:
    """The servers here run in production mode, in their own processes, on the system clock, which
    nothing may set. So these tests keep the system clock too, and ask only for days relative to it
    (yesterday, three days ago), which every day of the year has."""
    clock.reset()
    yield clock.utcnow()


def on_postgres() -> bool:
    return (os.environ.get("CASETRACKER_TEST_DATABASE_URL") or "").startswith("postgresql")


@dataclass
class LiveSite:
    """A migrated, seeded database and what it takes to serve it."""

    workdir: Path
    database_url: str
    setup_env: dict[str, str]
    serve_env: dict[str, str]
    sink: SmtpSink
    servers: list[Server] = field(default_factory=list)
    totps: dict[str, Totp] = field(default_factory=dict)

    @property
    def engine_name(self) -> str:
        return "postgresql" if self.database_url.startswith("postgresql") else "sqlite"

    def start(self, name: str = "app", workers: int = 2, port: int | None = None, **env: str) -> Server:
        server = start_gunicorn(name, "wsgi:app", {**self.serve_env, **env}, self.workdir, workers=workers, port=port)
        self.servers.append(server)
        return server

    def flask(self, *args: str) -> None:
        flask(list(args), self.setup_env)

    def totp_secret(self, email: str) -> str:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                secret = conn.execute(
                    text("SELECT totp_secret FROM user_account WHERE email = :email"), {"email": email}
                ).scalar_one()
        finally:
            engine.dispose()
        return str(secret)

    def sign_in(self, server: Server, email: str = HEAD) -> Client:
        """Sign in with the demo password (and the next unused two-factor code, if the account has one)."""
        totp = None
        if email != TEACHING_ASSISTANT:
            totp = self.totps.setdefault(email, Totp(self.totp_secret(email)))
        return sign_in(server.port, email, DEMO_PASSWORD, totp)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers.clear()


def new_database(workdir: Path) -> tuple[str, object]:
    """A database URL and a function that drops it."""
    base = os.environ.get("CASETRACKER_TEST_DATABASE_URL") or ""
    if not base.startswith("postgresql"):
        return f"sqlite:///{workdir / 'live.db'}", lambda: None
    name = f"live_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="module")
def live_site() -> Iterator[LiveSite]:
    workdir = Path(tempfile.mkdtemp(prefix="casetracker-live-"))
    database_url, drop = new_database(workdir)
    sink = SmtpSink()
    setup_env, serve_env = environments(workdir, database_url, sink.port)
    site = LiveSite(workdir, database_url, setup_env, serve_env, sink)
    try:
        site.flask("keys", "init")
        site.flask("db", "upgrade")
        site.flask("demo", "seed")
        yield site
    finally:
        site.stop()
        sink.stop()
        drop()  # type: ignore[operator]
        shutil.rmtree(workdir, ignore_errors=True)
