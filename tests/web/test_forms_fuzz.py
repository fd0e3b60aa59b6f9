"""Hostile input to every form: never a 500, every rejection explains itself, nothing half-saved.

The test walks `app.url_map` for every route that accepts POST. For each, it signs in someone who
may use it, reads the form from the page it lives on (field names, and the options of radios,
checkboxes and selects) and posts what Hypothesis draws for every field and a few more: nothing,
blanks, text up to 20,000 characters, right-to-left text and emoji, markup, template and SQL
injection, numbers out of range, impossible dates, repeated values, stray files, a hostile query
string, with the page's own CSRF token (and now and then a broken one, or a NUL character).

Half the examples start from the form filled in sensibly and change a few fields, so that posts
get past the first check and the code behind it runs; the rest draw every field.

Every answer must be one of: a redirect within the site (the input was taken); a page that says
the post was taken; the form again, with GOV.UK's error summary linking to at least one message
on the page; or one of the app's own error pages with its heading. A post that is not taken
leaves every table as it was, row for row (bar the audit trail, sessions, and the lockout
counters and codes that failures legitimately move).

Two more tests: the longest text each field takes, in letters whose lower case is longer, must
fit the database once normalised (SQLite never checks lengths; PostgreSQL does); and every page
that answers GET must survive hostile query strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from casetracker.clock import utcnow
from casetracker.domain.entries import ALLEGATION_ENTRIES, EntryType
from casetracker.domain.people import Office, RelationshipNature, Role
from casetracker.domain.policy import Actor
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer, Wrongdoing
from casetracker.extensions import db, limiter
from casetracker.models import (
    Base,
    Case,
    CaseCollaborator,
    ConfirmationRequest,
    LegalHold,
    OfficeHolding,
    Person,
    RelationshipDeclaration,
    School,
    SubjectAccessReferral,
    TermDate,
    User,
)
from casetracker.security.access import current_offices
from casetracker.services import (
    case_management,
    case_running,
    case_store,
    declarations,
    offices,
    people,
    reporter_view,
    reporting,
    retention,
    staff_import,
    whistleblowing,
)
from casetracker.services import settings as school_settings
from casetracker.services import sign_in as sign_in_service
from casetracker.services.case_access import CaseNotFoundError, case_for
from casetracker.web.report.forms import COLLEAGUE, NOT_LISTED
from tests.conftest import PASSWORD, current_code, make_user, post_form, sign_in

# Failures legitimately write these: audit events, sessions, the key canary, and codes or links
# that a request for them creates even when nothing else is taken.
IGNORED_TABLES = frozenset(
    {"audit_event", "audit_head", "web_session", "key_canary", "recovery_code", "password_reset_token"}
)
# A wrong password or code moves the account's lockout counters and nothing else.
VOLATILE_COLUMNS = {"user_account": frozenset({"failed_sign_ins", "locked_until", "totp_last_step"})}
# What the app answers with its own page when it refuses a request.
ERROR_PAGE_STATUSES = frozenset({400, 403, 404, 405, 413, 429})
STRONG_PASSWORD = "lantern orchard velvet harbour"

# A short run in `make test`; `make soak` sets CASETRACKER_FUZZ_EXAMPLES for a long one.
FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("CASETRACKER_FUZZ_EXAMPLES", "25")),
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# Reading forms from pages ----------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # the input's type, or select / textarea / button
    options: list[str] = field(default_factory=list)
    count: int = 0  # how many controls carry this name (a GOV.UK date input has three)
    numeric: bool = False  # the page asks for a number (inputmode="numeric")
    value: str = ""  # what a text input holds already (an edit form shows the current value)


@dataclass
class PageForm:
    actions: set[str]  # where it posts: its action, and any button's formaction
    fields: dict[str, FormField]


class FormReader(HTMLParser):
    """The POST forms on a page, each with its action and its named controls."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attributes.get("method", "get").lower() == "post":
                self._form = PageForm({urlsplit(attributes.get("action") or self.page_path).path}, {})
            return
        if self._form is None:
            return
        if attributes.get("formaction"):
            self._form.actions.add(urlsplit(attributes["formaction"]).path)
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            return
        name = attributes.get("name")
        if tag not in ("input", "select", "textarea", "button") or not name:
            return
        kind = attributes.get("type", "text").lower() if tag == "input" else tag
        control = self._form.fields.setdefault(name, FormField(name, kind))
        control.count += 1
        control.numeric = control.numeric or attributes.get("inputmode") == "numeric"
        if "value" in attributes and kind in ("radio", "checkbox", "hidden", "submit", "button"):
            control.options.append(attributes["value"])
        elif kind in ("text", "email"):
            control.value = control.value or attributes.get("value", "")
        if tag == "select":
            self._select = control

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def form_posting_to(page: str, page_path: str, action: str) -> PageForm:
    reader = FormReader(page_path)
    reader.feed(page)
    for form in reader.forms:
        if action in form.actions:
            return form
    raise AssertionError(f"no form on {page_path} posts to {action} (forms: {[f.actions for f in reader.forms]})")


def sensible_answers(form: PageForm, answers: dict[str, str]) -> MultiDict[str, str]:
    """The form filled in as someone would: `answers`, then each choice's first option and plain text."""
    pairs: list[tuple[str, str]] = []
    for name, control in form.fields.items():
        if name in answers:
            pairs.append((name, answers[name]))
        elif control.kind in ("hidden", "radio") and control.options:
            pairs.append((name, control.options[0]))
        elif control.kind == "select":
            pairs.append((name, next((option for option in control.options if option), "")))
        elif control.count == 3:
            pairs += [(name, part) for part in ("5", "1", "2024")]
        elif control.value:
            pairs.append((name, control.value))
        elif control.kind == "email":
            pairs.append((name, f"fuzz.{uuid.uuid4().hex[:12]}@larkrise.example"))
        elif name == "time":
            pairs.append((name, "10:30"))
        elif control.kind in ("text", "textarea"):
            pairs.append((name, "Fictional answer written for the fuzz test"))
    return MultiDict(pairs)


# What Hypothesis sends -----------------------------------------------------------------------

