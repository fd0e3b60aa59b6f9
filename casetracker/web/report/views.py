"""Raising a concern (signed in): a concern about another adult, a self-referral, whistleblowing.

GOV.UK question pages. The answers so far are kept sealed (encrypted) in the database, one draft
per reporter, so they survive a sign-in timeout (see services.reporter_view); the draft is
deleted when the report is sent. Each page sends
anyone who skipped ahead back to the first question they have not answered; a "Change" link from
the check-answers page carries `check=1`, so that the page returns there when it is done.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from casetracker.clock import london_today
from casetracker.dates import govuk_date
from casetracker.domain.policy import Actor, is_signed_in
from casetracker.domain.reports import (
    HARM_THRESHOLD_PARAGRAPH,
    HARM_THRESHOLD_QUESTION_IDS,
    HARM_THRESHOLD_QUESTIONS,
    ReportKind,
    ThresholdAnswer,
    Wrongdoing,
    harm_threshold_citation,
    triage,
)
from casetracker.models import Case
from casetracker.security.access import current_actor, requires
from casetracker.services import reporter_view, reporting
from casetracker.services.case_access import CaseNotFoundError
from casetracker.web.report.forms import (
    COLLEAGUE,
    CONCERN_ITEMS,
    CONCERN_LABELS,
    HEADTEACHER,
    NOT_LISTED,
    RELATIONSHIP_LABELS,
    SELF,
    WHISTLEBLOWING,
    ConcernKindForm,
    DescribeSubjectForm,
    DetailsForm,
    FurtherInformationForm,
    ImmediateDangerForm,
    InvolvedForm,
    SendForm,
    SubjectForm,
    ThresholdForm,
)

bp = Blueprint("report", __name__, url_prefix="/report")


RECEIPT_KEY = "report_receipt"
# The question pages, in order.
STEPS = (
    "report.start",
    "report.choose_kind",
    "report.subject",
    "report.describe_subject",
    "report.threshold",
    "report.details",
)
# The kind of report each choice is triaged as (a colleague's becomes an allegation if triage says so).
TRIAGE_KIND = {
    COLLEAGUE: ReportKind.LOW_LEVEL_CONCERN,
    SELF: ReportKind.SELF_REFERRAL,
    WHISTLEBLOWING: ReportKind.WHISTLEBLOWING,
}
LATEST_EDITION = max(HARM_THRESHOLD_PARAGRAPH)
THRESHOLD_TEXT = {question.id: question.text for question in HARM_THRESHOLD_QUESTIONS}
YES_NO = {"yes": "Yes", "no": "No"}
THRESHOLD_VALUES = frozenset(answer.value for answer in ThresholdAnswer)
WRONGDOING_VALUES = frozenset(wrongdoing.value for wrongdoing in Wrongdoing)


def _actor() -> Actor:
    actor = current_actor()
    assert actor is not None  # every route here requires a signed-in user
    return actor


# The draft --------------------------------------------------------------------------------------


def _draft() -> dict[str, Any]:
    return reporter_view.load_draft(_actor().user_id) or {}


def _save(draft: dict[str, Any]) -> None:
    reporter_view.store_draft(_actor().user_id, draft)


def _subject_person(draft: dict[str, Any]) -> Any:
    subject = draft.get("subject") or {}
    if not subject.get("person_id"):
        return None
    return reporter_view.directory_person(subject["person_id"], exclude=_actor().person_id)


def _missing_step(draft: dict[str, Any]) -> str | None:
    """The first question not yet answered, or None when the draft is ready to check."""
    if draft.get("immediate_danger") not in YES_NO:
        return "report.start"
    concern = draft.get("concern")
    if concern not in CONCERN_LABELS:
        return "report.choose_kind"
    if concern == COLLEAGUE:
        subject = draft.get("subject") or {}
        if subject.get("not_listed"):
            if not (subject.get("description") or {}).get("name"):
                return "report.describe_subject"
        elif _subject_person(draft) is None:
            return "report.subject"
    if concern == WHISTLEBLOWING and not isinstance(draft.get("involved"), dict):
        return "report.subject"
    if set(draft.get("threshold") or {}) != set(HARM_THRESHOLD_QUESTION_IDS):
        return "report.threshold"
    details = draft.get("details") or {}
    if not details.get("what_happened") or not details.get("date"):
        return "report.details"
    if concern == WHISTLEBLOWING and not details.get("wrongdoing"):
        return "report.details"
    return None


def _earlier_step_missing(endpoint: str, draft: dict[str, Any]) -> Response | None:
    """Someone who skipped ahead goes back to the first question they have not answered."""
    missing = _missing_step(draft)
    if missing is not None and STEPS.index(missing) < STEPS.index(endpoint):
        return redirect(url_for(missing))
    return None


def _saved(answers: dict[str, Any]) -> dict[str, Any] | None:
    """Earlier answers fill a page when it is shown; a post is judged only on what it sends."""
    return answers if request.method == "GET" else None


def _checking() -> bool:
    return request.args.get("check") == "1"


def _onwards(draft: dict[str, Any], natural: str) -> Response:
    """After a page: the next question, or back to check answers when changing an answer."""
    if _checking():
        missing = _missing_step(draft)
        return redirect(url_for(missing, check=1) if missing else url_for("report.check_answers"))
    return redirect(url_for(natural))


def _back(default: str) -> str:
    return url_for("report.check_answers") if _checking() else url_for(default)


def _threshold_answers(draft: dict[str, Any]) -> dict[str, ThresholdAnswer]:
    answers: dict[str, ThresholdAnswer] = {}
    for question_id, value in (draft.get("threshold") or {}).items():
        if question_id in HARM_THRESHOLD_QUESTION_IDS and value in THRESHOLD_VALUES:
            answers[question_id] = ThresholdAnswer(value)
    return answers


def _triage(draft: dict[str, Any]) -> Any:
    return triage(_threshold_answers(draft), TRIAGE_KIND.get(draft.get("concern", ""), None))


# 1. Is a child in immediate danger? ------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
@requires(is_signed_in)
def start() -> str | Response:
    draft = _draft()
    form = ImmediateDangerForm(data=_saved({"immediate_danger": draft.get("immediate_danger")}))
    if form.validate_on_submit():
        draft["immediate_danger"] = form.immediate_danger.data
        _save(draft)
        if form.immediate_danger.data == "yes":
            return redirect(
                url_for("report.immediate_danger", check=1) if _checking() else url_for("report.immediate_danger")
            )
        return _onwards(draft, "report.choose_kind")
    return render_template("report/start.html", title="Raise a concern", form=form, back=_back("home.dashboard"))


@bp.get("/immediate-danger")
@requires(is_signed_in)
def immediate_danger() -> str:
    draft = _draft()
    if _checking() and _missing_step(draft) is None:
        onwards = url_for("report.check_answers")
    else:
        onwards = url_for("report.choose_kind")
    return render_template(
        "report/immediate_danger.html",
        title="Call 999 now",
        contacts=reporter_view.safeguarding_contacts(),
        onwards=onwards,
        back=url_for("report.start"),
    )


# 2. What is it about? ----------------------------------------------------------------------------


@bp.route("/kind", methods=["GET", "POST"])
@requires(is_signed_in)
def choose_kind() -> str | Response:
    draft = _draft()
    if (early := _earlier_step_missing("report.choose_kind", draft)) is not None:
        return early
    form = ConcernKindForm(data=_saved({"concern": draft.get("concern")}))
    if form.validate_on_submit():
        if draft.get("concern") != form.concern.data:
            # Who is involved is asked differently for each choice: ask again.
            for key in ("subject", "involved"):
                draft.pop(key, None)
        draft["concern"] = form.concern.data
        _save(draft)
        return _onwards(draft, "report.threshold" if form.concern.data == SELF else "report.subject")
    return render_template(
        "report/choose_kind.html",
        title="What do you want to tell us about?",
        form=form,
        items=CONCERN_ITEMS,
        back=_back("report.start"),
    )


# 3. Who is it about, or who is involved? -----------------------------------------------------


@bp.route("/person", methods=["GET", "POST"])
@requires(is_signed_in)
def subject() -> str | Response:
    draft = _draft()
    if (early := _earlier_step_missing("report.subject", draft)) is not None:
        return early
    if draft["concern"] == SELF:
        return redirect(url_for("report.threshold"))
    actor = _actor()
    query = request.args.get("q", "").replace("\x00", "").strip()[:200]
    matches, more = reporter_view.find_people(query, exclude=actor.person_id)
    if draft["concern"] == WHISTLEBLOWING:
        return _involved(draft, actor, query, matches, more)
    form = SubjectForm()
    if form.validate_on_submit():
        choice = form.person.data
        if choice == NOT_LISTED:
            previous = draft.get("subject") or {}
            draft["subject"] = {"not_listed": True, "description": previous.get("description") or {}}
            _save(draft)
            return redirect(
                url_for("report.describe_subject", check=1) if _checking() else url_for("report.describe_subject")
            )
        person = reporter_view.directory_person(choice, exclude=actor.person_id)
        if person is None:
            form.person.errors.append("Select a person from the list, or select ‘The person is not listed’")
        else:
            draft["subject"] = {"person_id": str(person.id)}
            _save(draft)
            return _onwards(draft, "report.threshold")
    subject = draft.get("subject") or {}
    chosen = (
        form.person.data
        if request.method == "POST"
        else (NOT_LISTED if subject.get("not_listed") else subject.get("person_id"))
    )
    listed = list(matches)
    previous = _subject_person(draft)
    if previous is not None and all(match.id != previous.id for match in listed):
        listed.insert(0, reporter_view.DirectoryMatch(previous.id, previous.full_name, previous.job_title))
    items: list[dict[str, Any]] = [
        {
            "value": str(match.id),
            "text": match.full_name,
            "hint": {"text": match.job_title} if match.job_title else None,
            "checked": chosen == str(match.id),
        }
        for match in listed
    ]
    if items:
        items.append({"divider": "or"})
    items.append({"value": NOT_LISTED, "text": "The person is not listed", "checked": chosen == NOT_LISTED})
    return render_template(
        "report/subject.html",
        title="Who is your concern about?",
        form=form,
        items=items,
        query=query,
        matches=matches,
        more=more,
        checking=_checking(),
        back=_back("report.choose_kind"),
    )


def _involved(draft: dict[str, Any], actor: Actor, query: str, matches: list[Any], more: bool) -> str | Response:
    """Whistleblowing: who is involved (zero or more), and whether the headteacher is."""
    form = InvolvedForm()
    if form.validate_on_submit():
        chosen = [str(value) for value in form.involved.data or []]
        people: list[str] = []
        for value in chosen:
            if value == HEADTEACHER:
                continue
            person = reporter_view.directory_person(value, exclude=actor.person_id)
            if person is None:
                form.involved.errors.append("Select people from the list")
                break
            if str(person.id) not in people:
                people.append(str(person.id))
        if not form.involved.errors:
            draft["involved"] = {"people": people, "headteacher": HEADTEACHER in chosen}
            _save(draft)
            if request.form.get("search"):
                # Searching again keeps who is ticked so far (in the draft, not in the page).
                search = request.form.get("q", "").replace("\x00", "").strip()[:200]
                return redirect(url_for("report.subject", q=search or None, check=1 if _checking() else None))
            return _onwards(draft, "report.threshold")
    previous = draft.get("involved") or {}
    if request.method == "POST":
        selected = {str(value) for value in form.involved.data or []}
    else:
        selected = set(previous.get("people") or []) | ({HEADTEACHER} if previous.get("headteacher") else set())
    listed = reporter_view.people_named([value for value in previous.get("people") or [] if value in selected])
    listed += [match for match in matches if all(match.id != other.id for other in listed)]
    items: list[dict[str, Any]] = [
        {
            "value": HEADTEACHER,
            "text": "The headteacher",
            "hint": {"text": "Select this if the headteacher is involved, or may be covering up the wrongdoing"},
            "checked": HEADTEACHER in selected,
        }
    ]
    items += [
        {
            "value": str(match.id),
            "text": match.full_name,
            "hint": {"text": match.job_title} if match.job_title else None,
            "checked": str(match.id) in selected,
        }
        for match in listed
        if match.id != actor.person_id
    ]
    return render_template(
        "report/involved.html",
        title="Who is involved?",
        form=form,
        items=items,
        query=query,
        matches=matches,
        more=more,
        checking=_checking(),
        back=_back("report.choose_kind"),
    )


@bp.route("/person/not-listed", methods=["GET", "POST"])
@requires(is_signed_in)
def describe_subject() -> str | Response:
    draft = _draft()
    if (early := _earlier_step_missing("report.describe_subject", draft)) is not None:
        return early
    subject = draft.get("subject") or {}
    if draft["concern"] != COLLEAGUE or not subject.get("not_listed"):
        return redirect(url_for("report.subject"))
    form = DescribeSubjectForm(data=_saved(subject.get("description") or {}))
    if form.validate_on_submit():
        draft["subject"] = {"not_listed": True, "description": form.description()}
        _save(draft)
        return _onwards(draft, "report.threshold")
    return render_template(
        "report/describe_subject.html",
        title="Tell us about the person",
        form=form,
        back=url_for("report.subject", check=1) if _checking() else url_for("report.subject"),
    )


# 4. The harm threshold ---------------------------------------------------------------------------


@bp.route("/questions", methods=["GET", "POST"])
@requires(is_signed_in)
def threshold() -> str | Response:
    draft = _draft()
    if (early := _earlier_step_missing("report.threshold", draft)) is not None:
        return early
    form = ThresholdForm(data=_saved(draft.get("threshold") or {}))
    if form.validate_on_submit():
        draft["threshold"] = {question_id: form[question_id].data for question_id in HARM_THRESHOLD_QUESTION_IDS}
        _save(draft)
        return _onwards(draft, "report.what_happens_next")
    if draft["concern"] == SELF:
        back = "report.choose_kind"
    elif (draft.get("subject") or {}).get("not_listed"):
        back = "report.describe_subject"
    else:
        back = "report.subject"
    return render_template(
        "report/threshold.html",
        title="Questions about what happened",
        form=form,
        questions=HARM_THRESHOLD_QUESTIONS,
        concern=draft["concern"],
        citation=harm_threshold_citation(LATEST_EDITION),
        back=_back(back),
    )


@bp.get("/what-happens-next")
@requires(is_signed_in)
def what_happens_next() -> str | Response:
    draft = _draft()
    if (early := _earlier_step_missing("report.details", draft)) is not None:
        return early
    return render_template(
        "report/what_happens_next.html",
        title="What will happen",
        next_step=_triage(draft).next_step,
        back=url_for("report.threshold"),
    )


# 5. The details ----------------------------------------------------------------------------------


@bp.route("/details", methods=["GET", "POST"])
@requires(is_signed_in)
def details() -> str | Response:
    draft = _draft()
    if (early := _earlier_step_missing("report.details", draft)) is not None:
        return early
    is_whistleblowing = draft["concern"] == WHISTLEBLOWING
    form = DetailsForm(data=_saved(_details_form_data(draft.get("details") or {})), is_whistleblowing=is_whistleblowing)
    if form.validate_on_submit():
        draft["details"] = _details_from(form)
        _save(draft)
        return _onwards(draft, "report.check_answers")
    return render_template(
        "report/details.html",
        title="What happened",
        form=form,
        is_whistleblowing=is_whistleblowing,
        back=_back("report.what_happens_next"),
    )


def _details_form_data(saved: dict[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in saved.items() if key not in ("date", "children", "witnesses", "non_recent")}
    try:
        data["date"] = dt.date.fromisoformat(saved["date"]) if saved.get("date") else None
    except (TypeError, ValueError):
        data["date"] = None
    data["children"] = "\n".join(saved.get("children") or [])
    data["witnesses"] = "\n".join(saved.get("witnesses") or [])
    data["non_recent"] = bool(saved.get("non_recent"))
    return data


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _details_from(form: DetailsForm) -> dict[str, Any]:
    date: dt.date = form.date.data
    a_year_ago = london_today() - dt.timedelta(days=365)
    saved: dict[str, Any] = {
        "what_happened": form.what_happened.data,
        "date": date.isoformat(),
        "time": form.clean_time(),
        "where": form.where.data or "",
        "children": _lines(form.children.data),
        "witnesses": _lines(form.witnesses.data),
        "action_taken": form.action_taken.data or "",
        # Non-recent if they say so, or if the date they gave is more than a year ago.
        "non_recent": bool(form.non_recent.data) or date < a_year_ago,
    }
    if form.is_whistleblowing:
        saved["wrongdoing"] = form.wrongdoing.data
        saved["evidence"] = form.evidence.data or ""
        saved["personal_interest"] = form.personal_interest.data or ""
    return saved


# 6. Check answers and send -----------------------------------------------------------------------


def _answers(draft: dict[str, Any]) -> dict[str, Any]:
    """What the reporter said, as the report keeps it: strings and lists, dates in ISO form."""
    concern = draft["concern"]
    answers: dict[str, Any] = {"immediate_danger": draft["immediate_danger"], "concern": CONCERN_LABELS[concern]}
    if concern == COLLEAGUE:
        subject = draft["subject"]
        if subject.get("not_listed"):
            description = subject.get("description") or {}
            answers["subject_name"] = description.get("name", "")
            answers["subject_role"] = description.get("role", "")
            answers["subject_organisation"] = description.get("organisation", "")
            relationship = description.get("relationship", "")
            answers["subject_relationship"] = RELATIONSHIP_LABELS.get(relationship, "")
        else:
            person = _subject_person(draft)
            answers["subject_name"] = person.full_name if person else ""
    elif concern == WHISTLEBLOWING:
        involved = draft["involved"]
        answers["involved"] = [match.full_name for match in reporter_view.people_named(involved.get("people") or [])]
        answers["headteacher_involved"] = "yes" if involved.get("headteacher") else "no"
    for question_id, answer in _threshold_answers(draft).items():
        answers[f"threshold_{question_id}"] = answer.value
    saved = draft["details"]
    answers.update(
        {
            "what_happened": saved.get("what_happened", ""),
            "date": saved.get("date", ""),
            "time": saved.get("time", ""),
            "where": saved.get("where", ""),
            "children": list(saved.get("children") or []),
            "witnesses": list(saved.get("witnesses") or []),
            "action_taken": saved.get("action_taken", ""),
            "non_recent": "yes" if saved.get("non_recent") else "no",
        }
    )
    if concern == WHISTLEBLOWING:
        answers["wrongdoing"] = saved.get("wrongdoing", "")
        answers["evidence"] = saved.get("evidence", "")
        answers["personal_interest"] = saved.get("personal_interest", "")
    return answers


def _submission(draft: dict[str, Any]) -> reporting.Submission:
    concern = draft["concern"]
    thresholds = _threshold_answers(draft)
    if concern == COLLEAGUE:
        kind = ReportKind.ALLEGATION if triage(thresholds).is_potential_allegation else ReportKind.LOW_LEVEL_CONCERN
    else:
        kind = TRIAGE_KIND[concern]
    subject_person_id = None
    subject_description = None
    implicated: tuple[uuid.UUID, ...] = ()
    implicates_headteacher = False
    if concern == COLLEAGUE:
        subject = draft["subject"]
        if subject.get("not_listed"):
            description = dict(subject.get("description") or {})
            relationship = description.pop("relationship", "")
            subject_description = {key: str(value) for key, value in description.items()}
            if relationship and relationship in RELATIONSHIP_LABELS and relationship != "other":
                subject_description["staff_type"] = relationship
        else:
            person = _subject_person(draft)
            subject_person_id = person.id if person else None
    elif concern == WHISTLEBLOWING:
        involved = draft["involved"]
        implicated = tuple(match.id for match in reporter_view.people_named(involved.get("people") or []))
        implicates_headteacher = bool(involved.get("headteacher"))
    return reporting.Submission(
        kind=kind,
        answers=_answers(draft),
        threshold_answers=thresholds,
        subject_person_id=subject_person_id,
        subject_description=subject_description,
        implicated_person_ids=implicated,
        implicates_headteacher=implicates_headteacher,
        is_non_recent=bool(draft["details"].get("non_recent")),
    )


# Where each answer is changed, on the check-answers page.
CHANGE_STEP = {
    "immediate_danger": "report.start",
    "concern": "report.choose_kind",
    "subject_name": "report.subject",
    "subject_role": "report.describe_subject",
    "subject_organisation": "report.describe_subject",
    "subject_relationship": "report.describe_subject",
    "involved": "report.subject",
    "headteacher_involved": "report.subject",
}
ANSWER_LABELS = {
    "immediate_danger": "Is a child in immediate danger?",
    "concern": "What you told us about",
    "subject_name": "Who the concern is about",
    "subject_role": "Their role or relationship to the school",
    "subject_organisation": "Their organisation",
    "subject_relationship": "How they work with the school",
    "involved": "Who is involved",
    "headteacher_involved": "Is the headteacher involved?",
    **{f"threshold_{question_id}": text for question_id, text in THRESHOLD_TEXT.items()},
    "what_happened": "What happened",
    "date": "Date it happened",
    "time": "Time it happened",
    "where": "Where it happened",
    "children": "Children involved",
    "witnesses": "Witnesses",
    "action_taken": "Action already taken",
    "non_recent": "Did this happen more than a year ago?",
    "wrongdoing": "Kind of wrongdoing",
    "evidence": "Evidence",
    "personal_interest": "Personal interest",
    "further_information": "Further information",
}


def _display(key: str, value: Any) -> Markup | str:
    if isinstance(value, list):
        return Markup("<br>").join(str(item) for item in value) if value else "None given"
    value = str(value or "")
    if not value:
        return "Not given"
    if key in ("immediate_danger", "headteacher_involved", "non_recent"):
        return YES_NO.get(value, value)
    if key.startswith("threshold_"):
        return ThresholdAnswer(value).label if value in THRESHOLD_VALUES else value
    if key == "wrongdoing":
        return Wrongdoing(value).label if value in WRONGDOING_VALUES else value
    if key == "date":
        try:
            return govuk_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return Markup("<br>").join(value.splitlines())


def answer_rows(answers: dict[str, Any], *, changes: bool = False) -> list[dict[str, Any]]:
    """GOV.UK summary-list rows for a report's answers, in the order they were asked."""
    rows = []
    for key, label in ANSWER_LABELS.items():
        if key not in answers:
            continue
        row: dict[str, Any] = {"key": {"text": label}, "value": {"html": Markup.escape(_display(key, answers[key]))}}
        if changes:
            step = "report.threshold" if key.startswith("threshold_") else CHANGE_STEP.get(key, "report.details")
            row["actions"] = {
                "items": [{"href": url_for(step, check=1), "text": "Change", "visuallyHiddenText": label.lower()}]
            }
        rows.append(row)
    return rows


