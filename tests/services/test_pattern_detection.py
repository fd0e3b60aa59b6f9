"""Patterns of low-level concerns (DOMAIN.md 6), without telling anyone of a case they may not see."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from flask import Flask

from casetracker.clock import utcnow
from casetracker.domain.entries import EntryType
from casetracker.extensions import db
from casetracker.models import Case, User
from casetracker.services import case_running, case_store, dashboard, patterns
from tests.conftest import sign_in
from tests.services.test_case_running import entry, file_concern, set_low_level_route, types_on
from tests.services.test_reporting import actor_of
from tests.web.test_case_pages import school

FIRST_TEXT = "Fictional: gave a pupil a lift home ALPHA"
SECOND_TEXT = "Fictional: messaged a pupil late at night BRAVO"
PATTERN_REVIEW = {"harm_threshold": "no", "consult_lado": "no", "rationale": "Fictional: both were minor lapses."}
EARLIER = "Earlier concerns about this person"


def case(case_id: uuid.UUID) -> Case:
    return db.session.get(Case, case_id)


def reference_of(app: Flask, case_id: uuid.UUID) -> str:
    with app.app_context():
        return case(case_id).reference


def page_as(app: Flask, user: User, case_id: uuid.UUID) -> str:
    client = app.test_client()
    sign_in(client, user)
    response = client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def two_concerns(
    app: Flask, people: dict[str, User], *, first_days_ago: int = 60, second_reporter: str = "stranger", **first: object
) -> tuple[uuid.UUID, uuid.UUID]:
    """Two low-level concerns about the same person: an earlier one, then one arriving now."""
    earlier = file_concern(
        app,
        people,
        reporter="reporter",
        text=FIRST_TEXT,
        received_at=utcnow() - dt.timedelta(days=first_days_ago),
        **first,  # type: ignore[arg-type]
    )
    app.extensions["outbox"] = []
    later = file_concern(app, people, reporter=second_reporter, text=SECOND_TEXT)
    return earlier, later


def hidden_pair(app: Flask, people: dict[str, User]) -> tuple[uuid.UUID, uuid.UUID]:
    """The earlier concern implicates the head, so it is the chair's; the later one is the head's."""
    set_low_level_route(app, "headteacher")
    earlier, later = two_concerns(app, people, implicates_headteacher=True)
    with app.app_context():
        assert case(earlier).case_manager_office == "chair"
        assert case(later).case_manager_office == "headteacher"
    return earlier, later


@pytest.mark.parametrize("second_reporter", ["stranger", "reporter"])
def test_a_second_concern_within_twelve_months_is_flagged_for_a_pattern_review(
    app: Flask, second_reporter: str
) -> None:
    """A second concern about the same person within the window prompts a recorded pattern review."""
    people = school(app)
    earlier, later = two_concerns(app, people, first_days_ago=330, second_reporter=second_reporter)
    dsl = actor_of(app, people["dsl"])
    with app.app_context():
        flagged = case(later)
        assert flagged.pattern_review_pending
        detected = [e for e in case_store.chronology(flagged) if e.body["type"] == "pattern_detected"]
        assert len(detected) == 1
        assert detected[0].body["text"] == patterns.NEW_CASE_TEXT
        assert detected[0].body["author"] is None  # the system found it
        assert "Record the pattern review" in case_running.closure_blockers(flagged)
        # The DSL manages both: the later case carries the review, the earlier one is left alone.
        assert not case(earlier).pattern_review_pending
        assert "pattern_detected" not in types_on(case(earlier))
        assert dashboard.dashboard(dsl, utcnow()).patterns == 1


def test_the_case_page_lists_the_earlier_concern(app: Flask) -> None:
    """The case manager needs the earlier concerns side by side to judge the pattern."""
    people = school(app)
    earlier, later = two_concerns(app, people)
    page = page_as(app, people["dsl"], later)
    assert EARLIER in page
    assert f"Case {reference_of(app, earlier)}" in page
    assert f"/cases/{earlier}" in page
    assert "Pattern review needed" in page


def test_a_concern_older_than_the_window_is_not_a_pattern(app: Flask) -> None:
    """The pattern window is 12 months: an older concern does not prompt a review."""
    people = school(app)
    earlier, later = two_concerns(app, people, first_days_ago=400)
    with app.app_context():
        assert not case(later).pattern_review_pending
        assert not case(earlier).pattern_review_pending
        assert "pattern_detected" not in types_on(case(later)) + types_on(case(earlier))
    page = page_as(app, people["dsl"], later)
    assert EARLIER not in page
    assert reference_of(app, earlier) not in page


def test_a_hidden_earlier_concern_is_reviewed_on_its_own_case_and_never_shown_to_the_new_case_manager(
    app: Flask,
) -> None:
    """Nobody may learn of a case they may not see; the earlier case's manager reviews the pattern instead."""
    people = school(app)
    earlier, later = hidden_pair(app, people)
    head = actor_of(app, people["head"])
    chair = actor_of(app, people["chair"])
    earlier_ref, later_ref = reference_of(app, earlier), reference_of(app, later)
    with app.app_context():
        new = case(later)
        assert not new.pattern_review_pending
        assert "pattern_detected" not in types_on(new)
        assert "Record the pattern review" not in case_running.closure_blockers(new)
        old = case(earlier)
        assert old.pattern_review_pending
        detected = [e for e in case_store.chronology(old) if e.body["type"] == "pattern_detected"]
        assert [e.body["text"] for e in detected] == [patterns.EARLIER_CASE_TEXT]
        assert dashboard.dashboard(head, utcnow()).patterns == 0
        assert dashboard.dashboard(chair, utcnow()).patterns == 1
    head_page = page_as(app, people["head"], later)
    for trace in (EARLIER, earlier_ref, str(earlier), FIRST_TEXT, "Pattern review needed"):
        assert trace not in head_page, trace
    chair_page = page_as(app, people["chair"], earlier)
    assert "Pattern review needed" in chair_page
    for trace in (later_ref, str(later), SECOND_TEXT):
        assert trace not in chair_page, trace
    to_chair = [m for m in app.extensions["outbox"] if m["To"] == people["chair"].email]
    assert len(to_chair) == 1
    text = to_chair[0]["Subject"] + to_chair[0].get_content()
    for leak in (
        earlier_ref,
        later_ref,
        "Sid Subject",
        "Rae Reporter",
        "Sten Stranger",
        "Hattie Head",
        FIRST_TEXT,
        SECOND_TEXT,
        "ALPHA",
        "BRAVO",
        "low-level",
    ):
        assert leak not in text, (leak, text)
    assert "/sign-in" in text


