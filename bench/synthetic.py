"""Synthetic fictional data and in-process measurements for bench/http_load.py.

Not a benchmark on its own: bench/http_load.py runs it as a child process with the CASETRACKER_*
environment of its temporary directory (its own keyring and database). Every command prints one
line of JSON on standard output.

  synthetic.py base                 the special cases (20, 200 and 1,000 entries, and a null-cipher
                                    twin of the 20-entry case), bench reporter accounts, and bulk
                                    cases until there are 100 cases in all
  synthetic.py grow N [SECONDS]     bulk cases until there are N cases in all (or SECONDS pass)
  synthetic.py audit N              audit events until the chain holds N, then audit.verify() vs a
                                    bare sqlite3/psycopg loop recomputing the same hashes and MACs
  synthetic.py pdf-baseline CASE    a bare reportlab table of that case's chronology rows

All names and text are fictional. Bulk cases are filed the way reporting.submit files a report
(case_store.create_case, triage entry, routing.record_decision, case_running.refresh, the same
audit events) with three shortcuts that keep 100,000 cases within minutes: the routing rule's
inputs (office-holders, declarations) are read once, not per case; no emails are sent; and the
notes that bring each case to 10 entries are added as ChronologyEntry rows with their sequence
numbers (add_entry's per-entry row lock only matters with concurrent writers). Cases commit in
batches. The extra audit events (reads of bulk cases) are chained with audit.event_hash and the
keyring's audit MAC, as audit.record does, in batches; audit.verify() then checks all of them.
"""

# ruff: noqa: S311 - synthetic data, not secrets

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import math
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask import Flask, g  # noqa: E402
from sqlalchemy import event, func, insert, select, update  # noqa: E402

from casetracker import audit, create_app, crypto  # noqa: E402
from casetracker.clock import utcnow  # noqa: E402
from casetracker.domain.people import Role, StaffType  # noqa: E402
from casetracker.domain.policy import Actor  # noqa: E402
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer, triage  # noqa: E402
from casetracker.domain.routing import RoutingInput, route  # noqa: E402
from casetracker.extensions import db  # noqa: E402
from casetracker.keystore import keyring  # noqa: E402
from casetracker.models import AuditEvent, AuditHead, Case, ChronologyEntry, Person, User  # noqa: E402
from casetracker.services import case_running, case_store, patterns, people, reporting, routing  # noqa: E402
from casetracker.services.declarations import declared_relationships  # noqa: E402
from casetracker.services.demo import DEMO_PASSWORD, DOMAIN  # noqa: E402

SMALL_SCALE = 100
ENTRIES_PER_CASE = 10
SPECIAL_ENTRIES = {"case20": 20, "case200": 200, "case1000": 1000}
REPORTERS = 4  # accounts without two-factor that submit concerns under load, one per client thread
SYNTHETIC_STAFF = 60  # with the demo's 42 people, a directory of about 110: a large primary school
BATCH = 250
YEARS = 10
SEED = 20260401

# The fields audit.event_hash covers, in its order (audit._fields).
HASHED_FIELDS = (
    "id",
    "seq",
    "occurred_at",
    "actor_user_id",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "outcome",
    "request_id",
    "details",
    "secret_enc",
    "prev_hash",
)
NO = dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.NO)
NOTES = (
    "Spoke to the member of staff about the concern and reminded them of the staff code of conduct.",
    "The case manager reviewed the account and agreed the next steps with the designated safeguarding lead.",
    "A follow-up meeting was arranged for next week; a note-taker will attend.",
    "The written account was checked against the timetable and the visitors' book.",
    "No further information has been received since the last entry.",
)
FIRST = ("Amelia", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Harry", "Isla", "Jonah", "Łucja", "Şule")
LAST = ("Abbott", "Brennan", "Castillo", "Dunmore", "Eastwood", "Fairley", "Gallagher", "Nakamura")
JOBS = (
    ("Class teacher", StaffType.EMPLOYEE),
    ("Teaching assistant", StaffType.EMPLOYEE),
    ("Supply teacher", StaffType.SUPPLY),
    ("Midday supervisor", StaffType.EMPLOYEE),
    ("Sports coach", StaffType.CONTRACTOR),
)


def app_for_seeding() -> Flask:
    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)
    app.logger.setLevel(logging.WARNING)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():

            @event.listens_for(db.engine, "connect")
            def no_fsync(dbapi_connection, _record):  # type: ignore[no-untyped-def]
                # Seeding only: the bench database is thrown away, the servers keep SQLite's default.
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.close()

            db.engine.dispose()
    return app


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, default=str), flush=True)


