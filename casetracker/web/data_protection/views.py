"""The data-protection officer's legal holds: set by case reference, lifted when the reason ends.

The officer sees references, dates and the hold's reason — never the case's content."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from casetracker.domain.policy import Actor, is_data_protection_officer, may_produce_referred_packs
from casetracker.extensions import db
from casetracker.models import Person, SubjectAccessReferral
from casetracker.security.access import current_actor, requires
from casetracker.services import retention
from casetracker.services import subject_access as subject_access_service
from casetracker.web.auth.forms import SubmitOnlyForm
from casetracker.web.data_protection.forms import LegalHoldForm, SubjectAccessForm

bp = Blueprint("data_protection", __name__, url_prefix="/data-protection")


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


@bp.route("/legal-holds", methods=["GET", "POST"])
@requires(is_data_protection_officer, recent_sign_in=True)
def legal_holds() -> str | Response:
    form = LegalHoldForm()
    if form.validate_on_submit():
        try:
            retention.set_hold(_actor(), form.reference.data or "", form.reason.data or "")
        except retention.RetentionError as error:
            db.session.rollback()
            form.reference.errors = [*form.reference.errors, str(error)]
        else:
            flash("Legal hold placed. Nothing of that case can be destroyed until you lift it.", "success")
            return redirect(url_for("data_protection.legal_holds"))
    return render_template(
        "data_protection/legal_holds.html",
        title="Legal holds",
        form=form,
        holds=retention.active_holds(),
        lift_form=SubmitOnlyForm(),
    )


@bp.route("/legal-holds/<uuid:hold_id>/lift", methods=["POST"])
@requires(is_data_protection_officer, recent_sign_in=True)
def lift_legal_hold(hold_id: uuid.UUID) -> Response:
    if not SubmitOnlyForm().validate_on_submit():
        flash("Something went wrong: try again.", "important")
        return redirect(url_for("data_protection.legal_holds"))
    try:
        retention.lift_hold(_actor(), hold_id)
    except retention.RetentionError as error:
        db.session.rollback()
        flash(f"{error}.", "important")
    else:
        flash("Legal hold lifted.", "success")
    return redirect(url_for("data_protection.legal_holds"))


@bp.route("/subject-access", methods=["GET", "POST"])
@requires(is_data_protection_officer, recent_sign_in=True)
def subject_access() -> str | Response:
    """A subject access request: everything held about a person, for review before disclosure."""
    form = SubjectAccessForm()
    people = db.session.scalars(select(Person).order_by(Person.full_name)).all()
    form.person.choices = [
        SelectChoice("", "Choose a person"),
        *(SelectChoice(str(p.id), f"{p.full_name}, {p.job_title}" if p.job_title else p.full_name) for p in people),
    ]
    if form.validate_on_submit():
        outcome = subject_access_service.request_pack(_actor(), uuid.UUID(form.person.data or ""))
        if isinstance(outcome, SubjectAccessReferral):
            flash(
                "This pack reads records of at least one case, so a second office-holder produces it. We have "
                "asked the headteacher (or, if they are named in it, the chair of governors) to produce it and "
                "review it with you before anything is disclosed.",
                "important",
            )
            return redirect(url_for("data_protection.subject_access"))
        return _pack_download(outcome)
    return render_template("data_protection/subject_access.html", title="Subject access", form=form)


def _pack_download(pack: subject_access_service.SubjectAccessPack) -> Response:
    from casetracker.pdf import subject_access as renderer

    response = Response(renderer.render(pack), mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="subject-access-pack.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/subject-access/referred")
@requires(may_produce_referred_packs, recent_sign_in=True)
def referred_requests() -> str:
    """Subject access requests whose packs read a case, for a second office-holder named in none of them."""
    return render_template(
        "data_protection/referred_requests.html",
        title="Subject access requests referred to you",
        referrals=subject_access_service.referrals_for(_actor()),
        form=SubmitOnlyForm(),
    )


@bp.post("/subject-access/referred/<uuid:referral_id>")
@requires(may_produce_referred_packs, recent_sign_in=True)
def produce_referred(referral_id: uuid.UUID) -> Response:
    if not SubmitOnlyForm().validate_on_submit():
        flash("Something went wrong: try again.", "important")
        return redirect(url_for("data_protection.referred_requests"))
    try:
        pack = subject_access_service.produce_referred(_actor(), referral_id)
    except LookupError:
        abort(404)
    return _pack_download(pack)