def test_a_pattern_review_clears_the_flag(app: Flask) -> None:
    """Once the case manager has recorded their decision on the pattern, it no longer blocks or counts."""
    people = school(app)
    _, later = two_concerns(app, people)
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        case_running.record_entry(dsl, case(later), entry(EntryType.PATTERN_REVIEW, PATTERN_REVIEW))
        reviewed = case(later)
        assert not reviewed.pattern_review_pending
        assert "Record the pattern review" not in case_running.closure_blockers(reviewed)
        assert dashboard.dashboard(dsl, utcnow()).patterns == 0
        latest = case_running.state_of(reviewed).latest(EntryType.PATTERN_REVIEW)
        assert latest is not None and latest.get("rationale") == PATTERN_REVIEW["rationale"]


def test_a_pattern_review_finding_the_threshold_met_makes_the_concern_a_potential_allegation(app: Flask) -> None:
    """DOMAIN.md 6: if the concerns together meet the harm threshold, the LADO must be consulted."""
    people = school(app)
    _, later = two_concerns(app, people)
    dsl = actor_of(app, people["dsl"])
    with app.test_request_context():
        case_running.record_entry(
            dsl, case(later), entry(EntryType.PATTERN_REVIEW, PATTERN_REVIEW | {"harm_threshold": "yes"})
        )
        reviewed = case(later)
        assert reviewed.potential_allegation
        assert reviewed.lado_due_at is not None


def test_a_pattern_review_can_be_recorded_on_a_closed_earlier_case(app: Flask) -> None:
    """A later concern can reopen the question on a closed concern, but only for the pattern review."""
    people = school(app)
    set_low_level_route(app, "headteacher")
    chair = actor_of(app, people["chair"])
    earlier = file_concern(
        app, people, text=FIRST_TEXT, implicates_headteacher=True, received_at=utcnow() - dt.timedelta(days=90)
    )
    with app.test_request_context():
        case_running.record_entry(
            chair,
            case(earlier),
            entry(EntryType.LOW_LEVEL_DECISION, {"action": "conversation", "rationale": "Fictional: spoke to them."}),
        )
        case_running.close(chair, case(earlier), "Fictional: conversation held.")
        assert case(earlier).status == "closed"
    file_concern(app, people, reporter="stranger", text=SECOND_TEXT)
    with app.app_context():
        assert case(earlier).pattern_review_pending
        assert dashboard.dashboard(chair, utcnow()).patterns == 1
    client = app.test_client()
    sign_in(client, people["chair"])
    assert "Record the pattern review" in client.get(f"/cases/{earlier}").get_data(as_text=True)
    assert client.get(f"/cases/{earlier}/entries/new/pattern_review").status_code == 200
    assert client.get(f"/cases/{earlier}/entries/new/note").status_code == 404
    with app.test_request_context():
        case_running.record_entry(chair, case(earlier), entry(EntryType.PATTERN_REVIEW, PATTERN_REVIEW))
        reviewed = case(earlier)
        assert reviewed.status == "closed"
        assert not reviewed.pattern_review_pending
        assert types_on(reviewed)[-1] == "pattern_review"
        with pytest.raises(case_running.CaseRunningError):
            case_running.record_entry(chair, case(earlier), entry(EntryType.NOTE))
        db.session.rollback()
        with pytest.raises(case_running.CaseRunningError):  # the review is done: the case is final again
            case_running.record_entry(chair, case(earlier), entry(EntryType.PATTERN_REVIEW, PATTERN_REVIEW))
        db.session.rollback()
        assert dashboard.dashboard(chair, utcnow()).patterns == 0