@bp.route("/check", methods=["GET", "POST"])
@requires(is_signed_in)
def check_answers() -> str | Response:
    draft = _draft()
    missing = _missing_step(draft)
    if missing is not None:
        if not draft and RECEIPT_KEY in session:
            return redirect(url_for("report.confirmation"))  # sent already (a second click)
        if not draft and request.method == "POST":
            return _sent_already()
        return redirect(url_for(missing))
    form = SendForm()
    if form.validate_on_submit():
        try:
            receipt = reporting.submit(_actor(), _submission(draft), from_draft=True)
        except reporting.AlreadySentError:
            return _sent_already()
        session[RECEIPT_KEY] = {"reference": receipt.reference}
        return redirect(url_for("report.confirmation"))
    return render_template(
        "report/check_answers.html",
        title="Check your answers before sending",
        form=form,
        rows=answer_rows(_answers(draft), changes=True),
        next_step=_triage(draft).next_step,
        back=url_for("report.details"),
    )


def _sent_already() -> Response:
    """Send was pressed for a report that has gone already (twice at once, or again after the answer
    was lost to a dropped connection or a server restart): the draft went with the sending, so
    their reports show whether it arrived."""
    flash("There was nothing left to send. If you pressed Send just now, check below whether it arrived.")
    return redirect(url_for("report.list_reports"))


