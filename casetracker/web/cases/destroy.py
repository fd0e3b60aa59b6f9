"""Destroying a case at the end of its retention period: the case manager, recently signed in,
after review; refused under legal hold. What is left is a tombstone."""

from __future__ import annotations

import uuid

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from casetracker.domain.policy import is_signed_in
from casetracker.extensions import db
from casetracker.security.access import requires
from casetracker.services import case_running, retention
from casetracker.web.cases.forms import DestroyCaseForm
from casetracker.web.cases.views import _actor, _managed_case_or_404, bp


@bp.route("/<uuid:case_id>/destroy", methods=["GET", "POST"])
@requires(is_signed_in, recent_sign_in=True)
def destroy_case(case_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    state = case_running.state_of(case)
    problem = retention.destruction_problem(case, state)
    form = DestroyCaseForm()
    if form.validate_on_submit():
        if problem is not None:
            form.reason.errors = [*form.reason.errors, problem]
        elif (form.reference.data or "").strip().upper() != case.reference:
            form.reference.errors = [*form.reference.errors, "Type the case reference exactly as it is shown"]
        else:
            try:
                retention.destroy(_actor(), case, form.reason.data or "")
            except retention.RetentionError as error:
                db.session.rollback()
                form.reason.errors = [*form.reason.errors, str(error)]
            else:
                flash(f"Case {case.reference} has been destroyed. A tombstone records that it existed.", "success")
                return redirect(url_for("cases.inbox"))
    return render_template(
        "cases/destroy.html",
        title="Destroy this case",
        case=case,
        form=form,
        problem=problem,
        retention=retention.retention_for(case, state),
        s141f=case_running.s141f(case, state),
        official_sensitive=True,
    )