# Characters that have broken web apps before: case folding that changes length, bidi controls,
# zero-width and non-breaking spaces, combining marks, astral emoji, quotes, markup, line breaks.
TRICKY_CHARACTERS = "İıßẞﬁ\u212a\u202e\u202d\u200f\u200b\ufeff\u00a0\u3000\u2028\u0301é😀👩\u200d👧ﷺ<>&\"'\\/%;\t\r\n"
CHARACTERS = st.one_of(st.characters(codec="utf-8", exclude_characters="\x00"), st.sampled_from(TRICKY_CHARACTERS))
HOSTILE_SAMPLES = [
    "",
    " ",
    "   ",
    "\t",
    "\r\n",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202egnp.exe",
    "👩\u200d👩\u200d👧\u200d👦",
    "Z\u0337\u0322a\u0336l\u0337g\u0335o",
    "İSTANBUL",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% for x in range(9) %}",
    "${7*7}",
    "javascript:alert(1)",
    "'; DROP TABLE person; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(5)--",
    "%",
    "_",
    "\\",
    "%00",
    "../../etc/passwd",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/\r\nSet-Cookie: a=b",
    "31/2/2026",
    "2026-02-31",
    "null",
    "[]",
]
DIGITS_INT_REFUSES = [chr(c) for c in range(0x2FFFF) if chr(c).isdigit() and not chr(c).isdecimal()]
NUMBER_SAMPLES = [
    "-1",
    "0",
    "00",
    "13",
    "32",
    "999999",
    "1000000",
    "2147483648",
    "-2147483649",
    "9" * 40,
    "1e309",
    "NaN",
    "inf",
    "0x1F",
    "1.5",
    "١٢٣٤٥٦",
    "１２３４５６",
    "²",
    "①",
    "Ⅻ",
    "123 456",
]
EMAIL_SAMPLES = [
    "a@b.c\r\nBcc: x@y.z",
    " Name@EXAMPLE.com ",
    "@",
    "a@b",
    "a@b.c",
    "<script>@example.com",
    "name@example.com.",
    "İNFO@EXAMPLE.COM",
    "ǅ@example.com",
    '"quoted name"@example.com',
]
BOUNDARY_LENGTHS = [6, 7, 12, 20, 21, 40, 41, 50, 51, 100, 101, 200, 201, 256, 257, 320, 321, 2000, 2001, 5000, 5001]


def repeated_to(chunk: str, length: int) -> str:
    return (chunk * (length // max(len(chunk), 1) + 1))[:length]


short_text = st.text(CHARACTERS, max_size=40)
long_text = st.builds(repeated_to, st.text(CHARACTERS, min_size=1, max_size=6), st.integers(201, 20_000))
boundary_text = st.builds(
    repeated_to, st.sampled_from(["a", "İ", "ẞ", "😀", "\u202e", "1", " "]), st.sampled_from(BOUNDARY_LENGTHS)
)
# An address exactly at a length limit, made of letters whose lower case is longer.
boundary_email = st.builds(
    lambda chunk, length: repeated_to(chunk, length - 12) + "@example.com",
    st.sampled_from(["a", "İ", "ẞ", "é"]),
    st.sampled_from([40, 100, 200, 320, 321]),
)
date_part = st.one_of(
    st.integers(-5, 10_000).map(str),
    st.sampled_from(
        ["", " ", "31", "29", "30", "0", "00", "02", " 7 ", "٣", "²", "1.5", "99999999999", "2026 ", "MMXXVI"]
    ),
)
date_parts = st.one_of(
    st.tuples(date_part, date_part, date_part).map(list),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)).map(lambda d: [str(d.day), str(d.month), str(d.year)]),
)


# "²" and "①" are digits to str.isdigit() but not to int()
odd_digits = st.lists(
    st.one_of(st.characters(categories=["Nd"]), st.sampled_from(DIGITS_INT_REFUSES)), min_size=1, max_size=5
).map("".join)
numbers = st.one_of(
    st.sampled_from(NUMBER_SAMPLES),
    st.integers(-(10**12), 10**12).map(str),
    st.lists(st.characters(categories=["Nd"]), min_size=1, max_size=8).map("".join),  # digits of any script
    st.lists(st.characters(categories=["Nd"]), min_size=6, max_size=6).map("".join),  # shaped like a code
    odd_digits,
)
emails = st.one_of(boundary_email, st.sampled_from(EMAIL_SAMPLES))


def hostile_value(plausible: list[str]) -> st.SearchStrategy[str]:
    branches = [st.sampled_from(HOSTILE_SAMPLES), short_text, long_text, boundary_text, emails, numbers]
    if plausible:
        branches += [st.sampled_from(plausible)] * 2
    return st.one_of(*branches)


@dataclass(frozen=True)
class Plausible:
    """Values that are right somewhere, so that some posts are taken and the code behind them runs."""

    passwords: list[str]
    emails: list[str]
    codes: list[str]
    text: list[str]

    def for_field(self, control: FormField) -> list[str]:
        if control.kind == "password":
            return self.passwords
        if control.kind == "email":
            return self.emails
        if control.numeric:
            return self.codes
        return self.text + self.codes + self.emails


def values_for(control: FormField, plausible: Plausible) -> st.SearchStrategy[list[Any]]:
    """A list of 0-4 values for one field (none: the field is left out)."""
    one = hostile_value(plausible.for_field(control))
    if control.kind == "file":
        return st.one_of(st.lists(upload, min_size=1, max_size=1), st.lists(one, max_size=2))
    if control.numeric:
        one = st.one_of(numbers, numbers, one)
    if control.kind == "email":
        one = st.one_of(emails, one)
    if control.options and control.kind in ("radio", "checkbox", "select", "submit", "button", "hidden"):
        choice = st.sampled_from(control.options)
        one = st.one_of(choice, choice, choice, one)  # mostly a real option, so deeper code runs
        if control.kind == "checkbox":
            return st.one_of(st.lists(choice, max_size=len(control.options), unique=True), st.lists(one, max_size=4))
    lists = st.one_of(st.lists(one, min_size=1, max_size=1), st.lists(one, max_size=4))
    if control.count == 3:  # a GOV.UK date: day, month, year under one name
        return st.one_of(date_parts, date_parts, lists)
    return lists


