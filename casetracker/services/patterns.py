"""Pattern detection across every concern about one person, without telling anyone of a case they may not see.

The rule is pure (`domain/patterns.py`). Here: the earlier concerns come from the subject's blind
index; the new case is flagged only for earlier cases its case manager may see; the case managers
of earlier cases they alone may see are asked, by a notification without content, to review the
pattern on their own case.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from flask import url_for
from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.domain import patterns
from casetracker.domain.entries import EntryType
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, can_view_case
from casetracker.extensions import db
from casetracker.models import Case, Report, User
from casetracker.security.access import actor_for
from casetracker.services import case_store, routing
from casetracker.services.case_access import relations_to
from casetracker.services.notifications import absolute_url, send_email_quietly
from casetracker.services.school import require_school

NEW_CASE_TEXT = (
    "Earlier concerns about this person were recorded within the pattern window. Review them together: is the "
    "harm threshold now met, and should you consult the LADO?"
)
EARLIER_CASE_TEXT = (
    "A later concern about the person this case is about has been recorded. You may not be able to see it. "
    "Review for a pattern: is the harm threshold now met, and should you consult the LADO?"
)


def _concern(case: Case, reporters: dict[uuid.UUID, frozenset[str]]) -> patterns.Concern:
    return patterns.Concern(str(case.id), case.opened_at.date(), reporters.get(case.id, frozenset()))


def _reporters(case_ids: list[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    rows = db.session.execute(
        select(Report.case_id, Report.reporter_index).where(
            Report.case_id.in_(case_ids), Report.reporter_index.is_not(None)
        )
    )
    for case_id, index in rows:
        found[case_id].add(index)
    return {case_id: frozenset(indexes) for case_id, indexes in found.items()}


def related_cases(case: Case) -> list[Case]:
    """The earlier cases about the same person that make a pattern with this one (everyone's view)."""
    if case.subject_index is None:
        return []
    earlier = list(
        db.session.scalars(
            select(Case).where(
                Case.subject_index == case.subject_index,
                Case.id != case.id,
                Case.destroyed_at.is_(None),
                Case.opened_at <= case.opened_at,
            )
        )
    )
    reporters = _reporters([case.id, *(c.id for c in earlier)])
    finding = patterns.detect(
        _concern(case, reporters), [_concern(c, reporters) for c in earlier], require_school().pattern_window_months
    )
    if not finding.is_pattern:
        return []
    wanted = {c.case_id for c in finding.related}
    return [c for c in earlier if str(c.id) in wanted] or [case]


def visible_to(actor: Actor, cases: list[Case]) -> list[Case]:
    relations = relations_to(actor, cases)
    return [c for c in cases if can_view_case(actor, relations[c.id])]


def _holder_actor(office: str | None) -> Actor | None:
    if office is None:
        return None
    holder = routing.effective_holders().get(Office(office))
    if holder is None:
        return None
    user = db.session.scalars(select(User).where(User.person_id == holder, User.is_active.is_(True))).first()
    return actor_for(user) if user else None


def check(case: Case) -> bool:
    """Look for a pattern when a low-level concern arrives (or a case becomes one). Caller commits.

    Returns True when the new case itself is flagged for a pattern review.
    """
    related = related_cases(case)
    if not related:
        return False
    earlier = [c for c in related if c.id != case.id]
    manager = _holder_actor(case.case_manager_office)
    visible = {c.id for c in visible_to(manager, earlier)} if manager else set()
    # Whoever this case was routed past learns nothing of it, not even as a pattern on a case of
    # their own: the new case's manager reviews the pattern instead.
    passed_over = routing.routed_past(case)
    holders = routing.effective_holders()
    kept_from = {
        c.id for c in earlier if c.case_manager_office and holders.get(Office(c.case_manager_office)) in passed_over
    }
    flagged = bool(visible) or bool(kept_from) or not earlier  # several reporters within this one case
    if flagged:
        case_store.add_entry(
            case,
            EntryType.PATTERN_DETECTED.value,
            {"text": NEW_CASE_TEXT, "fields": {}},
            occurred_at=utcnow(),
            author=None,
        )
    notify: set[str] = set()
    for other in earlier:
        if other.id in visible or other.id in kept_from or other.status == "destroyed":
            continue
        case_store.add_entry(
            other,
            EntryType.PATTERN_DETECTED.value,
            {"text": EARLIER_CASE_TEXT, "fields": {}},
            occurred_at=utcnow(),
            author=None,
        )
        other.pattern_review_pending = True
        notify |= routing.case_manager_addresses(
            Office(other.case_manager_office) if other.case_manager_office else None
        )
    if flagged:
        case.pattern_review_pending = True
    db.session.flush()
    if notify:
        # Sent after the caller commits would be better; the message carries nothing either way.
        link = absolute_url(url_for("auth.sign_in"))
        for email in notify:
            send_email_quietly(
                email, "Casetracker: something needs your attention", f"Sign in to see what is new: {link}"
            )
    return flagged
