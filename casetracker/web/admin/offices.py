"""Administrator pages: offices, and office-holders' sign-in changes (two-person rule).

The administrator asks; a change to a safeguarding office or an office-holder's sign-in waits
until another current office-holder confirms it (on the office-holders' pages).
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from casetracker.domain.people import SchoolType
from casetracker.domain.policy import Actor, is_administrator
from casetracker.security.access import current_actor, requires
from casetracker.services import offices
from casetracker.services.school import current_school
from casetracker.web.admin.offices_forms import (
    ActionForm,
    AppointForm,
    CredentialChangeForm,
    chosen_person_id,
)
from casetracker.web.admin.views import bp

EMAIL_WAITING = (
    "The new email address works only once they confirm it from their current address (we have emailed them "
    "a link), or another office-holder confirms it. We have emailed every office-holder, without any details."
)
WAITING = (
    "This change is waiting for another office-holder to confirm it. "
    "We have emailed every office-holder to tell them, without any details."
)


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # the route's access rule has signed them in
    return actor


def _school_type() -> SchoolType:
    school = current_school()
    return school.type if school else SchoolType.MAINTAINED


def _field_for(form: AppointForm | CredentialChangeForm, name: str | None, fallback: str) -> list[str]:
    field = form._fields.get(name or "") or form._fields[fallback]
    return field.errors  # type: ignore[no-any-return]


@bp.get("/offices")
@requires(is_administrator)
def list_offices() -> str:
    return render_template(
        "admin/offices/list.html",
        title="Offices",
        rows=offices.office_overview(),
        history=offices.ended_holdings(),
        pending=offices.pending_requests(),
        kinds=offices.RequestKind,
        actor=_actor(),
    )


@bp.route("/offices/appoint", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def appoint_office() -> str | Response:
    form = AppointForm(offices.directory(), _school_type())
    if form.validate_on_submit():
        new = offices.NewRequest(
            kind=offices.RequestKind.APPOINT,
            target_person_id=chosen_person_id(form.person),
            office=form.chosen_office,
            is_acting=form.is_acting,
        )
        try:
            offices.request_change(_actor(), new)
        except offices.OfficeError as error:
            _field_for(form, error.field, "person").append(str(error))
        else:
            flash(WAITING, "important")
            return redirect(url_for("admin.list_offices"))
    return render_template("admin/offices/appoint.html", title="Appoint to an office", form=form)


@bp.post("/offices/<uuid:holding_id>/end")
@requires(is_administrator, recent_sign_in=True)
def end_office(holding_id: uuid.UUID) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    holding = offices.get_holding(holding_id)
    if holding is None:
        abort(404)
    try:
        offices.request_change(_actor(), offices.NewRequest(kind=offices.RequestKind.END, holding_id=holding.id))
    except offices.OfficeError as error:
        flash(f"{error}.", "important")
    else:
        flash(WAITING, "important")
    return redirect(url_for("admin.list_offices"))


@bp.post("/offices/requests/<uuid:request_id>/cancel")
@requires(is_administrator, recent_sign_in=True)
def cancel_office_request(request_id: uuid.UUID) -> Response:
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    actor = _actor()
    request = offices.request_for(actor, request_id)
    if request is None or not offices.is_own_request(actor, request):
        abort(404)
    offices.reject_request(actor, request)
    flash("Request cancelled.", "success")
    return redirect(url_for("admin.list_offices"))


@bp.route("/people/<uuid:person_id>/credentials", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def request_credential_change(person_id: uuid.UUID) -> str | Response:
    person = offices.get_person(person_id)
    if person is None or person.user is None:
        abort(404)
    form = CredentialChangeForm()
    if form.validate_on_submit():
        new = offices.NewRequest(
            kind=form.chosen_kind, target_person_id=person.id, new_email=form.new_email.data or None
        )
        try:
            offices.request_change(_actor(), new)
        except offices.OfficeError as error:
            _field_for(form, error.field, "kind").append(str(error))
        else:
            flash(EMAIL_WAITING if new.kind is offices.RequestKind.CHANGE_EMAIL else WAITING, "important")
            return redirect(url_for("admin.list_offices"))
    return render_template(
        "admin/offices/credentials.html", title="Change how someone signs in", form=form, person=person
    )