def csv_file(rows: list[list[str]], header: bool, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(staff_import.COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


csv_cell = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    short_text,
    boundary_text,
    boundary_email,
    st.sampled_from(["employee", "SUPPLY", "governor", "2024-09-01", "01/09/2024", "31/02/2024", "1899-12-31"]),
)


def staff_row(name: str, number: int, staff_type: str, start: str) -> list[str]:
    return [name, f"person{number}@larkrise.example", "Teacher", staff_type, "", start, "", ""]


good_row = st.builds(
    staff_row,
    st.one_of(short_text.filter(lambda s: s.strip()), st.sampled_from(HOSTILE_SAMPLES[8:20])),
    st.integers(0, 10**6),
    st.sampled_from(["employee", "volunteer", "supply"]),
    st.sampled_from(["", "2024-09-01", "31/02/2024"]),
)
csv_rows = st.lists(st.one_of(good_row, st.lists(csv_cell, min_size=7, max_size=9), st.lists(csv_cell, max_size=12)))
upload = st.tuples(
    st.one_of(
        st.just(b""),
        st.binary(max_size=300),
        st.builds(csv_file, csv_rows, st.booleans(), st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"])),
    ),
    st.sampled_from(
        ["staff.csv", "STAFF.CSV", "staff.txt", "staff", "../../etc/passwd.csv", "ﬁle.csv", "a" * 300 + ".csv"]
    ),
).map(lambda upload: (io.BytesIO(upload[0]), upload[1]))
extra_name = st.one_of(
    st.sampled_from(["id", "school_id", "is_active", "user_id", "person_id", "roles", "password_hash", "next", "a[b]"]),
    st.text(CHARACTERS, max_size=15),
)
CSRF_CHOICES = ["page's own"] * 25 + ["left out", "empty", "altered", "sent twice", "hostile"]
# Mostly what a browser sends from this site's own pages; now and then none, or another site.
ORIGINS = st.one_of(
    *[st.just({"Origin": "http://localhost"})] * 16,
    st.just({}),
    st.just({"Origin": "null", "Sec-Fetch-Site": "same-origin"}),
    st.just({"Origin": "null"}),
    st.just({"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}),
    st.sampled_from(["http://localhost.evil.example", "HTTP://LOCALHOST", "http://localhost:1", " ", "file://"]).map(
        lambda origin: {"Origin": origin}
    ),
)


# The world the posts land in -----------------------------------------------------------------

SAME_ORIGIN = {"Origin": "http://localhost"}  # what a browser sends with a form from this site
REPORT_DRAFTS = ("colleague", "not listed", "self", "whistleblowing")


def unlock(app: Flask, user: User) -> None:
    """Let the user sign in again: no lockout, and this step's code not yet used."""
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_sign_ins=0, locked_until=None, totp_last_step=None, is_active=True)
        )
        db.session.commit()


@dataclass
class World:
    """People and records to post about; each getter makes sure its record still exists."""

    app: Flask
    users: dict[str, User]
    recovery_codes: list[str]
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    viewers: dict[str, FlaskClient] = field(default_factory=dict)
    reset_token: str = ""
    case_id: uuid.UUID | None = None
    receipt_code: str = ""
    drafts: dict[str, Any] = field(default_factory=dict)
    # The form each client last read at each address: refused posts change nothing, so it stays
    # right until a post is taken.
    forms: dict[tuple[FlaskClient, str, object], tuple[str, PageForm]] = field(default_factory=dict)

    def forget(self, client: FlaskClient) -> None:
        """A post was taken: read the forms again, and start afresh as a visitor or half signed in."""
        self.forms = {key: form for key, form in self.forms.items() if key[0] is not client}
        self.clients = {key: kept for key, kept in self.clients.items() if kept is not client or "/" not in key}

    def actor(self, key: str) -> Actor:
        user = db.session.get(User, self.users[key].id)
        assert user is not None
        return Actor(user.id, user.person_id, user.roles, current_offices(user.person_id))

    def person(self, key: str) -> uuid.UUID:
        return self.users[key].person_id

    def active_teacher(self) -> uuid.UUID:
        self._set_active("teacher", True)
        return self.person("teacher")

    def inactive_person(self) -> uuid.UUID:
        self._set_active("inactive", False)
        return self.person("inactive")

    def _set_active(self, key: str, active: bool) -> None:
        with self.app.app_context():
            db.session.execute(update(User).where(User.id == self.users[key].id).values(is_active=active))
            db.session.commit()

    def person_with_two_factor(self) -> uuid.UUID:
        with self.app.app_context():
            user = db.session.get(User, self.users["secured"].id)
            assert user is not None
            if user.totp_secret is None:
                user.totp_secret = pyotp.random_base32()
                db.session.commit()
        return self.person("secured")

    def person_without_account(self) -> uuid.UUID:
        with self.app.app_context():
            found = db.session.scalar(
                select(Person.id)
                .outerjoin(User, User.person_id == Person.id)
                .where(User.id.is_(None), Person.email.is_not(None))
                .limit(1)
            )
            if found is None:
                email = f"nia.{uuid.uuid4().hex[:8]}@larkrise.example"
                found = people.add_person(None, people.PersonDetails("Nia Noaccount", email, "Cook")).id
            return found

    def current_holding(self) -> uuid.UUID:
        with self.app.app_context():
            holding = db.session.scalar(
                select(OfficeHolding.id).where(OfficeHolding.ended_at.is_(None)).order_by(OfficeHolding.started_at)
            )
            assert holding is not None
            return holding

    def pending_request(self) -> uuid.UUID:
        """A request the administrator made and the DSL may decide: reset the headteacher's two-factor."""
        with self.app.test_request_context():
            found = db.session.scalar(
                select(ConfirmationRequest.id).where(
                    ConfirmationRequest.status == "pending",
                    ConfirmationRequest.target_person_id == self.person("head"),
                    ConfirmationRequest.requested_by_id == self.users["admin"].id,
                )
            )
            if found is None:
                new = offices.NewRequest(
                    kind=offices.RequestKind.RESET_TWO_FACTOR, target_person_id=self.person("head")
                )
                request = offices.request_change(self.actor("admin"), new)
                assert request is not None
                found = request.id
            return found

    def declaration(self) -> uuid.UUID:
        with self.app.test_request_context():  # a declaration can move a case, and its new manager is emailed
            found = db.session.scalar(
                select(RelationshipDeclaration.id).where(
                    RelationshipDeclaration.declarant_person_id == self.person("dsl"),
                    RelationshipDeclaration.withdrawn_at.is_(None),
                )
            )
            if found is None:
                found = declarations.declare_relationship(
                    self.actor("dsl"), self.person("teacher"), RelationshipNature.CLOSE_FRIEND, "Known for years"
                ).id
            return found

    def term(self) -> int:
        with self.app.app_context():
            found = db.session.scalar(select(TermDate.id).limit(1))
            if found is None:
                found = school_settings.add_term_date(
                    self.actor("admin"), "Autumn term 2090", dt.date(2090, 9, 4), dt.date(2090, 12, 18)
                ).id
            return found

    def case(self) -> uuid.UUID:
        """The teacher's report about a colleague, which the headteacher manages (a new one when an
        earlier post moved it to another office)."""
        with self.app.test_request_context():
            if self.case_id is not None:
                try:
                    case = case_for(self.actor("head"), self.case_id)
                except CaseNotFoundError:
                    self.case_id = None
                else:
                    if case.status == "closed" or case.kind != "allegation":  # closed, or reclassified
                        self.case_id = None
            if self.case_id is None:
                receipt = reporting.submit(
                    self.actor("teacher"),
                    reporting.Submission(
                        kind=ReportKind.ALLEGATION,
                        answers={"what_happened": "Fictional: shouted at a pupil in the corridor"},
                        threshold_answers=dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.YES),
                        subject_person_id=self.person("subject"),
                    ),
                )
                self.case_id = receipt.case_id
            return self.case_id

    def correctable_entry(self) -> uuid.UUID:
        """A note on the case that has not been corrected yet (a new one when it has)."""
        case_id = self.case()
        with self.app.test_request_context():
            actor = self.actor("head")
            case = case_for(actor, case_id)
            entries = case_store.chronology(case)
            state = case_running.state_of(case, entries)
            for entry in reversed(entries):
                if (entry.body or {}).get("type") == "note" and str(entry.id) not in state.corrected_by:
                    return entry.id
            new = case_running.NewEntry(EntryType.NOTE, utcnow(), "Fictional note to correct")
            return case_running.record_entry(actor, case, new).id

    def action_done_type(self) -> str:
        """'action_done', once the case has an open action to mark as done."""
        case_id = self.case()
        with self.app.test_request_context():
            actor = self.actor("head")
            case = case_for(actor, case_id)
            if not case_running.state_of(case).open_actions:
                values = {"action": "Fictional: check the rota", "owner": "", "due_on": "2090-01-01"}
                case_running.record_entry(actor, case, case_running.NewEntry(EntryType.ACTION, utcnow(), "", values))
        return EntryType.ACTION_DONE.value

    def hold(self) -> uuid.UUID:
        """A legal hold still in place on the case (placed again once lifted)."""
        case_id = self.case()
        with self.app.test_request_context():
            found = db.session.scalar(
                select(LegalHold.id).where(LegalHold.case_id == case_id, LegalHold.lifted_at.is_(None))
            )
            if found is None:
                case = db.session.get(Case, case_id)
                assert case is not None
                found = retention.set_hold(self.actor("dpo"), case.reference, "Fictional inquiry").id
            return found

    def collaborator(self) -> uuid.UUID:
        """Someone helping with the case (added again once removed)."""
        case_id = self.case()
        with self.app.test_request_context():
            helping = select(CaseCollaborator.id).where(
                CaseCollaborator.case_id == case_id, CaseCollaborator.removed_at.is_(None)
            )
            found = db.session.scalar(helping)
            if found is None:
                actor = self.actor("head")
                case_management.add_collaborator(actor, case_for(actor, case_id), self.users["secured"].id)
                found = db.session.scalar(helping)
            assert found is not None
            return found

    def token(self) -> str:
        """A password-reset link that still works (a new one when the last was used)."""
        with self.app.test_request_context():
            if not self.reset_token or sign_in_service.valid_reset_token(self.reset_token) is None:
                sign_in_service.request_password_reset(self.users["resetting"].email)
                message = self.app.extensions["outbox"][-1]
                match = re.search(r"/reset-password/([A-Za-z0-9_-]+)", message.get_content())
                assert match
                self.reset_token = match.group(1)
        return self.reset_token

    def email_change_link(self) -> str:
        """The token in the link an email change sends to the old address (a fresh change each time)."""
        with self.app.test_request_context():
            new = offices.NewRequest(
                kind=offices.RequestKind.CHANGE_EMAIL,
                target_person_id=self.person("moving"),
                new_email=f"mo.{uuid.uuid4().hex[:8]}@larkrise.example",
            )
            assert offices.request_change(self.actor("admin"), new) is not None
            message = self.app.extensions["outbox"][-1]
            match = re.search(r"/confirm-email-change/([A-Za-z0-9_.-]+)", message.get_content())
            assert match
            return match.group(1)

    def referral(self) -> uuid.UUID:
        """A subject access request referred to a second office-holder, waiting for its pack."""
        with self.app.app_context():
            waiting = select(SubjectAccessReferral.id).where(SubjectAccessReferral.produced_at.is_(None))
            found = db.session.scalar(waiting)
            if found is None:
                school_id = db.session.scalar(select(School.id))
                assert school_id is not None
                referral = SubjectAccessReferral(
                    school_id=school_id, person_id=self.person("teacher"), requested_by_id=self.users["dpo"].id
                )
                db.session.add(referral)
                db.session.commit()
                found = referral.id
            return found

    def receipt(self) -> str:
        """The receipt code of an anonymous whistleblowing concern."""
        if not self.receipt_code:
            with self.app.test_request_context():
                concern = whistleblowing.AnonymousConcern(
                    wrongdoing=Wrongdoing.OTHER,
                    what_happened="Fictional: the fire doors are chained shut",
                    harm_to_a_child=ThresholdAnswer.NOT_SURE,
                )
                code = whistleblowing.raise_concern(concern).receipt_code
                assert code is not None
                self.receipt_code = code
        return self.receipt_code

    def report_draft(self, client: FlaskClient, kind: str) -> None:
        """Give the teacher a finished draft report of this kind, answered through the pages once,
        then kept and put back before each example."""
        user_id = self.users["teacher"].id
        if kind not in self.drafts:
            with self.app.app_context():
                reporter_view.discard_draft(user_id)
            concern = {"not listed": COLLEAGUE}.get(kind, kind)
            steps: list[tuple[str, dict[str, str]]] = [("/report", {"immediate_danger": "no"})]
            steps.append(("/report/kind", {"concern": concern}))
            if kind == "colleague":
                steps.append(("/report/person", {"person": str(self.person("subject"))}))
            elif kind == "not listed":
                steps.append(("/report/person", {"person": NOT_LISTED}))
                steps.append(("/report/person/not-listed", {"relationship": "other"}))
            elif kind == "whistleblowing":
                steps.append(("/report/person", {}))
            steps += [("/report/questions", {}), ("/report/details", {})]
            for path, answers in steps:
                page = client.get(path)
                assert page.status_code == 200, f"GET {path}: {page.status_code} {page.headers.get('Location')}"
                form = form_posting_to(page.get_data(as_text=True), path, path)
                answered = client.post(path, data=sensible_answers(form, answers))
                assert answered.status_code == 302, f"{path}: {error_summary(answered.get_data(as_text=True))}"
            with self.app.app_context():
                self.drafts[kind] = reporter_view.load_draft(user_id)
        with self.app.app_context():
            reporter_view.store_draft(user_id, self.drafts[kind])

    def plausible(self, key: str | None) -> Plausible:
        codes = ["5", "12", "123456"]
        if key is not None and self.users[key].totp_secret:
            codes.append(current_code(self.users[key]))
        return Plausible(
            passwords=[PASSWORD, STRONG_PASSWORD],
            emails=["name@example.com", "NEW.Address@Larkrise.example", *(u.email for u in self.users.values())],
            codes=codes,
            text=["Jo Bloggs", "Autumn term 2091", "01632 960 001", "10:30", self.receipt(), *self.recovery_codes],
        )


def build_world(app: Flask) -> World:
    users = {
        "admin": make_user(app, "Ada Admin", roles=(Role.STAFF, Role.ADMINISTRATOR)),
        "head": make_user(app, "Hal Head", office=Office.HEADTEACHER),
        "dsl": make_user(app, "Dina Dsl", office=Office.DSL),
        "chair": make_user(app, "Cora Chair", office=Office.CHAIR, two_factor=False),
        "teacher": make_user(app, "Tom Teacher"),
        "secured": make_user(app, "Sam Secured", two_factor=True),
        "inactive": make_user(app, "Ivy Inactive"),
        "resetting": make_user(app, "Rosa Reset"),
        "subject": make_user(app, "Sid Subject"),
        "governor": make_user(app, "Gwen Governor", roles=(Role.GOVERNOR,)),
        "dpo": make_user(app, "Dev Dpo", office=Office.DATA_PROTECTION_OFFICER),
        "moving": make_user(app, "Mo Moving"),
    }
    with app.app_context():
        person = people.add_person(
            None, people.PersonDetails("Ian Invited", "ian.invited@larkrise.example", "Teacher"), commit=False
        )
        invited = people.create_account(None, person, [Role.STAFF])
        secured = db.session.get(User, users["secured"].id)
        assert secured is not None
        codes = sign_in_service.new_recovery_codes(secured)
        db.session.refresh(invited)
        db.session.expunge(invited)
    users["invited"] = invited
    return World(app, users, codes)


@pytest.fixture()
def world(app: Flask) -> World:
    return build_world(app)


# Who posts to each route, and about what -------------------------------------------------------

ArgumentGetter = Callable[[World], object]
Preparation = Callable[[World, FlaskClient], None]
# Where a route's form is: a page to GET ({argument} filled in), or a function that gets there
# (some forms appear only after a POST) and returns the page's path and HTML.
FormSource = str | Callable[[World, FlaskClient], tuple[str, str]]


@dataclass(frozen=True)
class Scenario:
    who: str | None  # the world's user who posts; None: nobody is signed in
    pending: bool = False  # they gave their password and are at the two-factor step
    form_page: FormSource | None = None  # None: the route's own address answers GET with the form
    arguments: dict[str, tuple[ArgumentGetter, ...]] = field(default_factory=dict)  # one is drawn per example
    prepare: tuple[Preparation, ...] = ()  # one is drawn and run before each example
    taken: tuple[str, ...] = ()  # headings of 200 pages that mean the post was taken
    sensible: dict[str, str] = field(default_factory=dict)  # answers that make the form do most


def person(key: str) -> ArgumentGetter:
    return lambda world: world.person(key)


def entry_type(chosen: EntryType) -> ArgumentGetter:
    return lambda world: chosen.value


def drafts(*kinds: str) -> tuple[Preparation, ...]:
    return tuple(lambda world, client, kind=kind: world.report_draft(client, kind) for kind in kinds)


def checked_concern(world: World, client: FlaskClient) -> tuple[str, str]:
    """The anonymous concern's check page, whose form sends it (or goes back to change it)."""
    form = form_posting_to(client.get("/whistleblowing/new").get_data(as_text=True), "/", "/whistleblowing/check")
    page = client.post("/whistleblowing/check", data=sensible_answers(form, {}), headers=SAME_ORIGIN)
    assert page.status_code == 200 and heading(page.get_data(as_text=True)) == "Check your answers before sending"
    return "/whistleblowing/check", page.get_data(as_text=True)


def followed_up(world: World, client: FlaskClient) -> tuple[str, str]:
    """The anonymous concern's status page, whose form sends a reply."""
    page = client.post("/whistleblowing/follow-up", data={"code": world.receipt()}, headers=SAME_ORIGIN)
    assert page.status_code == 200 and heading(page.get_data(as_text=True)) == "Your concern"
    return "/whistleblowing/follow-up", page.get_data(as_text=True)


SCENARIOS: dict[str, Scenario] = {
    "auth.sign_in": Scenario(None),
    "auth.forgot_password": Scenario(None, taken=("Check your email",)),
    "auth.reset_password": Scenario(None, arguments={"token": (World.token,)}),
    "auth.confirm_email_change": Scenario(None, arguments={"token": (World.email_change_link,)}),
    "auth.two_factor": Scenario("secured", pending=True),
    "auth.recovery_code": Scenario("secured", pending=True),
    "auth.set_up_two_factor": Scenario("chair", pending=True),
    "auth.set_up_two_factor_for_account": Scenario("teacher"),
    "auth.create_recovery_codes": Scenario("secured", form_page="/account", taken=("Save your recovery codes",)),
    "auth.sign_out": Scenario("teacher", form_page="/account"),
    "auth.sign_out_everywhere": Scenario("teacher", form_page="/account"),
    "auth.confirm_identity": Scenario("secured"),
    "admin.appoint_office": Scenario("admin"),
    "admin.end_office": Scenario(
        "admin", form_page="/admin/offices", arguments={"holding_id": (World.current_holding,)}
    ),
    "admin.cancel_office_request": Scenario(
        "admin", form_page="/admin/offices", arguments={"request_id": (World.pending_request,)}
    ),
    "admin.request_credential_change": Scenario(
        "admin", arguments={"person_id": (person("teacher"), person("head"))}, sensible={"kind": "change_email"}
    ),
    "admin.add_person": Scenario("admin"),
    "admin.edit_person": Scenario("admin", arguments={"person_id": (World.person_without_account, person("teacher"))}),
    "admin.create_account": Scenario("admin", arguments={"person_id": (World.person_without_account,)}),
    "admin.send_invitation": Scenario("admin", arguments={"person_id": (person("invited"),)}),
    "admin.change_roles": Scenario("admin", arguments={"person_id": (person("teacher"),)}),
    "admin.deactivate_account": Scenario("admin", arguments={"person_id": (World.active_teacher,)}),
    "admin.reactivate_account": Scenario("admin", arguments={"person_id": (World.inactive_person,)}),
    "admin.reset_two_factor": Scenario("admin", arguments={"person_id": (World.person_with_two_factor,)}),
    "admin.import_staff": Scenario("admin"),
    "admin.edit_settings": Scenario("admin"),
    "admin.add_term_date": Scenario("admin"),
    "admin.remove_term_date": Scenario("admin", form_page="/admin/settings", arguments={"term_id": (World.term,)}),
    "offices.confirm_request": Scenario(
        "dsl", form_page="/office-changes/{request_id}", arguments={"request_id": (World.pending_request,)}
    ),
    "offices.reject_request": Scenario(
        "dsl", form_page="/office-changes/{request_id}", arguments={"request_id": (World.pending_request,)}
    ),
    "offices.add_declaration": Scenario("dsl"),
    "offices.withdraw_declaration": Scenario(
        "dsl", form_page="/declarations", arguments={"declaration_id": (World.declaration,)}
    ),
    "cases.add_collaborator": Scenario(
        "head", form_page="/cases/{case_id}/collaborators/add?q=larkrise", arguments={"case_id": (World.case,)}
    ),
    "cases.remove_collaborator": Scenario(
        "head",
        form_page="/cases/{case_id}",
        arguments={"case_id": (World.case,), "collaborator_id": (World.collaborator,)},
    ),
    "cases.implicate_person": Scenario(
        "head", form_page="/cases/{case_id}/implicated/add?q=larkrise", arguments={"case_id": (World.case,)}
    ),
    "cases.send_message": Scenario("head", form_page="/cases/{case_id}", arguments={"case_id": (World.case,)}),
    "cases.choose_entry": Scenario("head", arguments={"case_id": (World.case,)}),
    "cases.new_entry": Scenario(
        "head",
        arguments={
            "case_id": (World.case,),
            "entry_type": (
                *(entry_type(t) for t in ALLEGATION_ENTRIES if t is not EntryType.ACTION_DONE),
                World.action_done_type,
            ),
        },
    ),
    "cases.correct_entry": Scenario(
        "head", arguments={"case_id": (World.case,), "entry_id": (World.correctable_entry,)}
    ),
    "cases.reclassify": Scenario("head", arguments={"case_id": (World.case,)}),
    "cases.close_case": Scenario("head", arguments={"case_id": (World.case,)}),
    "cases.export_chronology": Scenario("head", arguments={"case_id": (World.case,)}),
    "cases.destroy_case": Scenario("head", arguments={"case_id": (World.case,)}),
    "data_protection.legal_holds": Scenario("dpo"),
    "data_protection.subject_access": Scenario("dpo"),
    "data_protection.produce_referred": Scenario(
        "head", form_page="/data-protection/subject-access/referred", arguments={"referral_id": (World.referral,)}
    ),
    "data_protection.lift_legal_hold": Scenario(
        "dpo", form_page="/data-protection/legal-holds", arguments={"hold_id": (World.hold,)}
    ),
    "report.start": Scenario("teacher", prepare=drafts(*REPORT_DRAFTS)),
    "report.choose_kind": Scenario("teacher", prepare=drafts(*REPORT_DRAFTS)),
    "report.subject": Scenario("teacher", prepare=drafts("colleague", "not listed", "whistleblowing")),
    "report.describe_subject": Scenario("teacher", prepare=drafts("not listed")),
    "report.threshold": Scenario("teacher", prepare=drafts(*REPORT_DRAFTS)),
    "report.details": Scenario("teacher", prepare=drafts(*REPORT_DRAFTS)),
    "report.check_answers": Scenario("teacher", prepare=drafts(*REPORT_DRAFTS)),
    "report.show_report": Scenario("teacher", arguments={"case_id": (World.case,)}),
    "whistleblowing.new": Scenario(
        None,
        form_page=checked_concern,
        taken=("Tell us about the wrongdoing",),  # "Change your answers"
    ),
    "whistleblowing.check": Scenario(
        None, form_page="/whistleblowing/new", taken=("Check your answers before sending",)
    ),
    "whistleblowing.send": Scenario(None, form_page=checked_concern, taken=("Concern sent",)),
    "whistleblowing.follow_up": Scenario(None, taken=("Your concern",)),
    "whistleblowing.reply": Scenario(None, form_page=followed_up, taken=("Your concern",)),
}


def post_rules(app: Flask) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for rule in app.url_map.iter_rules():
        if "POST" in (rule.methods or ()):
            assert rule.endpoint not in rules, f"{rule.endpoint} takes POST at two addresses"
            rules[rule.endpoint] = rule
    return rules


def test_every_route_that_takes_post_is_fuzzed(app: Flask) -> None:
    """A new form gets a scenario here, or this fails: the fuzzing cannot quietly fall behind."""
    routes = set(post_rules(app))
    assert not routes - set(SCENARIOS), f"give these routes a scenario: {sorted(routes - set(SCENARIOS))}"
    assert not set(SCENARIOS) - routes, f"these routes are gone: {sorted(set(SCENARIOS) - routes)}"


# Checking answers ------------------------------------------------------------------------------


def database_state(app: Flask) -> dict[str, list[str]]:
    """Every row of every table that a refused post must leave alone."""
    state: dict[str, list[str]] = {}
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            if table.name in IGNORED_TABLES:
                continue
            skip = VOLATILE_COLUMNS.get(table.name, frozenset())
            columns = [column for column in table.columns if column.name not in skip]
            state[table.name] = sorted(repr(tuple(row)) for row in db.session.execute(select(*columns)))
        db.session.rollback()
    return state


def describe_change(before: dict[str, list[str]], after: dict[str, list[str]]) -> str:
    return "; ".join(
        f"{name}: {len(before[name])} rows before, {len(after[name])} after"
        for name in before
        if before[name] != after[name]
    )


def heading(body: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""


def error_summary(body: str) -> list[tuple[str, str]]:
    """(link target, message) for each entry in the GOV.UK error summary."""
    match = re.search(
        r'class="govuk-error-summary".*?<ul class="[^"]*govuk-error-summary__list">(.*?)</ul>', body, re.S
    )
    if match is None:
        return []
    entries = re.findall(r'<a href="#([^"]*)">(.*?)</a>', match.group(1), re.S)
    return [(target, html.unescape(message).strip()) for target, message in entries]


def check_answer(response: TestResponse, scenario: Scenario, before: dict[str, list[str]], app: Flask) -> bool:
    """Whether the post was taken; fails unless a refusal explains itself and changed nothing."""
    status = response.status_code
    if status == 200 and response.mimetype == "application/pdf":  # an export: the post was taken
        return True
    body = response.get_data(as_text=True)
    assert status < 500, f"{status} {heading(body)!r}"
    if status == 302:  # taken (or sent elsewhere, such as to sign in): never off the site
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), f"redirect off the site: {location!r}"
        return True
    explained = "There is a problem" in body
    if status == 200 and not explained and heading(body) in scenario.taken:
        return True
    after = database_state(app)
    assert after == before, f"a refused post ({status}) changed the database: {describe_change(before, after)}"
    if status == 200:
        assert explained, f"form refused without an error summary: {heading(body)!r}"
        entries = error_summary(body)
        assert entries, "the error summary lists no errors"
        for target, message in entries:
            assert message, "an error summary entry with no message"
            assert f'id="{target}"' in body, f"the error {message!r} links to #{target}, which is not on the page"
        return False
    assert status in ERROR_PAGE_STATUSES, f"unexpected status {status}"
    assert heading(body), f"the {status} page has no heading"
    return False


# Signing in ------------------------------------------------------------------------------------


def signed_in_client(world: World, scenario: Scenario) -> FlaskClient:
    """The scenario's browser: signed in, half signed in (password given) or a visitor's, kept
    between examples until a post is taken."""
    app = world.app
    key = f"{scenario.who}/pending" if scenario.pending else "visitor/" if scenario.who is None else scenario.who
    if key in world.clients:
        return world.clients[key]
    client = world.clients[key] = app.test_client()
    if scenario.who is not None:
        user = world.users[scenario.who]
        unlock(app, user)
        if scenario.pending:
            response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
            assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]
        else:
            sign_in(client, user)
    return client