# 7. Confirmation ---------------------------------------------------------------------------------


@bp.get("/sent")
@requires(is_signed_in)
def confirmation() -> str | Response:
    receipt = session.pop(RECEIPT_KEY, None)  # the reference is shown once
    if not isinstance(receipt, dict) or not receipt.get("reference"):
        return redirect(url_for("report.list_reports"))
    return render_template("report/confirmation.html", title="Concern received", reference=receipt["reference"])


# 8. Your reports ---------------------------------------------------------------------------------


@bp.get("/yours")
@requires(is_signed_in)
def list_reports() -> str:
    actor = _actor()
    cases = reporting.reports_by(actor)
    return render_template(
        "report/list_reports.html",
        title="Your reports",
        cases=cases,
        status_of=reporter_view.shown_statuses(actor, cases),
    )


@bp.route("/yours/<uuid:case_id>", methods=["GET", "POST"])
@requires(is_signed_in)
def show_report(case_id: uuid.UUID) -> str | Response:
    actor = _actor()
    try:
        case = reporter_view.own_case(actor, case_id)
    except CaseNotFoundError:
        abort(404)
    if not reporter_view.may_follow(actor, case):
        return _received_only(actor, case)
    can_add = reporter_view.can_add_information(case)
    form = FurtherInformationForm()
    if request.method == "POST" and not can_add:
        flash("This concern is closed. If you have something new to tell us, raise a new concern.", "important")
        return redirect(url_for("report.show_report", case_id=case.id))
    if form.validate_on_submit():
        try:
            reporter_view.add_further_information(actor, case, form.information.data or "")
        except ValueError as error:
            form.information.errors.append(str(error))
        else:
            flash("Thank you. We have added this to your report and told the case manager.", "success")
            return redirect(url_for("report.show_report", case_id=case.id))
    reporter_view.record_view(actor, case)
    reports = reporter_view.own_reports(actor, case)
    return render_template(
        "report/show_report.html",
        title=f"Your report {case.reference}",
        case=case,
        status=reporter_view.status_label(case.status),
        reports=[(report, answer_rows(report.answers or {})) for report in reports],
        messages=reporter_view.messages_to_reporter(case),
        form=form if can_add else None,
    )


def _received_only(actor: Actor, case: Case) -> str:
    """A reporter marked implicated learns only that their report arrived: no status, no messages,
    no adding to it (domain.policy.can_follow_own_report). Anything new goes in a fresh report."""
    if request.method == "POST":
        abort(404)
    reporter_view.record_view(actor, case)
    return render_template(
        "report/show_report.html",
        title=f"Your report {case.reference}",
        case=case,
        status=reporter_view.STATUS_RECEIVED,
        received_only=True,
    )
