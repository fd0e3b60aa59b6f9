"""Anonymous whistleblowing: raising a concern with no account, and following it up with a receipt code.

Nothing here knows who the whistleblower is, and nothing records a request's address, browser
or session: the report has no reporter, audit events have no actor, and the receipt code is kept
only as a slow hash of its secret part (see `casetracker.security.receipts`). The code is the
only thing that links a person to their report, so every look-up costs one hash, found or not.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.domain.people import Office
from casetracker.domain.reports import ReportKind, ThresholdAnswer, Wrongdoing
from casetracker.extensions import db
from casetracker.models import Case, Message, Report
from casetracker.security import receipts
from casetracker.services import case_store, reporting, routing
from casetracker.services.notifications import absolute_url, send_email_quietly

# What the whistleblower sees of their case: three words, nothing of the investigation.
STATUS_RECEIVED = "Received"
STATUS_BEING_LOOKED_AT = "Being looked at"
STATUS_CLOSED = "Closed"
CLOSED_STATUSES = frozenset({"closed", "destroyed"})

TO_REPORTER = "to_reporter"
FROM_REPORTER = "from_reporter"


class WhistleblowingError(ValueError):
    """Something the whistleblower cannot do as it stands; the message says why."""


@dataclass(frozen=True)
class AnonymousConcern:
    wrongdoing: Wrongdoing
    what_happened: str
    harm_to_a_child: ThresholdAnswer
    when: str = ""
    where: str = ""
    who_is_involved: str = ""
    headteacher_involved: bool = False
    evidence: str = ""
    personal_interest: str = ""

    def answers(self) -> dict[str, Any]:
        """What the case manager reads. Optional answers left blank are left out."""
        answers: dict[str, Any] = {
            "wrongdoing": self.wrongdoing.value,
            "what_happened": self.what_happened.strip(),
            "harm_to_a_child": self.harm_to_a_child.value,
            "headteacher_involved": self.headteacher_involved,
        }
        for key in ("when", "where", "who_is_involved", "evidence", "personal_interest"):
            value = str(getattr(self, key) or "").strip()
            if value:
                answers[key] = value
        return answers

    def threshold_answers(self) -> dict[str, ThresholdAnswer]:
        """Yes or not sure to harm makes it a potential allegation for the case manager to decide.

        A 'no' passes no answers at all: triage counts a missing answer as not sure, and the
        whistleblower was asked only this one question, not all four.
        """
        if self.harm_to_a_child.raises_concern:
            return {"harmed_a_child": self.harm_to_a_child}
        return {}


def raise_concern(concern: AnonymousConcern) -> reporting.Receipt:
    """File the concern with no reporter; the receipt's code is to be shown once and never again."""
    if not concern.what_happened.strip():
        raise WhistleblowingError("Enter what happened")
    return reporting.submit(
        None,
        reporting.Submission(
            kind=ReportKind.WHISTLEBLOWING,
            answers=concern.answers(),
            threshold_answers=concern.threshold_answers(),
            implicates_headteacher=concern.headteacher_involved,
            is_anonymous=True,
        ),
    )


@dataclass(frozen=True)
class ShownMessage:
    sent_at: dt.datetime
    from_case_manager: bool
    text: str


@dataclass(frozen=True)
class FollowUp:
    """What the holder of a receipt code may see: the status in three words, and the messages."""

    case_id: uuid.UUID
    status: str
    messages: tuple[ShownMessage, ...]

    @property
    def is_closed(self) -> bool:
        return self.status == STATUS_CLOSED


def find_report(code: str) -> Report | None:
    """The anonymous report this code belongs to, or None. Always costs exactly one slow hash.

    A malformed code and a look-up part that matches nothing are checked against the dummy hash,
    so timing says nothing about which look-up parts exist.
    """
    parts = receipts.split(code or "")
    if parts is None:
        receipts.matches(None, "")
        return None
    lookup, secret = parts
    report = db.session.scalars(
        select(Report).where(Report.receipt_lookup == lookup, Report.is_anonymous.is_(True))
    ).first()
    if not receipts.matches(report.receipt_hash if report is not None else None, secret):
        return None
    return report


def follow_up(code: str) -> FollowUp | None:
    report = find_report(code)
    if report is None:
        return None
    case = db.session.get(Case, report.case_id)
    if case is None:
        return None
    return _follow_up_of(case)


def reply(code: str, text: str) -> FollowUp | None:
    """Append the whistleblower's reply, tell the case manager (without content). None: wrong code."""
    report = find_report(code)
    if report is None:
        return None
    case = db.session.get(Case, report.case_id)
    if case is None:
        return None
    if _status(case) == STATUS_CLOSED:
        raise WhistleblowingError("This concern is closed, so you cannot reply. You can raise a new concern.")
    body = text.strip()
    if not body:
        raise WhistleblowingError("Enter your reply")
    message = case_store.add_message(case, FROM_REPORTER, {"text": body})
    db.session.flush()
    # No actor, and nothing of the request: the audit row says only that a message was added.
    audit.record("message.added", actor_user_id=None, object_type="message", object_id=message.id, case_id=case.id)
    db.session.commit()
    _tell_case_manager(case)
    return _follow_up_of(case)


def _follow_up_of(case: Case) -> FollowUp:
    status = _status(case)
    if case.destroyed_at is not None:
        return FollowUp(case.id, status, ())
    rows = db.session.scalars(select(Message).where(Message.case_id == case.id).order_by(Message.sent_at, Message.id))
    messages = tuple(
        ShownMessage(row.sent_at, row.direction == TO_REPORTER, str((row.body or {}).get("text", "")))
        for row in rows
        if row.direction in (TO_REPORTER, FROM_REPORTER)
    )
    return FollowUp(case.id, status, messages)


def _status(case: Case) -> str:
    if case.destroyed_at is not None or case.closed_at is not None or case.status in CLOSED_STATUSES:
        return STATUS_CLOSED
    if case.status == "received":
        return STATUS_RECEIVED
    return STATUS_BEING_LOOKED_AT


def _tell_case_manager(case: Case) -> None:
    """'Something needs your attention', and nothing else: no content, no kind of case."""
    if not case.case_manager_office:
        return
    link = absolute_url(url_for("auth.sign_in"))
    for email in sorted(routing.case_manager_addresses(Office(case.case_manager_office))):
        send_email_quietly(email, "Casetracker: something needs your attention", f"Sign in to see what is new: {link}")
