"""A case's access history: every audited read and change, for its case manager."""

from __future__ import annotations

import uuid

from flask import abort, render_template

from casetracker.domain.policy import is_signed_in
from casetracker.security.access import requires
from casetracker.services import audit_views, case_running
from casetracker.services.case_access import CaseNotFoundError
from casetracker.web.cases.views import _actor, _managed_case_or_404, bp


@bp.route("/<uuid:case_id>/history")
@requires(is_signed_in)
def access_history(case_id: uuid.UUID) -> str:
    case = _managed_case_or_404(case_id)
    try:
        rows = audit_views.case_history(_actor(), case)
    except CaseNotFoundError:
        abort(404)
    return render_template(
        "cases/history.html",
        title="Who has seen this case",
        case=case,
        rows=rows,
        s141f=case_running.s141f(case),
        official_sensitive=True,
    )
