"""Fault tests: gunicorn is killed with SIGKILL, at random moments, while people are writing.

A teaching assistant submits concerns through the real reporting journey and the headteacher adds
notes to the chronologies of cases they manage. Every so often the whole server (master and
workers) is killed with SIGKILL, the database is checked, and the server is started again on the
same database. What a school relies on after a crash:

- every write the server acknowledged (the redirect to the success page) is there, once;
- a write that was not acknowledged may be there or not, but if it is there it is whole: no case
  without its report, data key, subject, first entries or audit events, no note without its audit;
- the database's own integrity check passes and no row points at a missing parent;
- the audit chain verifies (in-process after every kill; `flask audit verify` at the end).

CASETRACKER_FAULT_KILLS sets the number of kills (20 by default; `make soak` runs 200). Runs on
SQLite, and on PostgreSQL when CASETRACKER_TEST_DATABASE_URL names a server (`make test-postgres`).

A second test puts one crash exactly between filing a concern and telling the reporter, then
presses 'Send' again, as the reporter would: the concern must be filed once, and they are shown
their reports, where the one that arrived is listed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import itertools
import os
import random
import re
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.extensions import db
from casetracker.models import Case, ChronologyEntry, Report
from tests.live.conftest import HEAD, TEACHING_ASSISTANT, LiveSite
from tests.live.fault_checks import (
    Found,
    HeldMail,
    audit_chain_problem,
    audited_objects,
    integrity_problems,
    kill_server,
    verifying_app,
    whole_case_problems,
)
from tests.live.harness import Client, Response, Server, concern_pages, free_port

KILLS = int(os.environ.get("CASETRACKER_FAULT_KILLS", "20"))
# How long the clients write between a restart and the next kill (seconds, uniformly at random).
RUN_BETWEEN_KILLS = (0.25, 1.6)
MARKER = re.compile(r"FAULT-\d{6}-[0-9a-f]{6}")
_numbers = itertools.count(1)


def new_marker() -> str:
    """A unique, fictional tag for one write, so it can be found again after a crash."""
    return f"FAULT-{next(_numbers):06d}-{secrets.token_hex(3)}"


# --- what the clients were told ------------------------------------------------------------------


@dataclass
class Ledger:
    """Every write a client sent (`sent`: its outcome unknown until answered) and every write the
    server acknowledged, by marker. Notes also remember their case."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    reports_sent: set[str] = field(default_factory=set)
    reports_acknowledged: set[str] = field(default_factory=set)
    notes_sent: dict[str, uuid.UUID] = field(default_factory=dict)
    notes_acknowledged: dict[str, uuid.UUID] = field(default_factory=dict)
    # Answers no crash explains (a 500, a refused form, a lost session): each is a finding.
    surprises: list[str] = field(default_factory=list)

    def snapshot(self) -> Ledger:
        with self.lock:
            return Ledger(
                reports_sent=set(self.reports_sent),
                reports_acknowledged=set(self.reports_acknowledged),
                notes_sent=dict(self.notes_sent),
                notes_acknowledged=dict(self.notes_acknowledged),
                surprises=list(self.surprises),
            )


@dataclass
class Run:
    """The server the clients talk to, which comes and goes."""

    site: LiveSite
    server: Server
    up: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)
    ready: threading.Barrier = field(default_factory=lambda: threading.Barrier(3))
    ledger: Ledger = field(default_factory=Ledger)

    def surprise(self, what: str) -> None:
        with self.ledger.lock:
            self.ledger.surprises.append(what)


class ServerWentAway(Exception):
    """The request failed because the server was killed under it."""


def attempt(run: Run, client: Client, path: str, form: dict[str, Any]) -> Response:
    """One POST; a failure while the server is being killed is expected, any other is not."""
    client.port = run.server.port
    try:
        return client.post(path, form)
    except (OSError, http.client.HTTPException) as error:
        if run.up.is_set() and not run.stopping.is_set():
            run.surprise(f"{type(error).__name__} while the server was up: {error}")
            time.sleep(0.2)
        raise ServerWentAway from error