def form_page(client: FlaskClient, world: World, scenario: Scenario, path: str) -> str:
    """The page the form is on; signs in again when an earlier post signed the user out."""
    page = client.get(path)
    if page.status_code == 302 and page.headers["Location"].startswith("/sign-in") and scenario.who:
        unlock(world.app, world.users[scenario.who])
        sign_in(client, world.users[scenario.who])
        page = client.get(path)
    assert page.status_code == 200, f"GET {path}: {page.status_code} {page.headers.get('Location')}"
    return page.get_data(as_text=True)


# The tests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    scenario: Scenario
    client: FlaskClient
    url: str
    form: PageForm


def visit(world: World, endpoint: str, choose: Callable[[tuple[Any, ...]], Any]) -> Visit:
    """Sign in, prepare, and find the form that posts to the route (`choose` picks among the
    scenario's preparations and argument getters)."""
    scenario = SCENARIOS[endpoint]
    rule = post_rules(world.app)[endpoint]
    with world.app.app_context():
        limiter.reset()
    client = signed_in_client(world, scenario)
    preparation = choose(scenario.prepare) if scenario.prepare else None
    if preparation is not None:
        preparation(world, client)
    values = {name: choose(getters)(world) for name, getters in scenario.arguments.items()}
    url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
    if (client, url, preparation) not in world.forms:
        if callable(scenario.form_page):
            path, page = scenario.form_page(world, client)
        else:
            assert scenario.form_page or "GET" in (rule.methods or ()), f"where is the form that posts to {url}?"
            path = (scenario.form_page or url).format(**values)
            page = form_page(client, world, scenario, path)
        world.forms[client, url, preparation] = (path, form_posting_to(page, path, url))
    return Visit(scenario, client, url, world.forms[client, url, preparation][1])