def case_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Case)) or 0)


def headteacher_cases() -> int:
    """How many cases the headteacher's dashboard lists (the office manages them)."""
    query = select(func.count()).select_from(Case).where(Case.case_manager_office == "headteacher")
    return int(db.session.scalar(query) or 0)


def user_by_email(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


def actor_of(user: User) -> Actor:
    return Actor(user.id, user.person_id, user.roles)


def add_notes(case: Case, count: int, when: dt.datetime, *, one_by_one: bool) -> None:
    """Fictional notes up to `count` entries in all."""
    have = int(db.session.scalar(select(func.max(ChronologyEntry.seq)).where(ChronologyEntry.case_id == case.id)) or 0)
    for seq in range(have + 1, count + 1):
        occurred = when + dt.timedelta(hours=seq)
        content = {"text": f"Entry {seq}. " + NOTES[seq % len(NOTES)]}
        author = {"name": f"{FIRST[seq % len(FIRST)]} {LAST[seq % len(LAST)]}"}
        if one_by_one:
            case_store.add_entry(case, "note", content, occurred_at=occurred, author=author)
        else:
            entry = ChronologyEntry(case_id=case.id, seq=seq, occurred_at=occurred, recorded_at=utcnow())
            entry.body = {"type": "note", "author": author, **content}
            db.session.add(entry)


# --- base: special cases, accounts, 100 cases ---------------------------------------------------


def special_case(reporter: Actor, subject: Person, entries: int, cipher: crypto.Cipher | None = None) -> str:
    """An allegation about `subject` filed through reporting.submit, then notes up to `entries`."""
    ring = keyring()
    original = ring.cipher
    if cipher is not None:
        ring.cipher = cipher
    try:
        when = utcnow() - dt.timedelta(days=2)
        receipt = reporting.submit(
            reporter,
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={
                    "what_happened": "Fictional: a pupil said they were grabbed by the arm in the corridor.",
                    "where": "Main corridor",
                    "children": ["Pupil A (fictional)"],
                },
                threshold_answers=NO | {"harmed_a_child": ThresholdAnswer.YES},
                subject_person_id=subject.id,
                received_at=when,
            ),
        )
        case = db.session.get(Case, receipt.case_id)
        assert case is not None
        add_notes(case, entries, when, one_by_one=True)
        case_running.refresh(case)
        db.session.commit()
        return str(case.id)
    finally:
        ring.cipher = original


