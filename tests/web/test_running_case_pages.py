"""Running a case through the pages: choosing and recording entries, closing, reclassifying, the dashboard."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.domain.entries import EntryType
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.models import Case, ChronologyEntry, User
from casetracker.services import case_running, reporting
from tests.conftest import post_form, sign_in
from tests.services.test_case_running import entry, file_concern, set_low_level_route
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import file_case, school

LADO_FORM = {
    "how": "phone",
    "lado_name": "Lena Ladowska",
    "lado_authority": "Fictional Borough Council",
    "lado_reference": "LADO-9182",
    "shared": "Fictional: what the pupil said in the library.",
    "text": "Fictional: the LADO asked for the rota.",
}


def yesterday() -> list[str]:
    """A GOV.UK date field posts day, month and year under one name."""
    day = utcnow().astimezone(LONDON).date() - dt.timedelta(days=1)
    return [str(day.day), str(day.month), str(day.year)]


def manager(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def entry_count(app: Flask, case_id: uuid.UUID) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(ChronologyEntry.case_id == case_id)) or 0


def count(page: str, name: str) -> int:
    match = re.search(rf'data-count="{name}">\s*(\d+)\s*<', page)
    assert match, name
    return int(match.group(1))


def test_the_entry_choice_lists_what_can_be_recorded_and_leads_to_its_form(app: Flask) -> None:
    """The case manager picks what happened from the kinds of entry this case can take."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    page = head.get(f"/cases/{case_id}/entries/new").get_data(as_text=True)
    for label in ("LADO consultation", "Suspension considered", "Outcome", "Learning-lessons review", "Note"):
        assert label in page, label
    for system in ("report_received", "routing", "closure", "pattern_detected"):
        assert f'value="{system}"' not in page, system
    response = post_form(head, f"/cases/{case_id}/entries/new", {"entry_type": "lado_consultation"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case_id}/entries/new/lado_consultation")


def test_a_lado_consultation_posted_through_the_form_shows_in_the_lado_panel(app: Flask) -> None:
    """What the LADO was told, by whom and their reference must be on the case page at a glance."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    url = f"/cases/{case_id}/entries/new/lado_consultation"
    before = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The LADO has not been consulted yet" in before
    response = post_form(head, url, {**LADO_FORM, "occurred_on": yesterday(), "occurred_time": "2:30pm"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/cases/{case_id}#chronology")
    page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    lado = page[page.index('id="lado"') :]
    assert "Lena Ladowska, Fictional Borough Council" in lado
    assert "LADO-9182" in lado
    assert "Fictional: what the pupil said in the library." in lado
    assert "The LADO has not been consulted yet" not in page
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.lado_due_at is None
        consulted = case_running.state_of(case).lado_consulted
        assert consulted is not None
        assert consulted.occurred_at.astimezone(LONDON).strftime("%H:%M") == "14:30"


def test_an_invalid_suspension_is_shown_again_with_each_problem_and_nothing_is_written(app: Flask) -> None:
    """Suspension is never automatic: the form must say which alternatives still need a reason."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    before = entry_count(app, case_id)
    response = post_form(
        head,
        f"/cases/{case_id}/entries/new/suspension",
        {"decision": "suspended", "agreed_with_lado": "yes", "occurred_on": yesterday(), "named_contact": ""},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Say why this alternative was rejected" in page
    assert "Enter the named contact for the person while they are suspended" in page
    assert 'href="#alternative_redeploy"' in page  # the summary links to the field
    assert entry_count(app, case_id) == before
    assert "Subject suspended" not in head.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_future_date_is_shown_beside_the_date_field(app: Flask) -> None:
    """A chronology entry records what has happened, so a date in the future is refused."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    before = entry_count(app, case_id)
    future = utcnow().astimezone(LONDON).date() + dt.timedelta(days=3)
    response = post_form(
        head,
        f"/cases/{case_id}/entries/new/note",
        {"occurred_on": [str(future.day), str(future.month), str(future.year)], "text": "Fictional note."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "must be in the past" in page
    assert entry_count(app, case_id) == before


def test_closing_lists_the_missing_decisions_and_refuses(app: Flask) -> None:
    """The case manager sees every decision still needed and cannot close until it is recorded."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    page = head.get(f"/cases/{case_id}/close").get_data(as_text=True)
    for blocker in ("Record the LADO consultation", "Record the outcome", "Record the learning-lessons review"):
        assert blocker in page
    response = post_form(head, f"/cases/{case_id}/close", {"summary": "Fictional: closing early."})
    assert response.status_code == 200
    refused = response.get_data(as_text=True)
    assert "There is a problem" in refused
    assert "This case cannot be closed until every decision below is recorded" in refused
    assert "Record the LADO consultation" in refused
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status != "closed" and case.closed_at is None


def test_correcting_an_entry_that_does_not_exist_is_not_found(app: Flask) -> None:
    """A made-up entry id reveals nothing: it is a 404 like any unknown page."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    assert head.get(f"/cases/{case_id}/entries/{uuid.uuid4()}/correct").status_code == 404


def test_the_correction_page_keeps_the_original_and_asks_why(app: Flask) -> None:
    """A correction is saved beside the original, with the reason the case manager gives."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    post_form(head, f"/cases/{case_id}/entries/new/note", {"occurred_on": yesterday(), "text": "Fictional ORIGINAL."})
    with app.app_context():
        note = db.session.scalars(
            select(ChronologyEntry).where(ChronologyEntry.case_id == case_id).order_by(ChronologyEntry.seq.desc())
        ).first()
        note_id = note.id
    url = f"/cases/{case_id}/entries/{note_id}/correct"
    missing_reason = post_form(head, url, {"occurred_on": yesterday(), "text": "Fictional FIXED.", "reason": ""})
    assert "There is a problem" in missing_reason.get_data(as_text=True)
    saved = post_form(head, url, {"occurred_on": yesterday(), "text": "Fictional FIXED.", "reason": "Wrong word"})
    assert saved.status_code == 302
    page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Fictional ORIGINAL." in page and "Fictional FIXED." in page
    assert head.get(url).status_code == 404  # only the current version can be corrected


def test_a_collaborator_cannot_reach_the_running_pages(app: Flask) -> None:
    """Collaborators may look at the case but never change it, and the pages do not admit they exist."""
    people = school(app)
    case_id = file_case(app, people)
    head = manager(app, people["head"])
    post_form(
        head,
        f"/cases/{case_id}/collaborators",
        {"collaborator-person": str(people["collaborator"].id)},
        token_from=f"/cases/{case_id}",
    )
    helper = manager(app, people["collaborator"])
    assert helper.get(f"/cases/{case_id}").status_code == 200
    assert helper.get(f"/cases/{case_id}/reclassify").status_code == 404
    response = post_form(
        helper,
        f"/cases/{case_id}/reclassify",
        {"to_kind": "low_level_concern", "rationale": "Fictional."},
        token_from="/account",
    )
    assert response.status_code == 404
    for url in (f"/cases/{case_id}/entries/new", f"/cases/{case_id}/entries/new/note", f"/cases/{case_id}/close"):
        assert helper.get(url).status_code == 404, url
    with app.app_context():
        assert db.session.get(Case, case_id).kind == "allegation"


def test_a_closed_case_offers_no_way_to_add_to_it(app: Flask) -> None:
    """A closed case is final: its running pages are gone."""
    people = school(app)
    case_id = file_case(app, people)
    head_actor = actor_of(app, people["head"])
    with app.test_request_context():
        for new in (
            entry(EntryType.LADO_CONSULTATION, {k: v for k, v in LADO_FORM.items() if k != "text"}),
            entry(
                EntryType.OUTCOME,
                {
                    "outcome": "unfounded",
                    "removed_from_regulated_activity": "no",
                    "personnel_record": "keep",
                    "in_references": "no",
                    "social_care_considered": "yes",
                },
            ),
            entry(EntryType.LEARNING_REVIEW, {"with_lado": "no", "findings": "Fictional findings."}),
        ):
            case_running.record_entry(head_actor, db.session.get(Case, case_id), new)
        case_running.close(head_actor, db.session.get(Case, case_id), "Fictional: unfounded.")
    head = manager(app, people["head"])
    page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Add to the chronology" not in page
    assert head.get(f"/cases/{case_id}/close").status_code == 404
    assert head.get(f"/cases/{case_id}/reclassify").status_code == 404
    assert head.get(f"/cases/{case_id}/entries/new/note").status_code == 404


def test_the_dashboard_counts_new_cases_lado_overdue_and_patterns(app: Flask) -> None:
    """The case manager's first screen must show what is new, what is late and what needs a pattern review."""
    people = school(app)
    set_low_level_route(app, "headteacher")
    with app.test_request_context():
        reporting.submit(  # received a week ago: the LADO clock has run out
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": "Fictional: grabbed a pupil's arm."},
                threshold_answers=dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.YES),
                subject_person_id=people["implicated"].person_id,
                received_at=utcnow() - dt.timedelta(days=7),
            ),
        )
    earlier = file_concern(app, people, reporter="reporter", received_at=utcnow() - dt.timedelta(days=40))
    file_concern(app, people, reporter="stranger")
    with app.test_request_context():
        case_running.record_entry(
            actor_of(app, people["head"]),
            db.session.get(Case, earlier),
            entry(EntryType.LOW_LEVEL_DECISION, {"action": "conversation", "rationale": "Fictional."}),
        )
    head = manager(app, people["head"])
    page = head.get("/cases").get_data(as_text=True)
    assert count(page, "new") == 2  # the earlier concern is being looked at
    assert count(page, "lado-overdue") == 1
    assert count(page, "patterns") == 1
    dsl = manager(app, people["dsl"]).get("/cases").get_data(as_text=True)
    assert (count(dsl, "new"), count(dsl, "lado-overdue"), count(dsl, "patterns")) == (0, 0, 0)
