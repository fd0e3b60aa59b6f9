"""Hostile input to every form: never a 500, every rejection explains itself, nothing half-saved.

The test walks `app.url_map` for every route that accepts POST. For each, it signs in someone who
may use it, reads the form from the page it lives on (field names, and the options of radios,
checkboxes and selects) and posts what Hypothesis draws for every field and a few more: nothing,
blanks, text up to 20,000 characters, right-to-left text and emoji, markup, template and SQL
injection, numbers out of range, impossible dates, repeated values, stray files, a hostile query
string, with the page's own CSRF token (and now and then a broken one, or a NUL character).

Every answer must be one of: a redirect within the site (the input was taken); the form again,
with GOV.UK's error summary linking to at least one message; or one of the app's own error pages
with its heading. A post that is not taken leaves every table as it was (bar the audit trail,
sessions and the sign-in counters that failures legitimately move).

A second test sends hostile query strings to every page that answers GET.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
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

from casetracker.domain.people import Office, RelationshipNature, Role
from casetracker.domain.policy import Actor
from casetracker.extensions import db, limiter
from casetracker.models import (
    Base,
    ConfirmationRequest,
    OfficeHolding,
    Person,
    RelationshipDeclaration,
    TermDate,
    User,
)
from casetracker.security.access import current_offices
from casetracker.services import declarations, offices, people, staff_import
from casetracker.services import settings as school_settings
from casetracker.services import sign_in as sign_in_service
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

FUZZ_SETTINGS = settings(
    max_examples=25,
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


@dataclass
class PageForm:
    action: str
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
                self._form = PageForm(urlsplit(attributes.get("action") or self.page_path).path, {})
            return
        if self._form is None:
            return
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            return
        name = attributes.get("name")
        if tag not in ("input", "select", "textarea", "button") or not name:
            return
        kind = attributes.get("type", "text").lower() if tag == "input" else tag
        control = self._form.fields.setdefault(name, FormField(name, kind))
        control.count += 1
        if "value" in attributes and kind in ("radio", "checkbox", "hidden", "submit", "button"):
            control.options.append(attributes["value"])
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
        if form.action == action:
            return form
    raise AssertionError(f"no form on {page_path} posts to {action} (forms: {[f.action for f in reader.forms]})")


# What Hypothesis sends -----------------------------------------------------------------------

# Characters that have broken web apps before: case folding that changes length, bidi controls,
# zero-width and non-breaking spaces, combining marks, astral emoji, quotes, markup, line breaks.
TRICKY_CHARACTERS = "İıßẞﬁK\u202e\u202d\u200f\u200b\ufeff\u00a0\u3000\u2028\u0301é😀👩\u200d👧ﷺ<>&\"'\\/%;\t\r\n"
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
    "a@b.c\r\nBcc: x@y.z",
    " Name@EXAMPLE.com ",
    "@",
    "a@b",
    "a@b.c",
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
    "Ⅻ",
    "31/2/2026",
    "2026-02-31",
    "null",
    "[]",
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
unicode_digits = st.text(st.characters(categories=["Nd"]), min_size=1, max_size=8)
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


def hostile_value(plausible: list[str]) -> st.SearchStrategy[str]:
    branches = [st.sampled_from(HOSTILE_SAMPLES), short_text, long_text, boundary_text, boundary_email, unicode_digits]
    if plausible:
        branches += [st.sampled_from(plausible)] * 2
    return st.one_of(*branches)


def values_for(control: FormField, plausible: list[str]) -> st.SearchStrategy[list[Any]]:
    """A list of 0-4 values for one field (none: the field is left out)."""
    if control.kind == "file":
        return st.one_of(st.lists(upload, min_size=1, max_size=1), st.lists(hostile_value(plausible), max_size=2))
    one = hostile_value(plausible)
    if control.options and control.kind in ("radio", "checkbox", "select", "submit", "button"):
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
CSRF_CHOICES = ["page's own"] * 8 + ["left out", "empty", "altered", "sent twice", "hostile"]


# The world the posts land in -----------------------------------------------------------------


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
    reset_token: str = ""

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
        with self.app.app_context():
            found = db.session.scalar(
                select(RelationshipDeclaration.id).where(
                    RelationshipDeclaration.declarant_person_id == self.person("dsl"),
                    RelationshipDeclaration.withdrawn_at.is_(None),
                )
            )
            if found is None:
                found = declarations.declare_relationship(
                    self.actor("dsl"), self.person("teacher"), RelationshipNature.FRIEND, "Known for years"
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

    def plausible(self, key: str | None) -> list[str]:
        """Values that are right somewhere, so that some posts are taken and the code behind runs."""
        values = [PASSWORD, STRONG_PASSWORD, "Jo Bloggs", "Autumn term 2091", "01632 960 001", "5", "12"]
        values += ["name@example.com", "NEW.Address@Larkrise.example", *self.recovery_codes]
        values += [user.email for user in self.users.values()]
        if key is not None and self.users[key].totp_secret:
            values.append(current_code(self.users[key]))
        return values


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


@dataclass(frozen=True)
class Scenario:
    who: str | None  # the world's user who posts; None: nobody is signed in
    pending: bool = False  # they gave their password and are at the two-factor step
    form_page: str | None = None  # where the form is, for a route that takes only POST ({argument} filled in)
    arguments: dict[str, tuple[ArgumentGetter, ...]] = field(default_factory=dict)  # one is drawn per example
    taken_heading: str | None = None  # the heading of a 200 page that means the post was taken


def person(key: str) -> ArgumentGetter:
    return lambda world: world.person(key)


SCENARIOS: dict[str, Scenario] = {
    "auth.sign_in": Scenario(None),
    "auth.forgot_password": Scenario(None, taken_heading="Check your email"),
    "auth.reset_password": Scenario(None, arguments={"token": (World.token,)}),
    "auth.two_factor": Scenario("secured", pending=True),
    "auth.recovery_code": Scenario("secured", pending=True),
    "auth.set_up_two_factor": Scenario("chair", pending=True),
    "auth.set_up_two_factor_for_account": Scenario("teacher"),
    "auth.create_recovery_codes": Scenario("secured", form_page="/account"),
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
    "admin.request_credential_change": Scenario("admin", arguments={"person_id": (person("teacher"), person("head"))}),
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
    assert sorted(post_rules(app)) == sorted(SCENARIOS)


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
    changed = [
        f"{name}: {len(before[name])} rows before, {len(after[name])} after"
        for name in before
        if before[name] != after[name]
    ]
    return "; ".join(changed)


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


def check_answer(response: TestResponse, scenario: Scenario, before: dict[str, list[str]], app: Flask) -> None:
    status = response.status_code
    body = response.get_data(as_text=True)
    assert status < 500, f"{status} {heading(body)!r}"
    if status == 302:
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), f"redirect off the site: {location!r}"
        return
    after = database_state(app)
    assert after == before, f"a refused post ({status}) changed the database: {describe_change(before, after)}"
    if status == 200:
        if scenario.taken_heading is not None and heading(body) == scenario.taken_heading:
            return
        assert "There is a problem" in body, f"form refused without an error summary: {heading(body)!r}"
        entries = error_summary(body)
        assert entries, "the error summary lists no errors"
        for target, message in entries:
            assert message, "an error summary entry with no message"
            assert f'id="{target}"' in body, f"the error {message!r} links to #{target}, which is not on the page"
        return
    assert status in ERROR_PAGE_STATUSES, f"unexpected status {status}"
    assert heading(body), f"the {status} page has no heading"


# Signing in ------------------------------------------------------------------------------------


def signed_in_client(world: World, scenario: Scenario) -> FlaskClient:
    app = world.app
    if scenario.who is None:
        return app.test_client()
    user = world.users[scenario.who]
    if scenario.pending:
        client = app.test_client()
        unlock(app, user)
        response = post_form(client, "/sign-in", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302 and "/sign-in/" in response.headers["Location"]
        return client
    if scenario.who not in world.clients:
        world.clients[scenario.who] = app.test_client()
        unlock(app, user)
        sign_in(world.clients[scenario.who], user)
    return world.clients[scenario.who]


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


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
@FUZZ_SETTINGS
@given(data=st.data())
def test_hostile_input_to_every_form(app: Flask, world: World, endpoint: str, data: st.DataObject) -> None:
    scenario = SCENARIOS[endpoint]
    rule = post_rules(app)[endpoint]
    with app.app_context():
        limiter.reset()
    client = signed_in_client(world, scenario)

    values = {name: data.draw(st.sampled_from(getters))(world) for name, getters in scenario.arguments.items()}
    url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
    path = url if "GET" in (rule.methods or ()) else (scenario.form_page or "").format(**values)
    page = form_page(client, world, scenario, path)
    form = form_posting_to(page, path, url)
    token = form.fields["csrf_token"].options[0]
    plausible = world.plausible(scenario.who)

    pairs: list[tuple[str, Any]] = []
    for name, control in form.fields.items():
        if name != "csrf_token":
            pairs += [(name, value) for value in data.draw(values_for(control, plausible), label=name)]
    for name in data.draw(st.lists(extra_name, max_size=3), label="extra fields"):
        pairs += [(name, value) for value in data.draw(st.lists(hostile_value(plausible), max_size=3), label=name)]
    csrf = data.draw(st.sampled_from(CSRF_CHOICES), label="CSRF token")
    hostile_token = data.draw(hostile_value([]), label="hostile token")
    pairs += {
        "page's own": [("csrf_token", token)],
        "left out": [],
        "empty": [("csrf_token", "")],
        "altered": [("csrf_token", token[:-3] + "abc")],
        "sent twice": [("csrf_token", token), ("csrf_token", hostile_token)],
        "hostile": [("csrf_token", hostile_token)],
    }[csrf]
    pairs = data.draw(st.permutations(pairs), label="order")
    texts = [index for index, (_, value) in enumerate(pairs) if isinstance(value, str)]
    if texts and data.draw(st.integers(0, 19), label="NUL") == 0:  # now and then, a NUL character
        index = data.draw(st.sampled_from(texts))
        name, value = pairs[index]
        pairs[index] = (name, value[: len(value) // 2] + "\x00" + value[len(value) // 2 :])
    query = data.draw(st.lists(st.tuples(st.sampled_from(["next", "page", "q"]), hostile_value([])), max_size=2))
    multipart = data.draw(st.booleans(), label="multipart")

    before = database_state(app)
    response = client.post(
        url + ("?" + urlencode(query) if query else ""),
        data=MultiDict(pairs),
        content_type="multipart/form-data" if multipart else None,
    )
    check_answer(response, scenario, before, app)


def get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ()) and rule.endpoint != "static"),
        key=lambda rule: rule.rule,
    )


@settings(
    max_examples=8,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_query_strings_on_every_page(app: Flask, world: World, data: st.DataObject) -> None:
    """Every page that answers GET, with hostile page numbers, searches and return addresses, for
    a visitor, the administrator and an office-holder."""
    clients = [app.test_client(), signed_in_client(world, Scenario("admin")), signed_in_client(world, Scenario("dsl"))]
    arguments: dict[str, ArgumentGetter] = {
        "person_id": person("teacher"),
        "request_id": World.pending_request,
        "token": World.token,
    }
    names = st.one_of(st.sampled_from(["page", "q", "next", "token"]), st.text(CHARACTERS, max_size=10))
    for rule in get_rules(app):
        url = rule.build({name: arguments[name](world) for name in rule.arguments}, append_unknown=False)[1]  # type: ignore[index]
        query = urlencode(data.draw(st.lists(st.tuples(names, hostile_value([])), min_size=1, max_size=3), label=url))
        for client in clients:
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, f"GET {url}?{query}: {response.status_code}"
            if response.status_code in ERROR_PAGE_STATUSES:
                assert heading(response.get_data(as_text=True)), (
                    f"the {response.status_code} page for {url} has no heading"
                )