def send(world: World, visit: Visit, pairs: list[tuple[str, Any]], **kwargs: Any) -> None:
    """Post, and check the answer."""
    before = database_state(world.app)
    response = visit.client.post(data=MultiDict(pairs), **kwargs)
    if check_answer(response, visit.scenario, before, world.app):
        world.forget(visit.client)


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_hostile_input_to_every_form(app: Flask, world: World, endpoint: str, data: st.DataObject) -> None:
    here = visit(world, endpoint, lambda options: data.draw(st.sampled_from(options)))
    form = here.form
    plausible = world.plausible(here.scenario.who)

    # Wild: every field drawn. Gentle: the form filled in sensibly, then a few fields drawn.
    gentle = data.draw(st.sampled_from(["wild", "gentle", "gentle"]), label="mode") == "gentle"
    sensible = sensible_answers(form, here.scenario.sensible)
    pairs: list[tuple[str, Any]] = []
    for name, control in form.fields.items():
        if name == "csrf_token":
            continue
        if gentle and data.draw(st.sampled_from([True, True, False]), label=f"keep {name}"):
            pairs += [(name, value) for value in sensible.getlist(name)]
        else:
            pairs += [(name, value) for value in data.draw(values_for(control, plausible), label=name)]
    for name in data.draw(st.lists(extra_name, max_size=3), label="extra fields"):
        pairs += [(name, value) for value in data.draw(st.lists(hostile_value(plausible.text), max_size=3), label=name)]
    if "csrf_token" in form.fields:
        token = form.fields["csrf_token"].options[0]
        hostile_token = data.draw(hostile_value([]), label="hostile token")
        pairs += {
            "page's own": [("csrf_token", token)],
            "left out": [],
            "empty": [("csrf_token", "")],
            "altered": [("csrf_token", token[:-3] + "abc")],
            "sent twice": [("csrf_token", token), ("csrf_token", hostile_token)],
            "hostile": [("csrf_token", hostile_token)],
        }[data.draw(st.sampled_from(CSRF_CHOICES), label="CSRF token")]
    pairs = data.draw(st.permutations(pairs), label="order")
    texts = [index for index, (_, value) in enumerate(pairs) if isinstance(value, str)]
    # Now and then a NUL character. (Benign choices come first: Hypothesis often takes the first.)
    if texts and data.draw(st.sampled_from([False] * 19 + [True]), label="NUL"):
        index = data.draw(st.sampled_from(texts))
        name, value = pairs[index]
        pairs[index] = (name, value[: len(value) // 2] + "\x00" + value[len(value) // 2 :])
    query = data.draw(
        st.lists(st.tuples(st.sampled_from(["next", "page", "q", "check"]), hostile_value([])), max_size=2)
    )
    send(
        world,
        here,
        pairs,
        path=here.url + ("?" + urlencode(query) if query else ""),
        headers=data.draw(ORIGINS, label="headers"),
        content_type="multipart/form-data" if data.draw(st.booleans(), label="multipart") else None,
    )


# The longest text each field takes, in letters whose lower case is longer ("İ" becomes "i̇"): it
# must still fit the database column once normalised (SQLite never checks; PostgreSQL does).
LIMIT_PROBES = {"email": (254, 320), "password": (256,), "text": (100, 200, 500), "textarea": (2000, 5000, 10_000)}


def longest(kind: str, length: int) -> str:
    return repeated_to("İ", length - 12) + "@example.com" if kind == "email" else repeated_to("İẞ", length)


def test_the_longest_text_each_field_takes_fits_the_database(app: Flask, world: World) -> None:
    """Each text field of each form, at the usual limits, the rest of the form filled in sensibly."""
    probes = 0
    for endpoint in sorted(SCENARIOS):
        for name, control in visit(world, endpoint, lambda options: options[0]).form.fields.items():
            kind = "email" if "email" in name else control.kind
            if control.numeric or kind not in LIMIT_PROBES:
                continue
            for length in LIMIT_PROBES[kind]:
                here = visit(world, endpoint, lambda options: options[0])
                answers = sensible_answers(here.form, {**here.scenario.sensible, name: longest(kind, length)})
                try:
                    send(world, here, list(answers.items(multi=True)), path=here.url, headers=SAME_ORIGIN)
                except AssertionError as error:
                    raise AssertionError(f"{endpoint}: {name} at {length} characters: {error}") from None
                probes += 1
    assert probes > 50, probes


def get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()) and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


@settings(
    max_examples=10,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_query_strings_on_every_page(app: Flask, world: World, data: st.DataObject) -> None:
    """Every page that answers GET, with hostile page numbers, searches and return addresses, asked
    by someone who may see it (a visitor, the administrator, an office-holder or a case manager)."""
    arguments: dict[str, ArgumentGetter] = {
        "person_id": person("teacher"),
        "request_id": World.pending_request,
        "token": World.token,
        "case_id": World.case,
    }
    parameters = st.tuples(
        st.lists(st.tuples(st.just("page"), st.one_of(odd_digits, numbers, hostile_value([]))), max_size=2),
        st.lists(st.tuples(st.sampled_from(["q", "next", "token", "check"]), hostile_value([])), max_size=3),
        st.lists(st.tuples(st.text(CHARACTERS, max_size=10), hostile_value([])), max_size=2),
    ).map(lambda parts: [pair for part in parts for pair in part])
    for rule in get_rules(app):
        values = {name: arguments.get(name, sample_argument(rule, name))(world) for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
        client = page_viewer(world, url)
        query = urlencode(data.draw(parameters, label=url))
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, f"GET {url}?{query}: {response.status_code}"
        if response.status_code in ERROR_PAGE_STATUSES:
            assert heading(response.get_data(as_text=True)), f"the {response.status_code} page for {url} has no heading"


def sample_argument(rule: Rule, name: str) -> ArgumentGetter:
    """A value of the right type for an argument no record here stands behind (the page answers 404)."""
    converter = type(rule._converters[name]).__name__
    value = uuid.uuid4() if converter == "UUIDConverter" else 1 if converter == "IntegerConverter" else "x"
    return lambda world: value


def page_viewer(world: World, url: str) -> FlaskClient:
    """The first of the case manager, the administrator, an office-holder, the teacher and a governor
    (the oversight report) who may see the page; a visitor when none may."""
    if url not in world.viewers:
        world.viewers[url] = world.app.test_client()
        for key in ("head", "admin", "dsl", "teacher", "governor"):
            client = signed_in_client(world, Scenario(key))
            if client.get(url).status_code == 200:
                world.viewers[url] = client
                break
    return world.viewers[url]