def wait_until_up(run: Run) -> bool:
    while not run.stopping.is_set():
        if run.up.wait(timeout=0.2):
            return True
    return False


def sign_in(run: Run, email: str) -> Client:
    """Sign in (again), retrying across restarts. The head's second sign-in uses the next TOTP code."""
    while wait_until_up(run):
        try:
            return run.site.sign_in(run.server, email)
        except (OSError, http.client.HTTPException, RuntimeError):
            time.sleep(0.1)
    raise ServerWentAway


def reporter(run: Run) -> None:
    """The teaching assistant: concern after concern, from the first question to 'Send'. A page
    cut off by a crash is answered again (each page saves the draft, so earlier answers are kept);
    a 'Send' cut off is not sent again (see the test below), and the next concern starts afresh."""
    client = sign_in(run, TEACHING_ASSISTANT)
    run.ready.wait()
    while wait_until_up(run):
        marker = new_marker()
        pages = concern_pages(marker)
        step = 0
        while step < len(pages) and wait_until_up(run):
            path, form, expected = pages[step]
            try:
                response = attempt(run, client, path, form)
            except ServerWentAway:
                continue
            if response.status == 302 and response.location.startswith(expected):
                step += 1
                continue
            run.surprise(f"{path} answered {response.status} {response.location}")
            if "/sign-in" in response.location:
                client = sign_in(run, TEACHING_ASSISTANT)
            step = 0
        if step < len(pages):
            return  # stopping
        with run.ledger.lock:
            run.ledger.reports_sent.add(marker)
        try:
            response = attempt(run, client, "/report/check", {})
        except ServerWentAway:
            continue
        if response.status == 302 and response.location.startswith("/report/sent"):
            with run.ledger.lock:
                run.ledger.reports_acknowledged.add(marker)
        else:
            run.surprise(f"sending answered {response.status} {response.location}")


def note_form(marker: str) -> dict[str, Any]:
    yesterday = utcnow().astimezone(LONDON).date() - dt.timedelta(days=1)
    return {
        "occurred_on": [str(yesterday.day), str(yesterday.month), str(yesterday.year)],
        "occurred_time": "",
        "text": f"Fictional note ({marker}): phoned the visiting coach's employer.",
    }


def case_manager(run: Run, client: Client, case_ids: list[uuid.UUID]) -> None:
    """The headteacher: a note on each of their cases in turn. Signed in once (a TOTP code works
    once); the session is in the database, so it outlives every crash."""
    run.ready.wait()
    for case_id in itertools.cycle(case_ids):
        if not wait_until_up(run):
            return
        marker = new_marker()
        with run.ledger.lock:
            run.ledger.notes_sent[marker] = case_id
        try:
            response = attempt(run, client, f"/cases/{case_id}/entries/new/note", note_form(marker))
        except ServerWentAway:
            continue
        if response.status == 302 and response.location.startswith(f"/cases/{case_id}"):
            with run.ledger.lock:
                run.ledger.notes_acknowledged[marker] = case_id
        else:
            run.surprise(f"a note answered {response.status} {response.location}")
            if "/sign-in" in response.location:
                client = sign_in(run, HEAD)


# --- after each crash ----------------------------------------------------------------------------


