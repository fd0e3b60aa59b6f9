"""Administrator pages: the staff directory, accounts and the staff import."""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from casetracker.domain.policy import Actor, is_administrator
from casetracker.extensions import db
from casetracker.models import Person, User
from casetracker.security.access import current_actor, current_offices, requires
from casetracker.services import people, staff_import
from casetracker.web.admin.people_forms import ROLE_ITEMS, STAFF_TYPE_ITEMS, ImportStaffForm, PersonForm, RolesForm
from casetracker.web.admin.views import bp
from casetracker.web.auth.forms import SubmitOnlyForm
from casetracker.web.paging import page_number

EMAIL_NOT_SENT = "The invitation email could not be sent. Check the email settings, then send the invitation again."


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # every route here requires a signed-in administrator
    return actor


def _person(person_id: uuid.UUID) -> Person:
    return db.get_or_404(Person, person_id)


def _account(person: Person) -> User:
    """The person's account: a person without one has no account pages."""
    if person.user is None:
        abort(404)
    return person.user


@bp.route("/people")
@requires(is_administrator)
def list_people() -> str:
    query = request.args.get("q", "").replace("\x00", "").strip()[:200]
    page = people.search_people(query, page_number())
    return render_template("admin/people/list.html", title="People", query=query, page=page)


@bp.route("/people/new", methods=["GET", "POST"])
@requires(is_administrator)
def add_person() -> str | Response:
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = people.add_person(_actor(), form.details())
        except people.PeopleError as error:
            form[error.field or "full_name"].errors.append(str(error))
        else:
            flash("Person added to the directory.", "success")
            return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/edit.html", form=form, title="Add a person", person=None, staff_type_items=STAFF_TYPE_ITEMS
    )


@bp.route("/people/<uuid:person_id>")
@requires(is_administrator)
def show_person(person_id: uuid.UUID) -> str:
    person = _person(person_id)
    actor = _actor()
    return render_template(
        "admin/people/show.html",
        title=person.full_name,
        person=person,
        offices=sorted(current_offices(person.id)),
        is_own_account=person.user is not None and person.user.id == actor.user_id,
    )


@bp.route("/people/<uuid:person_id>/edit", methods=["GET", "POST"])
@requires(is_administrator)
def edit_person(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    form = PersonForm(obj=person, sign_in_email=person.user.email if person.user else None)
    if form.validate_on_submit():
        try:
            people.update_person(_actor(), person, form.details())
        except people.PeopleError as error:
            db.session.rollback()
            field = error.field if error.field and error.field in form else "full_name"
            form[field].errors.append(str(error))
        else:
            flash("Details saved.", "success")
            return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/edit.html",
        form=form,
        title=f"Change details: {person.full_name}",
        person=person,
        staff_type_items=STAFF_TYPE_ITEMS,
    )


