"""The daily reminder: each office-holder who manages cases is told how many need them, and nothing else.

Run from cron (`flask --app wsgi reminders send`). The email carries counts only: no reference,
no kind, no name. When an office has an acting holder, the acting holder is reminded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.extensions import db
from casetracker.models import Case
from casetracker.services import routing
from casetracker.services.notifications import absolute_url, send_email_quietly

DUE_WITHIN = dt.timedelta(days=1)
OPEN = ("received", "open")


@dataclass(frozen=True)
class Counts:
    overdue: int = 0
    due: int = 0
    patterns: int = 0

    @property
    def any(self) -> bool:
        return bool(self.overdue or self.due or self.patterns)


def counts_by_office(now: dt.datetime) -> dict[Office, Counts]:
    """Per case-manager office: cases with something overdue, due within a day, or a pattern to review."""
    rows = db.session.execute(
        select(
            Case.case_manager_office,
            func.count().filter(Case.next_due_at < now, Case.status.in_(OPEN)),
            func.count().filter(Case.next_due_at >= now, Case.next_due_at < now + DUE_WITHIN, Case.status.in_(OPEN)),
            func.count().filter(Case.pattern_review_pending.is_(True)),
        )
        .where(Case.case_manager_office.is_not(None), Case.destroyed_at.is_(None))
        .group_by(Case.case_manager_office)
    )
    return {Office(office): Counts(overdue, due, patterns) for office, overdue, due, patterns in rows}


def _body(counts: Counts) -> str:
    lines = ["Cases you manage in Casetracker need your attention:", ""]
    if counts.overdue:
        lines.append(f"- {counts.overdue} with something overdue")
    if counts.due:
        lines.append(f"- {counts.due} with something due in the next day")
    if counts.patterns:
        lines.append(f"- {counts.patterns} with a pattern of concerns to review")
    lines += ["", f"Sign in to see them: {absolute_url(url_for('auth.sign_in'))}"]
    return "\n".join(lines)


def send_reminders(now: dt.datetime | None = None) -> int:
    """Email each office's current (or acting) holder their counts. Returns how many were emailed."""
    now = now or utcnow()
    sent = 0
    for office, counts in sorted(counts_by_office(now).items()):
        if not counts.any:
            continue
        for email in routing.case_manager_addresses(office):
            send_email_quietly(email, "Casetracker: cases need your attention", _body(counts))
            sent += 1
    audit.record("reminders.sent", recipients=sent)
    db.session.commit()
    return sent