def find_writes(app: Flask, earlier_cases: set[uuid.UUID], head_cases: list[uuid.UUID]) -> tuple[Found, list[str]]:
    """Every marked report and note in the database, and every way a case is less than whole."""
    found = Found()
    problems: list[str] = []
    with app.app_context():
        audited = audited_objects(("case.created", "case.routed", "report.submitted", "chronology.entry_added"))
        for case in db.session.scalars(select(Case)):
            is_new = case.id not in earlier_cases
            if not is_new and case.id not in head_cases:
                continue
            entries = list(
                db.session.scalars(
                    select(ChronologyEntry).where(ChronologyEntry.case_id == case.id).order_by(ChronologyEntry.seq)
                )
            )
            found.cases_checked += 1
            found.entries_checked += len(entries)
            if is_new:
                problems += whole_case_problems(case, entries, audited)
                report = db.session.scalars(select(Report).where(Report.case_id == case.id)).first()
                markers = MARKER.findall(str((report.answers or {}).get("what_happened", ""))) if report else []
                if len(markers) != 1:
                    problems.append(f"case {case.reference} was filed by nobody in this test")
                for marker in markers:
                    found.reports[marker].append(case.id)
            elif [e.seq for e in entries] != list(range(1, len(entries) + 1)):
                problems.append(f"case {case.reference}: chronology sequence has gaps")
            for entry in entries:
                body = entry.body or {}
                if body.get("type") != "note":
                    continue
                for marker in MARKER.findall(str(body.get("text", ""))):
                    found.notes[marker].append((case.id, entry.id))
                    if ("chronology.entry_added", str(entry.id)) not in audited:
                        problems.append(f"note {marker} has no audit event")
        problem = audit_chain_problem()
        if problem:
            problems.append(problem)
        db.session.remove()
    return found, problems


def compare(found: Found, told: Ledger) -> list[str]:
    """Acknowledged: there, exactly once, where it was written. Not acknowledged: at most once."""
    problems: list[str] = []
    for marker in told.reports_acknowledged:
        if len(found.reports.get(marker, [])) != 1:
            problems.append(f"acknowledged report {marker} found {len(found.reports.get(marker, []))} times")
    for marker, cases in found.reports.items():
        if marker not in told.reports_sent:
            problems.append(f"report {marker} was never sent")
        elif len(cases) > 1:
            problems.append(f"report {marker} was filed {len(cases)} times")
    for marker, case_id in told.notes_acknowledged.items():
        where = found.notes.get(marker, [])
        if [c for c, _ in where] != [case_id]:
            problems.append(f"acknowledged note {marker} found in {[str(c) for c, _ in where]}, not once in {case_id}")
    for marker, where in found.notes.items():
        if marker not in told.notes_sent:
            problems.append(f"note {marker} was never sent")
        elif len(where) > 1:
            problems.append(f"note {marker} was recorded {len(where)} times")
    return problems


# --- the test ------------------------------------------------------------------------------------


def test_acknowledged_writes_survive_sigkill_and_nothing_is_half_written(live_site: LiveSite) -> None:
    began = time.monotonic()
    app = verifying_app(live_site)
    try:
        server = live_site.start("fault", workers=2)
        with app.app_context():
            earlier_cases = set(db.session.scalars(select(Case.id)))
            candidates = list(
                db.session.scalars(
                    select(Case.id).where(
                        Case.case_manager_office == "headteacher",
                        Case.status != "closed",
                        Case.destroyed_at.is_(None),
                    )
                )
            )
            db.session.remove()
        head = live_site.sign_in(server, HEAD)
        # The head's open cases that take a note (a case about the head is not theirs to run).
        head_cases = [c for c in candidates if head.get(f"/cases/{c}/entries/new/note").status == 200][:3]
        assert head_cases, "the demo school has no open case the headteacher manages"

        run = Run(live_site, server)
        run.up.set()
        threads = [
            threading.Thread(target=reporter, args=(run,), name="reporter", daemon=True),
            threading.Thread(target=case_manager, args=(run, head, head_cases), name="head", daemon=True),
        ]
        for thread in threads:
            thread.start()
        run.ready.wait(timeout=60)

        killed_processes = 0
        checked = Ledger()
        for _kill in range(KILLS):
            time.sleep(random.uniform(*RUN_BETWEEN_KILLS))
            run.up.clear()
            killed_processes += kill_server(run.server)
            # Nothing can be acknowledged now: check against everything the clients were told.
            checked = run.ledger.snapshot()
            found, problems = find_writes(app, earlier_cases, head_cases)
            problems += compare(found, checked)
            problems += integrity_problems(app)
            assert not problems, f"after kill {_kill + 1}:\n" + "\n".join(problems)
            run.server = restart(live_site, run.server.port)
            run.up.set()

        run.stopping.set()
        for thread in threads:
            thread.join(timeout=30)
        # The last restart's database, with the server up: the same checks, and the command itself.
        final = run.ledger.snapshot()
        found, problems = find_writes(app, earlier_cases, head_cases)
        problems += compare(found, final) + integrity_problems(app)
        assert not problems, "\n".join(problems)
        live_site.flask("audit", "verify")
        assert not final.surprises, "answers no crash explains:\n" + "\n".join(final.surprises[:20])
        # Enough happened for the test to mean something: writes acknowledged and writes cut short.
        assert len(final.reports_acknowledged) >= KILLS // 4
        assert len(final.notes_acknowledged) >= KILLS // 2
        # What the headteacher sees: their latest acknowledged note is on the case page.
        latest = max((m for m, c in final.notes_acknowledged.items() if c == head_cases[0]), default=None)
        if latest is not None:
            head.port = run.server.port
            assert latest in head.get(f"/cases/{head_cases[0]}").text
        print(  # the numbers the issue asks for, shown with -s
            f"\n{live_site.engine_name}: {KILLS} kills ({killed_processes} processes), "
            f"{len(final.reports_acknowledged)} reports and {len(final.notes_acknowledged)} notes acknowledged, "
            f"{len(final.reports_sent - final.reports_acknowledged)} reports and "
            f"{len(set(final.notes_sent) - set(final.notes_acknowledged))} notes cut short "
            f"({sum(1 for m in final.reports_sent - final.reports_acknowledged if m in found.reports)} and "
            f"{sum(1 for m in set(final.notes_sent) - set(final.notes_acknowledged) if m in found.notes)} of them "
            f"committed anyway), {found.cases_checked} cases and {found.entries_checked} entries checked, "
            f"{time.monotonic() - began:.1f} s"
        )
    finally:
        with app.app_context():
            db.engine.dispose()