@bp.route("/people/<uuid:person_id>/account/new", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def create_account(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    if person.user is not None:
        return redirect(url_for("admin.show_person", person_id=person.id))
    form = RolesForm()
    if person.email and form.validate_on_submit():
        try:
            _, emailed = people.create_account_and_invite(_actor(), person, form.chosen_roles())
        except people.PeopleError as error:
            db.session.rollback()
            form.roles.errors.append(str(error))
        else:
            if emailed:
                flash(
                    f"Account created. We have emailed {person.email} a link to choose a password. "
                    f"The link works once and expires in {people.INVITATION_DAYS} days.",
                    "success",
                )
            else:
                flash(f"Account created. {EMAIL_NOT_SENT}", "important")
            return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/create_account.html",
        form=form,
        title="Create an account",
        person=person,
        role_items=ROLE_ITEMS,
        invitation_days=people.INVITATION_DAYS,
    )


@bp.route("/people/<uuid:person_id>/account/invitation", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def send_invitation(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    user = _account(person)
    form = SubmitOnlyForm()
    if form.validate_on_submit():
        try:
            emailed = people.send_invitation(_actor(), user)
        except people.PeopleError as error:
            flash(f"{error}.", "important")
        else:
            if emailed:
                flash(f"We have emailed {user.email} a new link to choose a password.", "success")
            else:
                flash(EMAIL_NOT_SENT, "important")
        return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/confirm.html",
        form=form,
        person=person,
        title="Send the invitation again",
        body=f"We will email {user.email} a new link to choose a password. Any earlier link will stop working.",
        button="Send the invitation",
    )


@bp.route("/people/<uuid:person_id>/account/roles", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def change_roles(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    user = _account(person)
    actor = _actor()
    try:
        people.check_may_change_roles(actor, user)
    except people.PeopleError as error:
        flash(f"{error}.", "important")
        return redirect(url_for("admin.show_person", person_id=person.id))
    form = RolesForm(roles=[role.value for role in user.roles])
    if form.validate_on_submit():
        try:
            people.set_roles(actor, user, form.chosen_roles())
        except people.PeopleError as error:
            db.session.rollback()
            form.roles.errors.append(str(error))
        else:
            flash("Roles saved.", "success")
            return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/roles.html", form=form, title="Change roles", person=person, role_items=ROLE_ITEMS
    )


@bp.route("/people/<uuid:person_id>/account/deactivate", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def deactivate_account(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    user = _account(person)
    actor = _actor()
    form = SubmitOnlyForm()
    try:
        people.check_may_deactivate(actor, user)
        if form.validate_on_submit():
            people.deactivate_account(actor, user)
            flash("Account deactivated. Its holder has been signed out everywhere.", "success")
            return redirect(url_for("admin.show_person", person_id=person.id))
    except people.PeopleError as error:
        db.session.rollback()
        flash(f"{error}.", "important")
        return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/confirm.html",
        form=form,
        person=person,
        title="Deactivate this account",
        body=(
            "The account holder will be signed out at once, on every device, and will not be able to sign in. "
            "Their details stay in the directory. You can reactivate the account later."
        ),
        button="Deactivate account",
        warning=True,
    )


@bp.route("/people/<uuid:person_id>/account/reactivate", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def reactivate_account(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    user = _account(person)
    form = SubmitOnlyForm()
    if form.validate_on_submit():
        people.reactivate_account(_actor(), user)
        flash("Account reactivated. Its holder can sign in again.", "success")
        return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/confirm.html",
        form=form,
        person=person,
        title="Reactivate this account",
        body="The account holder will be able to sign in again with their password and roles.",
        button="Reactivate account",
    )


@bp.route("/people/<uuid:person_id>/account/reset-two-factor", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def reset_two_factor(person_id: uuid.UUID) -> str | Response:
    person = _person(person_id)
    user = _account(person)
    actor = _actor()
    form = SubmitOnlyForm()
    try:
        people.check_may_reset_two_factor(actor, user)
        if form.validate_on_submit():
            people.reset_two_factor(actor, user)
            flash("Another office-holder must confirm the reset before it happens.", "important")
            return redirect(url_for("admin.show_person", person_id=person.id))
    except people.PeopleError as error:
        db.session.rollback()
        flash(f"{error}.", "important")
        return redirect(url_for("admin.show_person", person_id=person.id))
    return render_template(
        "admin/people/confirm.html",
        form=form,
        person=person,
        title="Reset two-factor authentication",
        body=(
            "Do this only when you are sure who is asking, for example when they have lost their phone. "
            "They will be signed out at once and will set up two-factor authentication again when they next sign in."
        ),
        button="Reset two-factor authentication",
        warning=True,
    )


@bp.route("/people/import", methods=["GET", "POST"])
@requires(is_administrator)
def import_staff() -> str | Response:
    form = ImportStaffForm()
    errors: list[staff_import.RowError] = []
    if form.validate_on_submit():
        data = form.file.data.read(staff_import.MAX_BYTES + 1)
        outcome = staff_import.import_staff(_actor(), data)
        if not outcome.is_rejected:
            flash(f"Staff imported: {outcome.summary}.", "success")
            return redirect(url_for("admin.list_people"))
        errors = outcome.errors
    return render_template(
        "admin/people/import.html",
        form=form,
        title="Import staff",
        errors=errors,
        columns=staff_import.COLUMNS,
        max_rows=staff_import.MAX_ROWS,
        staff_types=staff_import.STAFF_TYPES,
    )
