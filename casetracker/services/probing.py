"""Looking for cases one may not see (security review of December 2026, finding 15).

A case the user may not see answers 404, exactly as one that does not exist, so nothing on the
page tells them apart. The audit trail still should: every 404 on a page that names a case is
audited as `access.denied` with the endpoint and no case id (the id would say which cases
exist). When one account collects PROBE_THRESHOLD refusals within PROBE_WINDOW, the
data-protection officer is told, once per window, who it is: never which case.
"""

from __future__ import annotations

import datetime as dt
import uuid

from flask import current_app, url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.domain.people import Office
from casetracker.extensions import db
from casetracker.models import AuditEvent, User
from casetracker.services import routing
from casetracker.services.notifications import absolute_url, send_email_quietly

PROBE_THRESHOLD = 10
PROBE_WINDOW = dt.timedelta(hours=1)


def record_case_not_found(user_id: uuid.UUID, endpoint: str) -> None:
    """Audit one refused case page and commit; tell the officer when the account crosses the line."""
    audit.record("access.denied", actor_user_id=user_id, outcome="failure", endpoint=endpoint)
    db.session.flush()
    since = utcnow() - PROBE_WINDOW
    case_pages = _case_endpoints()
    refusals = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.actor_user_id == user_id,
            AuditEvent.action == "access.denied",
            AuditEvent.occurred_at >= since,
        )
    )
    refused = sum(1 for details in refusals if (details or {}).get("endpoint") in case_pages)
    alerted = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == "access.probing_alerted",
            AuditEvent.object_id == str(user_id),
            AuditEvent.occurred_at >= since,
        )
        .limit(1)
    )
    alert = refused >= PROBE_THRESHOLD and alerted is None
    if alert:
        audit.record("access.probing_alerted", object_type="user", object_id=user_id, refused=refused)
    db.session.commit()
    if alert:
        _tell_data_protection_officer(user_id, refused)


def _tell_data_protection_officer(user_id: uuid.UUID, refused: int) -> None:
    user = db.session.get(User, user_id)
    name = user.person.full_name if user is not None else "An account"
    link = absolute_url(url_for("auth.sign_in"))
    for email in _recipients(user):
        send_email_quietly(
            email,
            "Casetracker: an account is being refused pages about cases",
            f"{name} has been refused {refused} pages about cases in the last hour. Each is in the audit "
            "trail, without the case. This can mean someone is looking for a case they must not see.\n\n"
            f"Sign in: {link}",
        )


def _recipients(prober: User | None) -> set[str]:
    """The data-protection officer; the headteacher, then the chair, if the officer is the one looking."""
    own = {prober.email} if prober is not None else set()
    for office in (Office.DATA_PROTECTION_OFFICER, Office.HEADTEACHER, Office.CHAIR):
        addresses = routing.case_manager_addresses(office) - own
        if addresses:
            return addresses
    return set()


def _case_endpoints() -> frozenset[str]:
    """The pages that name a case (only their refusals count: a 403 elsewhere is not looking for one)."""
    return frozenset(rule.endpoint for rule in current_app.url_map.iter_rules() if "case_id" in rule.arguments)
