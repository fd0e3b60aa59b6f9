"""Case pages for the case manager and collaborators. Anyone else gets a 404, as if no case existed."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casetracker.clock import utcnow
from casetracker.domain.deadlines import age_band
from casetracker.domain.entries import EntryType
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, is_signed_in
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.models import Person
from casetracker.security.access import current_actor, requires
from casetracker.services import attachments, case_management, dashboard, people, routing
from casetracker.services import entry_text as display
from casetracker.services.case_access import CaseNotFoundError, attachment_for, managed_case_for
from casetracker.web.auth.forms import SubmitOnlyForm
from casetracker.web.cases import chronology
from casetracker.web.cases.forms import MessageForm, PersonChoiceForm
from casetracker.web.paging import page_number

bp = Blueprint("cases", __name__, url_prefix="/cases")

KIND_LABELS = {kind.value: kind.label for kind in ReportKind}


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None
    return actor


@bp.route("")
@requires(is_signed_in)
def inbox() -> str:
    """The dashboard: new cases, open cases by age, what is overdue or due, patterns to review."""
    now = utcnow()
    return render_template(
        "cases/inbox.html",
        title="Cases",
        board=dashboard.dashboard(_actor(), now, page_number()),
        now=now,
        kind_labels=KIND_LABELS,
        official_sensitive=True,
    )


@bp.route("/closed")
@requires(is_signed_in)
def closed_cases() -> str:
    """Closed cases, most recently closed first, a page at a time."""
    return render_template(
        "cases/closed.html",
        title="Closed cases",
        closed=dashboard.closed_cases(_actor(), utcnow(), page_number()),
        kind_labels=KIND_LABELS,
        official_sensitive=True,
    )


@bp.route("/<uuid:case_id>")
@requires(is_signed_in)
def show_case(case_id: uuid.UUID) -> str:
    try:
        view = case_management.open_case(_actor(), case_id)
    except CaseNotFoundError:
        abort(404)
    return _render_case(view)


def _render_case(view: case_management.CaseView, *, message_form: MessageForm | None = None) -> str:
    message_form = message_form or MessageForm()
    now = utcnow()
    holder = None
    if view.case.case_manager_office:
        holder_id = routing.effective_holders().get(Office(view.case.case_manager_office))
        holder = db.session.get(Person, holder_id) if holder_id else None
    run = view.running
    actions = {entry.id: str(entry.get("action") or "") for entry in run.state.all_of(EntryType.ACTION)}
    return render_template(
        "cases/show.html",
        title=f"Case {view.case.reference}",
        view=view,
        run=view.running,
        now=now,
        age=age_band(view.case.opened_at.date(), now.date()),
        holder=holder,
        entry_label=display.entry_label,
        EntryType=EntryType,
        chronology=chronology.items(
            view.chronology,
            run.bodies,
            corrected_by=run.state.corrected_by,
            attachments_by_entry=run.attachments_by_entry,
            edition=run.edition,
            action_names=actions,
            may_correct=view.can_manage and view.case.status != "closed",
            reporter_shown=view.reporter_shown,
        ),
        kind_labels=KIND_LABELS,
        message_form=message_form,
        form=message_form,  # the page's error summary reads `form`
        remove_form=SubmitOnlyForm(),
        official_sensitive=True,
    )


def _managed_case_or_404(case_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """The case, if the actor manages it; otherwise 404, before any form is read."""
    try:
        return managed_case_for(_actor(), case_id)
    except CaseNotFoundError:
        abort(404)


def _posted_person(prefix: str) -> uuid.UUID | None:
    """The person chosen on a case-page form; the service checks they exist."""
    form = PersonChoiceForm(prefix=prefix)
    form.person.validate_choice = False  # no need to load the whole directory to read one id
    if not form.validate_on_submit():
        return None
    try:
        return uuid.UUID(form.person.data)
    except (TypeError, ValueError):
        return None


def _back_to_case(case_id: uuid.UUID, action: Callable[[], object], done: str) -> Response:
    """Carry out one case-manager action and return to the case with what happened."""
    try:
        action()
    except case_management.CaseManagementError as error:
        db.session.rollback()
        flash(f"{error}.", "important")
    else:
        flash(done, "success")
    return redirect(url_for("cases.show_case", case_id=case_id))


# Choosing a person is a search, not a drop-down of the whole directory: a trust's directory can
# hold thousands of people, and the case page should not pay for listing them on every view.
CHOOSERS = {
    "collaborator": {
        "title": "Add a collaborator",
        "hint": "For an allegation, consider the designated safeguarding lead, for the child's welfare. "
        "Only people with an account can be added.",
        "button": "Add as collaborator",
        "endpoint": "cases.add_collaborator",
    },
    "implicate": {
        "title": "Mark someone as implicated",
        "hint": "They will no longer be able to see this case. "
        "If you are implicated yourself, it moves to the next office-holder.",
        "button": "Mark as implicated",
        "endpoint": "cases.implicate_person",
    },
}


def _choose_person(case_id: uuid.UUID, purpose: str) -> str:
    case = _managed_case_or_404(case_id)
    query = request.args.get("q", "").replace("\x00", "").strip()[:200]
    found = people.search_people(query, page_number(), per_page=20) if query else None
    return render_template(
        "cases/choose_person.html",
        title=f"{CHOOSERS[purpose]['title']} – case {case.reference}",
        case=case,
        purpose=purpose,
        chooser=CHOOSERS[purpose],
        query=query,
        found=found,
        official_sensitive=True,
    )


@bp.route("/<uuid:case_id>/collaborators/add")
@requires(is_signed_in, recent_sign_in=True)
def choose_collaborator(case_id: uuid.UUID) -> str:
    return _choose_person(case_id, "collaborator")


@bp.route("/<uuid:case_id>/implicated/add")
@requires(is_signed_in, recent_sign_in=True)
def choose_implicated(case_id: uuid.UUID) -> str:
    return _choose_person(case_id, "implicate")


@bp.route("/<uuid:case_id>/collaborators", methods=["POST"])
@requires(is_signed_in, recent_sign_in=True)
def add_collaborator(case_id: uuid.UUID) -> Response:
    case = _managed_case_or_404(case_id)
    user_id = _posted_person("collaborator")
    if user_id is None:
        flash("Choose a person to add.", "important")
        return redirect(url_for("cases.show_case", case_id=case_id))
    return _back_to_case(
        case_id, lambda: case_management.add_collaborator(_actor(), case, user_id), "Collaborator added."
    )


@bp.route("/<uuid:case_id>/collaborators/<uuid:collaborator_id>/remove", methods=["POST"])
@requires(is_signed_in)
def remove_collaborator(case_id: uuid.UUID, collaborator_id: uuid.UUID) -> Response:
    case = _managed_case_or_404(case_id)
    if not SubmitOnlyForm().validate_on_submit():
        abort(400)
    return _back_to_case(
        case_id, lambda: case_management.remove_collaborator(_actor(), case, collaborator_id), "Collaborator removed."
    )


@bp.route("/<uuid:case_id>/implicated", methods=["POST"])
@requires(is_signed_in, recent_sign_in=True)
def implicate_person(case_id: uuid.UUID) -> Response:
    case = _managed_case_or_404(case_id)
    person_id = _posted_person("implicate")
    if person_id is None:
        flash("Choose a person from the staff directory.", "important")
        return redirect(url_for("cases.show_case", case_id=case_id))
    try:
        moved = case_management.implicate(_actor(), case, person_id)
    except case_management.CaseManagementError as error:
        db.session.rollback()
        flash(f"{error}.", "important")
        return redirect(url_for("cases.show_case", case_id=case_id))
    if moved:
        flash("The case has moved to another office-holder, because of who is now implicated.", "success")
        return redirect(url_for("cases.inbox"))
    flash("Marked as implicated. They can no longer see this case.", "success")
    return redirect(url_for("cases.show_case", case_id=case_id))


@bp.route("/<uuid:case_id>/messages", methods=["POST"])
@requires(is_signed_in)
def send_message(case_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            case_management.send_message(_actor(), case, form.text.data or "")
        except case_management.CaseManagementError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        except CaseNotFoundError:
            abort(404)
        else:
            flash("Message sent.", "success")
            return redirect(url_for("cases.show_case", case_id=case_id))
    try:
        view = case_management.open_case(_actor(), case_id)
    except CaseNotFoundError:
        abort(404)
    return _render_case(view, message_form=form)


@bp.route("/<uuid:case_id>/attachments/<uuid:attachment_id>")
@requires(is_signed_in)
def download_attachment(case_id: uuid.UUID, attachment_id: uuid.UUID) -> Response:
    """Evidence always downloads as a file (never shown inline), under a safe generated name."""
    try:
        attachment = attachment_for(_actor(), case_id, attachment_id)
    except CaseNotFoundError:
        abort(404)
    stored = attachments.read(current_user.id, attachment)
    db.session.commit()  # the download is audited before a byte is sent
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
