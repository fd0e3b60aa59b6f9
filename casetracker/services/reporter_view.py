"""What a signed-in reporter may see and do with their own reports (DOMAIN.md section 4).

A reporter sees what they submitted, the status in three words and the messages the case manager
sent them: never the investigation, the chronology or the outcome. They may add further
information, which is appended as a new report (the old one is never edited).

Also here: sealing the reporting journey's in-progress answers, which live in the server-side
session between pages. The session table is not encrypted, so the draft is kept there only
encrypted under a fresh key wrapped by the keyring (as a case's data key is).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import func, select

from casetracker import audit, crypto
from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, can_follow_own_report
from casetracker.extensions import db
from casetracker.keystore import current_keyring, keyring
from casetracker.models import Case, Message, OfficeHolding, Person, Report, ReportDraft, User
from casetracker.services import case_store, offices, routing
from casetracker.services.case_access import CaseNotFoundError, relation_to, relations_to
from casetracker.services.notifications import absolute_url, send_email_quietly

MAX_FURTHER_INFORMATION = 10_000
DIRECTORY_MATCHES = 25

# The reporter sees the status in one of three words, whatever the case manager's workflow.
STATUS_RECEIVED = "Received"
STATUS_BEING_LOOKED_AT = "Being looked at"
STATUS_CLOSED = "Closed"


def status_label(status: str) -> str:
    if status == "received":
        return STATUS_RECEIVED
    if status in ("closed", "destroyed"):
        return STATUS_CLOSED
    return STATUS_BEING_LOOKED_AT


# Their own reports -------------------------------------------------------------------------------


def own_case(actor: Actor, case_id: uuid.UUID) -> Case:
    """A case this person reported (under their name); anything else is 'not found'."""
    case = db.session.get(Case, case_id)
    if case is None or case.destroyed_at is not None or not own_reports(actor, case):
        raise CaseNotFoundError(str(case_id))
    return case


def may_follow(actor: Actor, case: Case) -> bool:
    """Whether the reporter still follows this report (domain.policy.can_follow_own_report)."""
    return can_follow_own_report(relation_to(actor, case))


def shown_statuses(actor: Actor, cases: list[Case]) -> dict[uuid.UUID, str]:
    """Each report's status in three words; only "Received" where the reporter has been marked
    implicated (one lookup for the whole list)."""
    relations = relations_to(actor, cases)
    return {
        case.id: status_label(case.status) if can_follow_own_report(relations[case.id]) else STATUS_RECEIVED
        for case in cases
    }


def own_reports(actor: Actor, case: Case) -> list[Report]:
    """What this person submitted to the case, oldest first (further information included)."""
    index = keyring().blind_index(actor.person_id)
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.case_id == case.id, Report.reporter_index == index)
            .order_by(Report.submitted_at, Report.id)
        )
    )


def messages_to_reporter(case: Case) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.case_id == case.id, Message.direction == "to_reporter")
            .order_by(Message.sent_at, Message.id)
        )
    )


def record_view(actor: Actor, case: Case) -> None:
    """Audit the reporter's look at their own report before anything is shown, and commit."""
    audit.record("report.viewed", actor_user_id=actor.user_id, object_type="case", object_id=case.id, case_id=case.id)
    db.session.commit()


def can_add_information(case: Case) -> bool:
    return case.status not in ("closed", "destroyed") and case.destroyed_at is None


def add_further_information(actor: Actor, case: Case, text: str) -> Report:
    """Append what the reporter adds as a new report, note it on the chronology, tell the case manager."""
    text = text.replace("\x00", "").strip()
    if not text:
        raise ValueError("Enter the further information")
    if len(text) > MAX_FURTHER_INFORMATION:
        raise ValueError(f"Further information must be {MAX_FURTHER_INFORMATION:,} characters or fewer")
    if not own_reports(actor, case) or not can_add_information(case) or not may_follow(actor, case):
        raise CaseNotFoundError(str(case.id))
    now = utcnow()
    report = Report(
        case_id=case.id,
        submitted_at=now,
        is_anonymous=False,
        reporter_index=keyring().blind_index(actor.person_id),
    )
    report.reporter = {"person_id": str(actor.person_id)}
    report.answers = {"further_information": text}
    db.session.add(report)
    db.session.flush()
    case_store.add_entry(
        case,
        "further_information",
        {"text": f"Further information from the reporter: {text}", "report_id": str(report.id)},
        occurred_at=now,
        author=_author(actor),
    )
    audit.record(
        "report.further_information",
        actor_user_id=actor.user_id,
        object_type="report",
        object_id=report.id,
        case_id=case.id,
    )
    db.session.commit()
    _tell_case_manager(case)
    return report


def _author(actor: Actor) -> dict[str, Any]:
    user = db.session.get(User, actor.user_id)
    return {"user_id": str(actor.user_id), "name": user.person.full_name if user else "", "as": "reporter"}


def _tell_case_manager(case: Case) -> None:
    """No content, no kind of case: only that something needs attention (as reporting does)."""
    office = Office(case.case_manager_office) if case.case_manager_office else None
    link = absolute_url(url_for("auth.sign_in"))
    for email in routing.case_manager_addresses(office):
        send_email_quietly(email, "Casetracker: something needs your attention", f"Sign in to see what is new: {link}")


# Choosing a person, and who to tell in an emergency ----------------------------------------------


@dataclass(frozen=True)
class DirectoryMatch:
    id: uuid.UUID
    full_name: str
    job_title: str


