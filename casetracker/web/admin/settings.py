"""Administrator pages: the school's settings and term dates."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from casetracker.domain.policy import Actor, is_administrator
from casetracker.security.access import current_actor, requires
from casetracker.services import settings
from casetracker.web.admin.settings_forms import ActionForm, SettingsForm, TermDateForm
from casetracker.web.admin.views import bp


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # the route's access rule has signed them in
    return actor


# One view shows and saves the settings, so the whole page asks for a recent sign-in: the
# administrator confirms it is them before the form, not after typing into it.
@bp.route("/settings", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def edit_settings() -> str | Response:
    form = SettingsForm()
    if request.method == "GET":
        form.fill(settings.current_settings())
    if form.validate_on_submit():
        try:
            changed = settings.update_settings(_actor(), form.settings())
        except settings.SettingsError as error:
            form[error.field].errors.append(str(error))
        else:
            flash("Settings saved." if changed else "No settings changed.", "success")
            return redirect(url_for("admin.edit_settings"))
    return render_template(
        "admin/settings/edit.html",
        title="School settings",
        form=form,
        terms=settings.term_dates(),
    )


@bp.route("/settings/terms/new", methods=["GET", "POST"])
@requires(is_administrator, recent_sign_in=True)
def add_term_date() -> str | Response:
    form = TermDateForm()
    if form.validate_on_submit():
        assert form.starts_on.data is not None and form.ends_on.data is not None  # both are required
        try:
            settings.add_term_date(_actor(), form.name.data or "", form.starts_on.data, form.ends_on.data)
        except settings.SettingsError as error:
            form[error.field].errors.append(str(error))
        else:
            flash("Term added.", "success")
            return redirect(url_for("admin.edit_settings", _anchor="term-dates"))
    return render_template("admin/settings/add_term.html", title="Add a term", form=form)


@bp.post("/settings/terms/<int(max=2147483647):term_id>/remove")
@requires(is_administrator, recent_sign_in=True)
def remove_term_date(term_id: int) -> Response:
    term = settings.get_term_date(term_id)
    if term is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    settings.remove_term_date(_actor(), term)
    flash("Term removed.", "success")
    return redirect(url_for("admin.edit_settings", _anchor="term-dates"))
