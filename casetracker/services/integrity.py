"""An integrity incident: a ciphertext failed to decrypt at run time.

It is never shown as empty or garbled text: the request fails, an audit event is written in a
transaction of its own, and the data-protection officer and administrators are alerted (the
alert carries no content, not even which case).
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, url_for
from sqlalchemy import select

from casetracker import audit
from casetracker.domain.people import Office, Role
from casetracker.extensions import db
from casetracker.models import OfficeHolding, RoleGrant, User
from casetracker.services.notifications import absolute_url, send_email


def report_integrity_incident(error: Exception) -> None:
    try:
        audit.record(
            "integrity.failure",
            actor_user_id=g.get("actor").user_id if has_request_context() and g.get("actor") else None,
            outcome="failure",
            error=type(error).__name__,
        )
        db.session.commit()
    except Exception:  # the alert below must still go out
        db.session.rollback()
        current_app.logger.exception("could not audit an integrity failure")
    current_app.logger.error("integrity failure: %s", type(error).__name__)
    for email in _alert_recipients():
        send_email(
            email,
            "Casetracker: integrity alert",
            "Casetracker could not verify a stored record when someone tried to read it. This can mean "
            "the database was altered or the wrong keys are in use.\n\nCheck the audit trail and run "
            "'flask --app wsgi audit verify'.\n\n"
            f"Sign in: {absolute_url(url_for('auth.sign_in')) if has_request_context() else ''}",
        )


def _alert_recipients() -> set[str]:
    dpo = (
        select(User.email)
        .join(OfficeHolding, OfficeHolding.person_id == User.person_id)
        .where(
            OfficeHolding.office == Office.DATA_PROTECTION_OFFICER.value,
            OfficeHolding.ended_at.is_(None),
            User.is_active.is_(True),
        )
    )
    admins = (
        select(User.email).join(RoleGrant).where(RoleGrant.role == Role.ADMINISTRATOR.value, User.is_active.is_(True))
    )
    return set(db.session.scalars(dpo)) | set(db.session.scalars(admins))