def find_people(query: str, *, exclude: uuid.UUID, limit: int = DIRECTORY_MATCHES) -> tuple[list[DirectoryMatch], bool]:
    """People whose name contains the query (any case), never the reporter; and whether there were more."""
    query = query.replace("\x00", "").strip()[:200]
    if not query:
        return [], False
    rows = list(
        db.session.scalars(
            select(Person)
            .where(Person.full_name.icontains(query, autoescape=True), Person.id != exclude)
            .order_by(func.lower(Person.full_name), Person.id)
            .limit(limit + 1)
        )
    )
    return [DirectoryMatch(p.id, p.full_name, p.job_title) for p in rows[:limit]], len(rows) > limit


def directory_person(value: Any, *, exclude: uuid.UUID) -> Person | None:
    """The directory entry a form value names, if it is one (and not the reporter)."""
    try:
        person_id = uuid.UUID(str(value))
    except ValueError:
        return None
    if person_id == exclude:
        return None
    return db.session.get(Person, person_id)


def people_named(ids: list[str]) -> list[DirectoryMatch]:
    found = []
    for value in ids:
        try:
            person = db.session.get(Person, uuid.UUID(value))
        except ValueError:
            continue
        if person is not None:
            found.append(DirectoryMatch(person.id, person.full_name, person.job_title))
    return found


@dataclass(frozen=True)
class SafeguardingContacts:
    dsl: str | None
    deputies: list[str]
    headteacher: str | None


def _confirmed(holding: OfficeHolding) -> bool:
    """Set from the command line, or confirmed by someone other than who asked: never a deputy the
    administrator appointed alone (as was possible before every office needed a second person)."""
    if holding.requested_by_id is None:
        return True
    return holding.confirmed_by_id is not None and holding.confirmed_by_id != holding.requested_by_id


def safeguarding_contacts() -> SafeguardingContacts:
    holders = routing.effective_holders()

    def name(office: Office) -> str | None:
        person = db.session.get(Person, holders[office]) if office in holders else None
        return person.full_name if person else None

    deputies = sorted(
        {holding.person.full_name for holding in offices.current_holdings(Office.DEPUTY_DSL) if _confirmed(holding)}
    )
    return SafeguardingContacts(dsl=name(Office.DSL), deputies=deputies, headteacher=name(Office.HEADTEACHER))


# The journey's draft, sealed -----------------------------------------------------------------------

_DRAFT_AD = b"casetracker\x1freport-draft\x1f"


def seal_draft(user_id: uuid.UUID, draft: dict[str, Any]) -> dict[str, str]:
    """Encrypt the draft under a fresh key, wrapped by the keyring and bound to this user."""
    ring = current_keyring()  # never a key retired while this worker ran
    draft_id = uuid.uuid4()
    key = crypto.new_data_key()
    kek_id, wrapped = ring.wrap(key, draft_id)
    blob = ring.encrypt(key, draft_id, json.dumps(draft).encode(), _DRAFT_AD + str(user_id).encode())
    return {
        "id": str(draft_id),
        "kek": kek_id,
        "key": base64.b64encode(wrapped).decode("ascii"),
        "blob": base64.b64encode(blob).decode("ascii"),
    }


def open_draft(user_id: uuid.UUID, sealed: Any) -> dict[str, Any] | None:
    """The draft, or None when there is none or it cannot be read (keys retired, altered, another user's)."""
    if not isinstance(sealed, dict):
        return None
    ring = keyring()
    if str(sealed.get("kek")) not in ring.keks:
        ring = current_keyring()  # sealed by a worker that has seen a newer keyring than this one
    try:
        draft_id = uuid.UUID(str(sealed["id"]))
        key = ring.unwrap(str(sealed["kek"]), base64.b64decode(sealed["key"], validate=True), draft_id)
        plain = ring.decrypt(
            key, draft_id, base64.b64decode(sealed["blob"], validate=True), _DRAFT_AD + str(user_id).encode()
        )
        draft = json.loads(plain)
    except (KeyError, ValueError, TypeError, binascii.Error, crypto.CryptoError):
        return None
    return draft if isinstance(draft, dict) else None


def rewrap_draft(sealed: dict[str, Any], ring: crypto.Keyring) -> dict[str, Any] | None:
    """The sealed draft with its key wrapped by the keyring's active key (for `keys rotate`), or
    None if its key cannot be unwrapped (such a draft could not be opened anyway)."""
    try:
        draft_id = uuid.UUID(str(sealed["id"]))
        key = ring.unwrap(str(sealed["kek"]), base64.b64decode(sealed["key"], validate=True), draft_id)
    except (KeyError, ValueError, TypeError, binascii.Error, crypto.CryptoError):
        return None
    kek_id, wrapped = ring.wrap(key, draft_id)
    return {**sealed, "kek": kek_id, "key": base64.b64encode(wrapped).decode("ascii")}


# Drafts are kept for this long without a change, then start again.
DRAFT_DAYS = 30


def load_draft(user_id: uuid.UUID) -> dict[str, Any] | None:
    """The reporter's unfinished report: it survives a sign-in timeout, never another user's."""
    row = db.session.get(ReportDraft, user_id)
    if row is None:
        return None
    if row.updated_at < utcnow() - dt.timedelta(days=DRAFT_DAYS):
        discard_draft(user_id)
        return None
    return open_draft(user_id, row.sealed)


def store_draft(user_id: uuid.UUID, draft: dict[str, Any]) -> None:
    row = db.session.get(ReportDraft, user_id)
    sealed = seal_draft(user_id, draft)
    if row is None:
        db.session.add(ReportDraft(user_id=user_id, sealed=sealed))
    else:
        row.sealed = sealed
        row.updated_at = utcnow()
    db.session.commit()


def discard_draft(user_id: uuid.UUID) -> None:
    row = db.session.get(ReportDraft, user_id)
    if row is not None:
        db.session.delete(row)
        db.session.commit()