def command_base() -> None:
    app = app_for_seeding()
    started = time.perf_counter()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        ta = actor_of(user_by_email(f"ta@{DOMAIN}"))
        head = user_by_email(f"head@{DOMAIN}")
        head_email, head_totp_secret = head.email, head.totp_secret
        subjects = {}
        for name in (*SPECIAL_ENTRIES, "null20"):
            subjects[name] = people.add_person(
                None,
                people.PersonDetails(
                    f"Bench Subject {name}", None, "Class teacher", StaffType.EMPLOYEE, start_date=dt.date(2018, 9, 1)
                ),
                commit=False,
            )
        for index in range(SYNTHETIC_STAFF):
            job, staff_type = JOBS[index % len(JOBS)]
            people.add_person(
                None,
                people.PersonDetails(
                    f"{FIRST[index % len(FIRST)]} {LAST[(index * 3) % len(LAST)]} (synthetic {index})",
                    None,
                    job,
                    staff_type,
                    start_date=dt.date(2010 + index % 15, 9, 1),
                ),
                commit=False,
            )
        reporters = []
        for index in range(REPORTERS):
            email = f"bench.reporter{index}@{DOMAIN}"
            person = people.add_person(
                None,
                people.PersonDetails(f"Bench Reporter {index}", email, "Teaching assistant", StaffType.EMPLOYEE),
                commit=False,
            )
            people.create_account(None, person, (Role.STAFF,), DEMO_PASSWORD, commit=False)
            reporters.append(email)
        db.session.commit()
        cases = {name: special_case(ta, subjects[name], count) for name, count in SPECIAL_ENTRIES.items()}
        cases["null20"] = special_case(ta, subjects["null20"], SPECIAL_ENTRIES["case20"], crypto.NullCipher())
        seeded = grow(app, SMALL_SCALE)
        emit(
            {
                "cases": cases,
                "reporters": reporters,
                "reporter_password": DEMO_PASSWORD,
                "head_email": head_email,
                "head_totp_secret": head_totp_secret,
                "total_cases": case_count(),
                "headteacher_cases": headteacher_cases(),
                "bulk_cases_added": seeded,
                "directory_people": int(db.session.scalar(select(func.count()).select_from(Person)) or 0),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )


# --- grow: bulk cases ---------------------------------------------------------------------------


class Bulk:
    """What every bulk case needs, read once."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED + case_count())
        self.reporters = [
            actor_of(user_by_email(f"ta@{DOMAIN}")),
            *(actor_of(user_by_email(f"bench.reporter{i}@{DOMAIN}")) for i in range(REPORTERS)),
        ]
        self.staff = [
            (person.id, StaffType(person.staff_type))
            for person in db.session.scalars(
                select(Person).where(Person.full_name.like("% (synthetic %)")).order_by(Person.id)
            )
        ]
        self.offices = routing.school_offices()
        self.declarations = declared_relationships()
        self.now = utcnow()

    def one(self, number: int) -> None:
        rng = self.rng
        reporter = self.reporters[number % len(self.reporters)]
        when = self.now - dt.timedelta(seconds=rng.uniform(3600, YEARS * 365.25 * 86400))
        subject: tuple[uuid.UUID, StaffType] | None = None
        description = None
        roll = number % 10
        if roll < 4:  # an allegation about someone in the directory
            kind = ReportKind.ALLEGATION
            subject = self.staff[rng.randrange(len(self.staff))]
            answers = NO | {"harmed_a_child": ThresholdAnswer.YES}
        elif roll < 9:  # a low-level concern about a visitor who is not in the directory
            kind = ReportKind.LOW_LEVEL_CONCERN
            description = {"name": f"Visitor {number} (fictional)", "role": "Visitor", "staff_type": "contractor"}
            answers = dict(NO)
        else:  # whistleblowing, named
            kind = ReportKind.WHISTLEBLOWING
            answers = {}
        result = triage(answers, kind) if answers else None
        potential = bool(result and result.is_potential_allegation)
        routing_input = RoutingInput(
            kind=kind,
            subject_person_id=subject[0] if subject else None,
            reporter_person_id=reporter.person_id,
            subject_staff_type=subject[1] if subject else StaffType.CONTRACTOR,
            is_potential_allegation=potential,
        )
        decision = route(routing_input, self.offices, self.declarations)
        text_ = f"Fictional report {number}: " + NOTES[number % len(NOTES)]
        case = case_store.create_case(
            reporter.user_id,
            case_store.NewCase(
                kind=kind.value,
                summary=text_[:140],
                answers={"what_happened": text_, "where": "School grounds"},
                subject_person_id=subject[0] if subject else None,
                subject_description=description,
                reporter={"person_id": str(reporter.person_id)},
                reporter_person_id=reporter.person_id,
                details={
                    "routing_input": routing.routing_input_record(routing_input),
                    "potential_allegation": potential,
                    "received_as": kind.value,
                    "triage": {k: v.value for k, v in (result.answers if result else ())},
                },
                received_at=when,
            ),
        )
        if result is not None:
            case_store.add_entry(
                case,
                "triage",
                {
                    "text": result.next_step,
                    "potential_allegation": potential,
                    "answers": {k: v.value for k, v in result.answers},
                },
                occurred_at=when,
                author=None,
            )
        routing.record_decision(case, decision, actor_user_id=None, first=True)
        case.potential_allegation = potential
        if kind.is_low_level:
            patterns.check(case)
        add_notes(case, ENTRIES_PER_CASE, when, one_by_one=False)
        case_running.refresh(case)
        audit.record(
            "report.submitted",
            actor_user_id=reporter.user_id,
            object_type="case",
            object_id=case.id,
            case_id=case.id,
            kind=kind.value,
            anonymous=False,
        )


def grow(app: Flask, target: int, progress: bool = False, seconds: float = math.inf) -> int:
    """Bulk cases until there are `target` in all (or `seconds` have passed, at a batch's end);
    returns how many were added."""
    have = case_count()
    if have >= target:
        return 0
    bulk = Bulk()
    started = time.perf_counter()
    added = 0
    for number in range(have, target):
        bulk.one(number)
        added += 1
        if (number + 1) % BATCH == 0 or number + 1 == target:
            db.session.commit()
            db.session.remove()  # a fresh session (and data-key cache) for the next batch
            g.pop("school", None)  # services/school.py keeps the school for the request
            if progress and ((number + 1) % 10_000 == 0 or number + 1 == target):
                rate = (number + 1 - have) / (time.perf_counter() - started)
                print(f"  seeded {number + 1:,} of {target:,} cases ({rate:,.0f} cases/s)", file=sys.stderr, flush=True)
            if time.perf_counter() - started > seconds:
                print(f"  stopped at the time limit: {number + 1:,} cases", file=sys.stderr, flush=True)
                break
    return added


def command_grow(target: int, seconds: float) -> None:
    app = app_for_seeding()
    started = time.perf_counter()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        added = grow(app, target, progress=True, seconds=seconds)
        emit(
            {
                "total_cases": case_count(),
                "headteacher_cases": headteacher_cases(),
                "bulk_cases_added": added,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )


# --- audit: top up the chain, then verify vs a bare loop -----------------------------------------


def top_up_audit(target: int) -> int:
    """Reads of bulk cases by the headteacher, chained as audit.record chains them, until `target` events."""
    have = int(db.session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0)
    if have >= target:
        return 0
    ring = keyring()
    head = user_by_email(f"head@{DOMAIN}")
    case_ids = list(db.session.scalars(select(Case.id).limit(50_000)))
    rng = random.Random(SEED)
    table = AuditEvent.__table__
    added = 0
    while have + added < target:
        count = min(20_000, target - have - added)
        # Take the head row's lock first, as audit.record does.
        seq, prev = db.session.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(seq=AuditHead.seq)
            .returning(AuditHead.seq, AuditHead.hash)
        ).one()
        rows = []
        for offset in range(1, count + 1):
            case_id = case_ids[rng.randrange(len(case_ids))]
            row = {
                "id": uuid.uuid4(),
                "seq": seq + offset,
                "occurred_at": utcnow(),
                "actor_user_id": head.id,
                "action": "case.viewed",
                "object_type": "case",
                "object_id": str(case_id),
                "case_id": case_id,
                "outcome": "success",
                "request_id": uuid.uuid4().hex,
                "details": {},
                "secret_enc": None,
                "prev_hash": prev,
            }
            row["hash"] = audit.event_hash(tuple(row[name] for name in HASHED_FIELDS))
            row["mac"] = ring.audit_mac(row["hash"])
            prev = row["hash"]
            rows.append(row)
        db.session.execute(insert(table), rows)
        db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq + count, hash=prev))
        db.session.commit()
        added += count
        if added % 200_000 == 0:
            print(f"  audit events: {have + added:,} of {target:,}", file=sys.stderr, flush=True)
    return added


def bare_verify(url: str, audit_key: bytes) -> tuple[int, str, int]:
    """The baseline: the driver's own cursor, the same canonical JSON, SHA-256 and HMAC, nothing else."""
    columns = audit.COLUMNS
    if url.startswith("sqlite"):
        import sqlite3

        connection: Any = sqlite3.connect(url.split("///", 1)[1])
        cursor = connection.cursor()
        cursor.arraysize = 5000
        cursor.execute(f"SELECT {columns} FROM audit_event ORDER BY seq")  # noqa: S608 - constant
    else:
        import psycopg

        connection = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        cursor = connection.cursor(name="bench_bare_verify")
        cursor.itersize = 5000
        cursor.execute(f"SELECT {columns} FROM audit_event ORDER BY seq")  # noqa: S608 - constant
    prev, count, bad = audit.GENESIS_HASH, 0, 0
    dumps, sha256, new_mac, b64 = json.dumps, hashlib.sha256, hmac.new, base64.b64encode
    for row in cursor:
        (eid, seq, occurred, actor, action, otype, oid, case_id, outcome, rid, details, secret, prev_hash) = row[:13]
        if isinstance(occurred, str):
            occurred = dt.datetime.fromisoformat(occurred)
        if occurred.tzinfo is None:
            occurred = occurred.replace(tzinfo=dt.UTC)
        if isinstance(details, str):
            details = json.loads(details)
        canonical = dumps(
            [
                uuid_text(eid),
                seq,
                occurred.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                uuid_text(actor),
                action,
                otype,
                oid,
                uuid_text(case_id),
                outcome,
                rid,
                details or {},
                b64(bytes(secret)).decode() if secret is not None else None,
                prev_hash,
            ],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=True,
        )
        digest = sha256(canonical.encode()).hexdigest()
        mac = new_mac(audit_key, digest.encode(), hashlib.sha256).hexdigest()
        if digest != row[13] or prev_hash != prev or not hmac.compare_digest(mac, row[14] or ""):
            bad += 1
        prev = row[13]
        count += 1
    connection.close()
    return count, prev, bad


def uuid_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return value.hex
    return str(value).replace("-", "").lower()


def command_audit(target: int) -> None:
    app = app_for_seeding()
    with app.app_context():
        started = time.perf_counter()
        added = top_up_audit(target)
        seeded_seconds = time.perf_counter() - started
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        audit_key = keyring().audit_key
        db.session.remove()
        timings: dict[str, list[float]] = {"verify": [], "bare": []}
        result: Any = None
        bare: Any = None
        for _ in range(2 if target <= 300_000 else 1):  # interleaved, best of 2 each when quick
            start = time.perf_counter()
            result = audit.verify()
            timings["verify"].append(time.perf_counter() - start)
            start = time.perf_counter()
            bare = bare_verify(url, audit_key)
            timings["bare"].append(time.perf_counter() - start)
        emit(
            {
                "events": result.events,
                "intact": result.intact,
                "verification": str(result)[:120],
                "events_added": added,
                "seed_seconds": round(seeded_seconds, 1),
                "verify_seconds": [round(t, 2) for t in timings["verify"]],
                "bare_seconds": [round(t, 2) for t in timings["bare"]],
                "bare_events": bare[0],
                "bare_mismatches": bare[2],
                "bare_head_matches": bare[1] == result.head,
            }
        )


# --- pdf-baseline -------------------------------------------------------------------------------


def command_pdf_baseline(case_id: str) -> None:
    from pdf_export import bare_table  # bench/pdf_export.py: the same baseline the in-process ratio uses

    from casetracker.services import chronology_export

    app = app_for_seeding()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        head = user_by_email(f"head@{DOMAIN}")
        from casetracker.security.access import actor_for

        case = db.session.get(Case, uuid.UUID(case_id))
        document = chronology_export.build_document(actor_for(head), case, redacted=False)
        db.session.rollback()
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            pdf = bare_table(document)
            timings.append(time.perf_counter() - start)
        emit(
            {
                "entries": len(document.entries),
                "bare_seconds": [round(t, 3) for t in timings],
                "bare_median": statistics.median(timings),
                "bare_pages": pdf.count(b"/Type /Page\n"),
            }
        )


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "base":
        command_base()
    elif command == "grow":
        command_grow(int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else math.inf)
    elif command == "audit":
        command_audit(int(sys.argv[2]))
    elif command == "pdf-baseline":
        command_pdf_baseline(sys.argv[2])
    else:
        print(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
