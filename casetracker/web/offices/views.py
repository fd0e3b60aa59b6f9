"""Office-holders' pages: confirming office changes, and the register of interests."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from casetracker.domain.people import RelationshipNature
from casetracker.domain.policy import Actor, is_office_holder
from casetracker.models import ConfirmationRequest
from casetracker.security.access import current_actor, requires
from casetracker.services import declarations, offices
from casetracker.web.admin.offices_forms import chosen_person_id
from casetracker.web.offices.forms import ActionForm, DeclarationForm

bp = Blueprint("offices", __name__)


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # the route's access rule has signed them in
    return actor


def _request_or_404(actor: Actor, request_id: uuid.UUID) -> ConfirmationRequest:
    """A pending request the actor may decide; anything else is not found."""
    request = offices.request_for(actor, request_id)
    if request is None:
        abort(404)
    return request


# Office changes (two-person rule) -------------------------------------------------------------


@bp.get("/office-changes")
@requires(is_office_holder)
def list_requests() -> str:
    actor = _actor()
    return render_template(
        "offices/list_requests.html",
        title="Office changes",
        to_decide=offices.requests_to_decide(actor),
        own=offices.own_requests(actor),
        kinds=offices.RequestKind,
    )


@bp.get("/office-changes/<uuid:request_id>")
@requires(is_office_holder)
def show_request(request_id: uuid.UUID) -> str:
    actor = _actor()
    request = _request_or_404(actor, request_id)
    return render_template(
        "offices/show_request.html",
        title="Office change",
        request=request,
        kind=offices.RequestKind(request.kind),
        may_confirm=offices.may_confirm(actor, request),
        is_own=offices.is_own_request(actor, request),
        holds_office_now=offices.holds_any_office(request.target_person_id),
        form=ActionForm(),
    )


@bp.post("/office-changes/<uuid:request_id>/confirm")
@requires(is_office_holder, recent_sign_in=True)
def confirm_request(request_id: uuid.UUID) -> Response:
    actor = _actor()
    request = _request_or_404(actor, request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not offices.may_confirm(actor, request):
        abort(404)
    try:
        offices.confirm_request(actor, request)
    except offices.OfficeError as error:
        flash(f"This change could not be made: {error}.", "important")
        return redirect(url_for("offices.list_requests"))
    flash("Change confirmed. Every office-holder has been told by email.", "success")
    return redirect(url_for("offices.list_requests"))


@bp.post("/office-changes/<uuid:request_id>/reject")
@requires(is_office_holder, recent_sign_in=True)
def reject_request(request_id: uuid.UUID) -> Response:
    actor = _actor()
    request = _request_or_404(actor, request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mine = offices.is_own_request(actor, request)
    offices.reject_request(actor, request)
    flash("Request cancelled." if mine else "Change rejected. Nothing has changed.", "success")
    return redirect(url_for("offices.list_requests"))


# Register of interests -----------------------------------------------------------------------


@bp.get("/declarations")
@requires(is_office_holder)
def list_declarations() -> str:
    return render_template(
        "offices/list_declarations.html",
        title="Declarations of interest",
        declarations=declarations.declarations_of(_actor()),
        natures=RelationshipNature,
    )


@bp.route("/declarations/new", methods=["GET", "POST"])
@requires(is_office_holder)
def add_declaration() -> str | Response:
    actor = _actor()
    form = DeclarationForm(declarations.people_to_declare(actor))
    if form.validate_on_submit():
        try:
            declarations.declare_relationship(
                actor,
                chosen_person_id(form.person) or uuid.UUID(int=0),
                form.chosen_nature,
                form.details.data or "",
            )
        except declarations.DeclarationError as error:
            form.person.errors.append(str(error))
        else:
            flash("Relationship declared.", "success")
            return redirect(url_for("offices.list_declarations"))
    return render_template("offices/add_declaration.html", title="Declare a close personal relationship", form=form)


@bp.post("/declarations/<uuid:declaration_id>/withdraw")
@requires(is_office_holder)
def withdraw_declaration(declaration_id: uuid.UUID) -> Response:
    actor = _actor()
    declaration = declarations.declaration_for(actor, declaration_id)
    if declaration is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    declarations.withdraw_declaration(actor, declaration)
    flash("Declaration withdrawn.", "success")
    return redirect(url_for("offices.list_declarations"))
