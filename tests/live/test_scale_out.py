"""Scale-out: two app servers (gunicorn, 2 workers each) behind one PostgreSQL database.

A trust or local authority runs several app servers behind a load balancer, which may send each
request to any of them. Whatever protects a sign-in or a report must then hold across servers:
a session made on one is good on the other, signing out on one ends it everywhere, failed
sign-ins count towards one lockout, IP rate limits count together when the servers share a
limiter store (memcached here), concurrent reports sent through both are all kept, with the
audit chain intact, and keys rotated from one place are used at once by both. The servers run
in production mode with CASETRACKER_PROXY_HOPS=1, as behind a balancer: each visitor's address
comes from the X-Forwarded-For header the balancer adds (the addresses here are from the
documentation ranges of RFC 5737; no traffic goes to them).

PostgreSQL only: SQLite is one file on one machine, so it cannot be shared by app servers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.live.conftest import HEAD, LiveSite, on_postgres
from tests.live.harness import BIN, PYTHON, ROOT, Client, Response, Server, concern_pages, free_port

pytestmark = pytest.mark.skipif(
    not on_postgres(),
    reason="scale-out needs a database that several app servers share: set CASETRACKER_TEST_DATABASE_URL "
    "to PostgreSQL (make test does, on a throwaway cluster)",
)

STAFF_PASSWORD = "fictional-staff-password-2025"
SUBMITTERS = 100
LOCKOUT_EMAIL = "lockout.test@oakfield.example"
SIGN_IN_ERROR = "Enter a correct email address and password"
BEHIND_BALANCER = {"CASETRACKER_PROXY_HOPS": "1"}


def staff_email(number: int) -> str:
    return f"scaleout.staff{number:03d}@oakfield.example"


def create_staff_accounts() -> None:
    """Run in a subprocess (python -c): fictional staff accounts without two-factor.

    Made through the same services as `flask users create`, in one process rather than one
    `flask` run per account. Their passwords are hashed with cheap argon2 parameters (the hash
    carries its parameters, so the servers check them cheaply too): at the production cost, 100
    sign-ins would add tens of seconds on two CPUs, and hashing is not what is tested here.
    """
    from casetracker import create_app
    from casetracker.domain.people import Role
    from casetracker.extensions import db
    from casetracker.services import people
    from config import DevelopmentConfig

    class QuickHashes(DevelopmentConfig):
        ARGON2_TIME_COST = 1
        ARGON2_MEMORY_COST = 8
        ARGON2_PARALLELISM = 1

    app = create_app(QuickHashes)
    with app.app_context():
        accounts = [(staff_email(n), f"Scale-out Staff {n:03d} (fictional)") for n in range(SUBMITTERS)]
        accounts.append((LOCKOUT_EMAIL, "Lockout Tester (fictional)"))
        for email, name in accounts:
            person = people.add_person(
                None, people.PersonDetails(name, email, "Teaching assistant (fictional)"), commit=False
            )
            people.create_account(None, person, [Role.STAFF], STAFF_PASSWORD, commit=False)
        db.session.commit()


@dataclass
class Pair:
    a: Server
    b: Server


@pytest.fixture(scope="module")
def staffed_site(live_site: LiveSite) -> LiveSite:
    completed = subprocess.run(
        [PYTHON, "-c", "from tests.live.test_scale_out import create_staff_accounts as c; c()"],
        cwd=ROOT,
        env=live_site.setup_env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return live_site


@pytest.fixture(scope="module")
def pair(staffed_site: LiveSite) -> Iterator[Pair]:
    """Two servers on different ports, one database, one keyring; each counts IP limits alone."""
    a = staffed_site.start("server-a", **BEHIND_BALANCER)
    b = staffed_site.start("server-b", **BEHIND_BALANCER)
    assert a.port != b.port
    yield Pair(a, b)
    for server in (a, b):
        server.stop()
        staffed_site.servers.remove(server)


def visitor(server: Server, address: str) -> Client:
    """A browser at a fictional address, as the balancer reports it."""
    return Client(server.port, headers={"X-Forwarded-For": address})


def is_signed_in(client: Client) -> bool:
    response = client.get("/")
    if response.status == 200:
        return True
    assert response.status == 302 and "/sign-in" in response.location, (response.status, response.location)
    return False


def try_sign_in(client: Client, email: str, password: str) -> Response:
    client.page("/sign-in")
    return client.post("/sign-in", {"email": email, "password": password})


def db_scalar(site: LiveSite, sql: str, **params: Any) -> Any:
    engine = create_engine(site.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


# --- sessions ----------------------------------------------------------------------------------


def test_a_session_made_on_one_server_is_good_on_the_other_and_sign_out_ends_it_on_both(
    staffed_site: LiveSite, pair: Pair
) -> None:
    # The balancer's health check: 200 from each server, and it leaves no cookie (so no session row).
    for server in (pair.a, pair.b):
        health = Client(server.port).get("/healthz")
        assert health.status == 200 and health.headers.get_all("Set-Cookie") is None

    # The headteacher signs in on A, with two-factor.
    on_a = staffed_site.sign_in(pair.a, HEAD)
    on_a.headers["X-Forwarded-For"] = "192.0.2.10"
    # The balancer sends their next request to B: the same cookie is the same signed-in session.
    on_b = Client(pair.b.port, headers=dict(on_a.headers))
    on_b.cookies = dict(on_a.cookies)
    assert on_b.get("/").status == 200
    # A form fetched from B can be sent to A (the CSRF token lives in the shared session).
    on_b.page("/account")
    on_a.csrf = on_b.csrf
    assert is_signed_in(on_a)

    # Signing out on A revokes the session in the database: B refuses the very same cookie at once,
    # and so does A (should anyone replay the old cookie there).
    replay_on_a = Client(pair.a.port, headers=dict(on_a.headers))
    replay_on_a.cookies = dict(on_a.cookies)
    signed_out = on_a.post("/sign-out", {})
    assert signed_out.status == 302 and signed_out.location.endswith("/sign-in")
    assert not is_signed_in(on_b)
    assert not is_signed_in(replay_on_a)
    assert on_b.get("/cases").status == 302  # a case manager's pages too, not only the home page


# --- lockout -----------------------------------------------------------------------------------


def test_failed_sign_ins_on_both_servers_count_towards_one_lockout(staffed_site: LiveSite, pair: Pair) -> None:
    threshold = 5  # LOCKOUT_THRESHOLD
    address = "192.0.2.20"
    failures = 0
    # Wrong passwords sent in turn to A and B (as a guesser behind a balancer would reach both).
    for attempt in range(threshold - 1):
        server = pair.a if attempt % 2 == 0 else pair.b
        response = try_sign_in(visitor(server, address), LOCKOUT_EMAIL, f"wrong-guess-{attempt}-fictional")
        assert response.status == 200 and SIGN_IN_ERROR in response.text
        failures += 1
    # Both servers' failures are on the one account row: not two counters of two each.
    counted = db_scalar(
        staffed_site, "SELECT failed_sign_ins FROM user_account WHERE email = :email", email=LOCKOUT_EMAIL
    )
    assert counted == failures == threshold - 1
    # The fifth failure, on B, locks the account.
    response = try_sign_in(visitor(pair.b, address), LOCKOUT_EMAIL, "wrong-guess-last-fictional")
    assert response.status == 200 and SIGN_IN_ERROR in response.text
    locked_until = db_scalar(
        staffed_site, "SELECT locked_until FROM user_account WHERE email = :email", email=LOCKOUT_EMAIL
    )
    assert locked_until is not None
    # Now even the right password is refused on both servers, with the same answer as a wrong one
    # (a guesser learns nothing), and no session is signed in.
    for server in (pair.a, pair.b):
        client = visitor(server, "192.0.2.21")
        response = try_sign_in(client, LOCKOUT_EMAIL, STAFF_PASSWORD)
        assert response.status == 200 and SIGN_IN_ERROR in response.text
        assert not is_signed_in(client)
    lockouts = db_scalar(
        staffed_site,
        "SELECT count(*) FROM audit_event WHERE action = 'sign_in.lockout' AND object_id = "
        "(SELECT CAST(id AS TEXT) FROM user_account WHERE email = :email)",
        email=LOCKOUT_EMAIL,
    )
    assert lockouts == 1


# --- IP rate limits ----------------------------------------------------------------------------


class Memcached:
    """memcached on a free loopback port, started and stopped by this test."""

    def __init__(self) -> None:
        binary = shutil.which("memcached") or "/usr/bin/memcached"
        if not os.path.exists(binary):
            pytest.fail("memcached is not installed: run scripts/install-system-packages (make test does)")
        self.port = free_port()
        command = [binary, "-l", "127.0.0.1", "-p", str(self.port), "-U", "0", "-m", "16"]
        if os.geteuid() == 0:
            command += ["-u", "memcache" if _user_exists("memcache") else "nobody"]  # it refuses to run as root
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"memcached did not start on port {self.port}")
                time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"memcached://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def sign_in_attempts(pair: Pair, address: str, count: int) -> list[int]:
    """`count` sign-in attempts from one address, in turn to A and B; the status of each.

    The limit counts every sign-in POST from an address, whatever it holds. These leave the
    password blank, so the form is refused before any password is checked: no argon2 cost, no
    account touched, only the IP limit at work.
    """
    return [
        try_sign_in(visitor(pair.a if attempt % 2 == 0 else pair.b, address), staff_email(0), "").status
        for attempt in range(count)
    ]


def test_sign_in_ip_limit_counts_across_servers_with_a_shared_store(staffed_site: LiveSite, pair: Pair) -> None:
    limit = 20  # SIGN_IN_RATE_LIMIT in production: "20 per minute"
    # Without a shared store (memory://) each of the four worker processes counts alone, so 21
    # attempts spread over both servers are never refused: the README says to use a shared store.
    assert 429 not in sign_in_attempts(pair, "198.51.100.201", limit + 1)

    store = Memcached()
    shared = {**BEHIND_BALANCER, "CASETRACKER_RATELIMIT_STORAGE_URL": store.url}
    try:
        # One worker each keeps the start-up short; the two servers are still two processes.
        limited = Pair(
            staffed_site.start("limited-a", workers=1, **shared), staffed_site.start("limited-b", workers=1, **shared)
        )
        # 20 attempts from one address, half on each server, are all answered...
        assert sign_in_attempts(limited, "203.0.113.7", limit) == [200] * limit
        # ...and the next is refused on either server, even with the right password: they counted together.
        for server in (limited.a, limited.b):
            client = visitor(server, "203.0.113.7")
            refused = try_sign_in(client, staff_email(0), STAFF_PASSWORD)
            assert refused.status == 429 and "too many attempts" in refused.text.lower()
            assert not is_signed_in(client)
        # The limit is per visitor's address (from X-Forwarded-For), not for everyone behind the
        # balancer: a colleague elsewhere still signs in.
        colleague = visitor(limited.b, "203.0.113.8")
        assert try_sign_in(colleague, staff_email(1), STAFF_PASSWORD).status == 302
        assert is_signed_in(colleague)
        # With the store gone, each process counts alone again (and says so in its log) rather
        # than refusing everyone: staff can still sign in.
        store.stop()
        for server in (limited.a, limited.b):
            stranded = visitor(server, "203.0.113.9")
            assert try_sign_in(stranded, staff_email(2), STAFF_PASSWORD).status == 302
            assert is_signed_in(stranded)
    finally:
        for server in [s for s in staffed_site.servers if s.name.startswith("limited-")]:
            server.stop()
            staffed_site.servers.remove(server)
        store.stop()


# --- concurrent reports ------------------------------------------------------------------------

REFERENCE = re.compile(r"<strong>([A-Z0-9-]{6,20})</strong>")


def marker(number: int) -> str:
    return f"SCALEOUT-MARKER-{number:03d}"


@dataclass
class Outcome:
    number: int
    client: Client
    reference: str = ""
    filed_on: int = 0  # the port of the server that took the sending POST
    error: str = ""


def report_through(outcome: Outcome, servers: list[Server], ready: threading.Barrier | None = None) -> None:
    """Sign in as staff member `outcome.number`, answer every question and send the concern.

    No sticky sessions: each request goes to the next of `servers` in turn, so the draft and the
    session must be shared. With `ready`, wait there before sending (everyone sends together).
    """
    client, step = outcome.client, 0

    def send(path: str, form: dict[str, Any] | None = None) -> Response:
        nonlocal step
        client.port = servers[step % len(servers)].port
        step += 1
        return client.page(path) if form is None else client.post(path, form)

    send("/sign-in")
    response = send("/sign-in", {"email": staff_email(outcome.number % SUBMITTERS), "password": STAFF_PASSWORD})
    assert response.status == 302, f"sign-in answered {response.status}"
    assert send("/report").status == 200
    for path, form, expected in concern_pages(marker(outcome.number)):
        response = send(path, form)
        assert response.status == 302 and response.location.startswith(expected), (
            f"{path} answered {response.status} {response.location}"
        )
    if ready is not None:
        ready.wait()
    response = send("/report/check", {})
    outcome.filed_on = client.port
    assert response.status == 302 and response.location.startswith("/report/sent"), (
        f"sending answered {response.status} {response.location}"
    )
    confirmation = send("/report/sent")
    found = REFERENCE.search(confirmation.text)
    assert confirmation.status == 200 and found, f"no reference on the confirmation ({confirmation.status})"
    outcome.reference = found.group(1)


def read_back(outcome: Outcome, server: Server) -> None:
    """The reporter finds their report by its reference on `server` and sees what they wrote."""
    client = outcome.client
    client.port = server.port
    yours = client.get("/report/yours")
    link = re.search(rf'href="(/report/yours/[0-9a-f-]+)">{re.escape(outcome.reference)}<', yours.text)
    assert yours.status == 200 and link, f"{outcome.reference} is not in their reports"
    report = client.get(link.group(1))
    assert report.status == 200 and marker(outcome.number) in report.text, "what they sent is not shown"


def test_concurrent_reports_through_both_servers_are_all_kept_and_the_audit_chain_holds(
    staffed_site: LiveSite, pair: Pair
) -> None:
    cases_before = db_scalar(staffed_site, "SELECT count(*) FROM case_record")
    outcomes = [Outcome(n, visitor(pair.a, f"198.51.100.{n + 1}")) for n in range(SUBMITTERS)]
    # Everyone fills in their draft first; then all 100 press "Send" together.
    ready = threading.Barrier(SUBMITTERS, timeout=240)

    def submit(outcome: Outcome) -> None:
        servers = [pair.a, pair.b] if outcome.number % 2 == 0 else [pair.b, pair.a]
        try:
            report_through(outcome, servers, ready)
        except Exception as error:  # reported per submitter below
            outcome.error = f"{type(error).__name__}: {error}"
            ready.abort()  # nobody waits for a submitter who cannot arrive

    threads = [threading.Thread(target=submit, args=(outcome,)) for outcome in outcomes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Every submitter was told their concern was received, with its own reference.
    # (Submitters who only gave up waiting for a failed one come last: the cause is listed first.)
    errors = sorted((f"staff {o.number:03d}: {o.error}" for o in outcomes if o.error), key=lambda e: "Barrier" in e)
    assert not errors, "\n".join(errors[:10])
    references = {o.reference for o in outcomes}
    assert len(references) == SUBMITTERS
    assert sum(o.filed_on == pair.a.port for o in outcomes) == sum(o.filed_on == pair.b.port for o in outcomes) == 50

    # Every acknowledged report is in the database: exactly 100 new cases, none lost or doubled,
    # each filed once in the audit trail.
    assert db_scalar(staffed_site, "SELECT count(*) FROM case_record") == cases_before + SUBMITTERS
    listed = ", ".join(f"'{reference}'" for reference in sorted(references))  # generated references only
    assert db_scalar(staffed_site, f"SELECT count(*) FROM case_record WHERE reference IN ({listed})") == SUBMITTERS
    assert (
        db_scalar(
            staffed_site,
            f"SELECT count(*) FROM audit_event WHERE action = 'report.submitted' AND case_id IN "
            f"(SELECT id FROM case_record WHERE reference IN ({listed}))",
        )
        == SUBMITTERS
    )

    # Each reporter reads back what they sent, decrypted, from the server that did not file it.
    problems: list[str] = []

    def check(outcome: Outcome) -> None:
        try:
            read_back(outcome, pair.b if outcome.filed_on == pair.a.port else pair.a)
        except Exception as error:  # reported per reporter below
            problems.append(f"staff {outcome.number:03d}: {type(error).__name__}: {error}")

    readers = [threading.Thread(target=check, args=(o,)) for o in outcomes]
    for start in range(0, SUBMITTERS, 10):  # ten at a time: this is a check, not more load
        batch = readers[start : start + 10]
        for thread in batch:
            thread.start()
        for thread in batch:
            thread.join()
    assert not problems, "\n".join(problems[:10])

    # The hash chain survived 100 concurrent writers on two servers: `audit verify` recomputes it.
    verified = flask_command(staffed_site, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "audit chain intact" in verified.stdout

    # And neither server logged an unhandled error while it happened.
    for server in (pair.a, pair.b):
        log = server.log.read_text(errors="replace")
        assert "Traceback" not in log, log[-3000:]


# --- keys rotated from one place -----------------------------------------------------------------


def flask_command(site: LiveSite, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=site.setup_env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_keys_rotated_and_retired_from_one_place_reach_both_running_servers(staffed_site: LiveSite, pair: Pair) -> None:
    # A report filed before the rotation, under the key in use then.
    earlier = Outcome(SUBMITTERS + 2, visitor(pair.a, "198.51.100.152"))
    report_through(earlier, [pair.a, pair.b])

    # The servers share one keyring file; `keys rotate` runs once, from one place, while they serve.
    key_file = Path(staffed_site.setup_env["CASETRACKER_KEY_FILE"])
    old = json.loads(key_file.read_text())["active"]
    rotated = flask_command(staffed_site, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    new = json.loads(key_file.read_text())["active"]
    assert new != old

    # Reports sent through either running server from now on are wrapped by the new key, not the
    # one each worker loaded when it started...
    outcomes = [
        Outcome(SUBMITTERS + n, visitor(server, f"198.51.100.{150 + n}")) for n, server in enumerate((pair.a, pair.b))
    ]
    for outcome, server in zip(outcomes, (pair.a, pair.b), strict=True):
        report_through(outcome, [server])
    listed = ", ".join(f"'{o.reference}'" for o in outcomes)
    wrapped_by = db_scalar(
        staffed_site,
        "SELECT string_agg(DISTINCT k.kek_id, ',') FROM case_key k JOIN case_record c ON c.id = k.case_id "
        f"WHERE c.reference IN ({listed})",
    )
    assert wrapped_by == new

    # ...so the old key can be retired as the README's schedule says, and every report, the earlier
    # one (re-wrapped by the rotation) included, stays readable on both servers. (A case wrapped by
    # a retired key would be lost for good.)
    retired = flask_command(staffed_site, "keys", "retire", old)
    assert retired.returncode == 0, retired.stdout + retired.stderr
    for outcome in [earlier, *outcomes]:
        for server in (pair.a, pair.b):
            read_back(outcome, server)
    verified = flask_command(staffed_site, "audit", "verify")
    assert verified.returncode == 0 and "audit chain intact" in verified.stdout