def restart(site: LiveSite, port: int) -> Server:
    """Start again on the same port (the clients' address); on another, if someone took it."""
    try:
        return site.start("fault", workers=2, port=port)
    except RuntimeError:
        return site.start("fault", workers=2, port=free_port())


def reports_marked(app: Flask, marker: str) -> int:
    """How many cases hold a report with this marker."""
    with app.app_context():
        count = sum(
            1
            for report in db.session.scalars(select(Report))
            if marker in str((report.answers or {}).get("what_happened"))
        )
        db.session.remove()
    return count


def test_sending_again_after_a_crash_files_the_concern_once(live_site: LiveSite) -> None:
    """The reporter's 'Send' was cut off by a crash after the case was saved: they never saw
    'Concern received', so they press 'Send' again. The check-answers page is meant to make a
    second click safe ('sent already'); a concern filed twice would be two cases about one
    incident, and two low-level concerns about the same adult can look like a pattern."""
    held = HeldMail()
    app = verifying_app(live_site)
    try:
        server = live_site.start("resend", workers=1, CASETRACKER_SMTP_URL=f"smtp://127.0.0.1:{held.port}")
        reporter = live_site.sign_in(server, TEACHING_ASSISTANT)
        marker = new_marker()
        for path, form, expected in concern_pages(marker):
            assert reporter.post(path, form).location.startswith(expected)

        def send() -> None:
            with contextlib.suppress(OSError, http.client.HTTPException):
                reporter.post("/report/check", {})

        sending = threading.Thread(target=send)
        sending.start()
        assert held.arrived.wait(timeout=30), "the report was not sent"
        kill_server(server)  # the case is committed; the emails are on their way
        sending.join(timeout=30)
        assert reports_marked(app, marker) == 1

        server = restart(live_site, server.port)
        reporter.port = server.port
        response = reporter.post("/report/check", {})  # 'Send' again
        assert response.status == 302
        assert reports_marked(app, marker) == 1, "the concern was filed twice"
        # They are sent to their reports, where the one that arrived is listed, and told why.
        assert response.location.endswith("/report/yours")
        listed = reporter.get(response.location)
        assert listed.status == 200 and "There was nothing left to send." in listed.text
    finally:
        held.stop()
        with app.app_context():
            db.engine.dispose()
