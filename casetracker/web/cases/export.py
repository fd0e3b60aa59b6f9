"""Exporting a case's chronology as a PDF: the case manager, recently signed in; audited; never cached."""

from __future__ import annotations

import uuid

from flask import Response, abort, render_template
from wtforms.fields.choices import SelectChoice

from casetracker.domain.policy import is_signed_in
from casetracker.security.access import requires
from casetracker.services import case_running, chronology_export
from casetracker.services.case_access import CaseNotFoundError
from casetracker.web.cases.forms import ExportForm
from casetracker.web.cases.views import _actor, _managed_case_or_404, bp

COPIES = [
    SelectChoice("full", "The full chronology"),
    SelectChoice("redacted", "A redacted copy, without the reporter's identity or the children's names"),
]


@bp.route("/<uuid:case_id>/export", methods=["GET", "POST"])
@requires(is_signed_in, recent_sign_in=True)
def export_chronology(case_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    form = ExportForm()
    form.copy.choices = COPIES
    if form.validate_on_submit():
        try:
            export = chronology_export.export_chronology(_actor(), case, redacted=form.copy.data == "redacted")
        except CaseNotFoundError:
            abort(404)
        response = Response(export.data, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    return render_template(
        "cases/export.html",
        title="Export the chronology",
        case=case,
        form=form,
        s141f=case_running.s141f(case),
        official_sensitive=True,
    )
