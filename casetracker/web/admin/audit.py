"""The administrator's view of the audit trail: account, sign-in, office and settings events only,
and the result of verifying the whole chain. Case events never appear here."""

from __future__ import annotations

from flask import render_template

from casetracker.domain.policy import is_administrator
from casetracker.security.access import requires
from casetracker.services import audit_views
from casetracker.web.admin.views import bp


@bp.route("/audit")
@requires(is_administrator)
def audit_trail() -> str:
    return render_template(
        "admin/audit.html",
        title="Audit trail",
        verification=audit_views.verification(),
        rows=audit_views.account_events(),
    )
