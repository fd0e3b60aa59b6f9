"""Running a case: add typed entries to the chronology, correct them, reclassify, close.

Only the case manager reaches these pages; anyone else gets a 404 before a form is read.
"""

from __future__ import annotations

import uuid

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.domain.case_state import RECLASSIFICATIONS
from casetracker.domain.entries import SYSTEM_ENTRY_TYPES, EntryType
from casetracker.domain.policy import is_signed_in
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.models import Case
from casetracker.security.access import requires
from casetracker.services import case_running, case_store
from casetracker.services.attachments import AttachmentError
from casetracker.web.cases.entry_forms import EntryFormBase, entry_form_class, field_params, initial_data
from casetracker.web.cases.forms import CloseCaseForm, EntryTypeForm, ReclassifyForm
from casetracker.web.cases.views import KIND_LABELS, _actor, _managed_case_or_404, bp


def _case_page(case_id: uuid.UUID, anchor: str = "") -> Response:
    return redirect(url_for("cases.show_case", case_id=case_id) + (f"#{anchor}" if anchor else ""))


@bp.route("/<uuid:case_id>/entries/new", methods=["GET", "POST"])
@requires(is_signed_in)
def choose_entry(case_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    if case.status == case_running.CLOSED:
        flash("This case is closed: nothing more can be recorded on it.", "important")
        return _case_page(case_id)
    types = case_running.available_entry_types(case, case_running.state_of(case))
    form = EntryTypeForm()
    form.entry_type.choices = [SelectChoice(t.value, t.label) for t in types]
    if form.validate_on_submit():
        return redirect(url_for("cases.new_entry", case_id=case_id, entry_type=form.entry_type.data))
    return render_template(
        "cases/choose_entry.html",
        title="What do you want to record?",
        case=case,
        form=form,
        s141f=case_running.s141f(case),
        official_sensitive=True,
    )


def _entry_type_or_404(case: Case, entry_type: str) -> EntryType:
    try:
        chosen = EntryType(entry_type)
    except ValueError:
        abort(404)
    if chosen in SYSTEM_ENTRY_TYPES:
        abort(404)
    return chosen


def _save(form: EntryFormBase, case: Case, chosen: EntryType, supersedes: uuid.UUID | None = None) -> bool:
    """Record the entry; on a refusal, put each message beside its field and keep what was typed."""
    text = form.text.data or ""  # type: ignore[attr-defined]
    reason = (form.reason.data or "") if "reason" in form else ""  # type: ignore[attr-defined]
    new = case_running.NewEntry(chosen, form.occurred_at(), text, form.values(), form.files())
    try:
        case_running.record_entry(_actor(), case, new, supersedes=supersedes, reason=reason)
    except case_running.EntryProblemsError as error:
        db.session.rollback()
        for name, message in error.problems.items():
            target = form[name] if name in form else form.text  # type: ignore[attr-defined]  # noqa: SIM401 (a form has no .get)
            target.errors = [*target.errors, message]
        return False
    except AttachmentError as error:
        db.session.rollback()
        form.attachment.errors = [*form.attachment.errors, str(error)]  # type: ignore[attr-defined]
        return False
    return True


@bp.route("/<uuid:case_id>/entries/new/<entry_type>", methods=["GET", "POST"])
@requires(is_signed_in)
def new_entry(case_id: uuid.UUID, entry_type: str) -> str | Response:
    case = _managed_case_or_404(case_id)
    chosen = _entry_type_or_404(case, entry_type)
    state = case_running.state_of(case)
    if chosen not in case_running.available_entry_types(case, state) or (
        case.status == case_running.CLOSED and not (chosen is EntryType.PATTERN_REVIEW and case.pattern_review_pending)
    ):
        abort(404)
    form = entry_form_class(chosen, case_running.edition_of(case), state.open_actions, correcting=False)()
    if request.method == "GET":
        form.occurred_on.data = utcnow().astimezone(LONDON).date()  # type: ignore[attr-defined]
    if form.validate_on_submit():
        try:
            saved = _save(form, case, chosen)
        except case_running.CaseRunningError as error:
            db.session.rollback()
            flash(f"{error}.", "important")
            return _case_page(case_id)
        if saved:
            flash(f"{chosen.label} added to the chronology.", "success")
            return _case_page(case_id, "chronology")
    return _render_entry_form(case, chosen, form, correcting=None)


@bp.route("/<uuid:case_id>/entries/<uuid:entry_id>/correct", methods=["GET", "POST"])
@requires(is_signed_in)
def correct_entry(case_id: uuid.UUID, entry_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    entries = case_store.chronology(case)
    state = case_running.state_of(case, entries)
    entry = next((e for e in entries if e.id == entry_id), None)
    if entry is None or str(entry.id) in state.corrected_by or case.status == case_running.CLOSED:
        abort(404)
    chosen = _entry_type_or_404(case, str((entry.body or {}).get("type", "")))
    form_class = entry_form_class(chosen, case_running.edition_of(case), state.open_actions, correcting=True)
    old = case_running.recorded(entry)
    form = form_class(
        data=initial_data(old, str((entry.body or {}).get("text", ""))) if request.method == "GET" else None
    )
    if form.validate_on_submit():
        try:
            saved = _save(form, case, chosen, supersedes=entry.id)
        except case_running.CaseRunningError as error:
            db.session.rollback()
            flash(f"{error}.", "important")
            return _case_page(case_id)
        if saved:
            flash("Correction saved. The original entry is kept, struck through.", "success")
            return _case_page(case_id, "chronology")
    return _render_entry_form(case, chosen, form, correcting=entry)


def _render_entry_form(case: Case, chosen: EntryType, form: EntryFormBase, correcting: object) -> str:
    return render_template(
        "cases/entry_form.html",
        title=f"Correct: {chosen.label}" if correcting else chosen.label,
        case=case,
        entry_type=chosen,
        form=form,
        params=field_params(form),
        correcting=correcting,
        edition=case_running.edition_of(case),
        s141f=case_running.s141f(case),
        official_sensitive=True,
    )


@bp.route("/<uuid:case_id>/reclassify", methods=["GET", "POST"])
@requires(is_signed_in)
def reclassify(case_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    targets = sorted(RECLASSIFICATIONS.get(case.kind, ()))
    if not targets or case.status == case_running.CLOSED:
        abort(404)
    form = ReclassifyForm()
    form.to_kind.choices = [SelectChoice(kind, ReportKind(kind).label) for kind in targets]
    if form.validate_on_submit():
        try:
            moved = case_running.reclassify(_actor(), case, form.to_kind.data or "", form.rationale.data or "")
        except case_running.EntryProblemsError as error:
            db.session.rollback()
            form.rationale.errors = [*form.rationale.errors, *error.problems.values()]
        except case_running.CaseRunningError as error:
            db.session.rollback()
            form.to_kind.errors = [*form.to_kind.errors, str(error)]
        else:
            if moved:
                flash(
                    "Reclassified. The case has moved to another case manager, as the routing rules require.", "success"
                )
                return redirect(url_for("cases.inbox"))
            flash("Reclassified.", "success")
            return _case_page(case_id, "chronology")
    return render_template(
        "cases/reclassify.html",
        title="Reclassify the case",
        case=case,
        form=form,
        kind_labels=KIND_LABELS,
        s141f=case_running.s141f(case),
        official_sensitive=True,
    )


@bp.route("/<uuid:case_id>/close", methods=["GET", "POST"])
@requires(is_signed_in)
def close_case(case_id: uuid.UUID) -> str | Response:
    case = _managed_case_or_404(case_id)
    if case.status == case_running.CLOSED:
        abort(404)
    form = CloseCaseForm()
    blockers = case_running.closure_blockers(case)
    refused = False
    if form.validate_on_submit():
        try:
            case_running.close(_actor(), case, form.summary.data or "")
        except case_running.ClosureBlockedError as error:
            db.session.rollback()
            blockers, refused = error.blockers, True
        except case_running.EntryProblemsError as error:
            db.session.rollback()
            form.summary.errors = [*form.summary.errors, *error.problems.values()]
        else:
            flash("Case closed.", "success")
            return _case_page(case_id)
    return render_template(
        "cases/close.html",
        title="Close the case",
        case=case,
        form=form,
        blockers=blockers,
        refused=refused,
        s141f=case_running.s141f(case),
        official_sensitive=True,
    )
