"""The signed-in reporting journey: raising a concern page by page, and following it afterwards."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casetracker import audit
from casetracker.clock import london_today, utcnow
from casetracker.domain.people import Office, Role
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS
from casetracker.extensions import db
from casetracker.models import AuditEvent, Case, CasePerson, ChronologyEntry, Report, User, WebSession
from casetracker.services import case_store
from tests.conftest import make_user, post_form, sign_in

ALL_NO = dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, "no")
EXIT_THIS_PAGE = 'data-module="govuk-exit-this-page"'
NEUTRAL_SITE = 'href="https://www.bbc.co.uk/weather"'
ERROR_SUMMARY = "govuk-error-summary"


@pytest.fixture()
def people(app: Flask) -> dict[str, User]:
    return {
        "head": make_user(app, "Hana Head", office=Office.HEADTEACHER),
        "dsl": make_user(app, "Dev Dsl", office=Office.DSL),
        "chair": make_user(app, "Cleo Chair", office=Office.CHAIR, roles=(Role.GOVERNOR,)),
        "ta": make_user(app, "Theo Assistant"),
        "teacher": make_user(app, "Tess Teacher"),
    }


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def details(**changes: Any) -> dict[str, Any]:
    when = london_today() - dt.timedelta(days=3)
    answers: dict[str, Any] = {
        "what_happened": "Fictional: kept a pupil behind alone in a locked room.",
        "date": [str(when.day), str(when.month), str(when.year)],
        "time": "14:30",
        "where": "Year 3 classroom",
        "children": "Amira Fictional (Year 3)\nBen Example (Year 3)\n",
        "witnesses": "Carol Witness, lunchtime supervisor",
        "action_taken": "Told nobody else yet.",
    }
    answers.update(changes)
    return answers


def raise_concern(
    client: FlaskClient,
    concern: str,
    *,
    who: dict[str, Any] | None = None,
    describe: dict[str, str] | None = None,
    threshold: dict[str, str] | None = None,
    about: dict[str, Any] | None = None,
) -> str:
    """Walk the journey page by page; returns the confirmation page."""
    response = post_form(client, "/report", {"immediate_danger": "no"})
    assert response.status_code == 302 and response.headers["Location"] == "/report/kind"
    response = post_form(client, "/report/kind", {"concern": concern})
    assert response.status_code == 302
    if concern == "self":
        assert response.headers["Location"] == "/report/questions"
    else:
        assert response.headers["Location"] == "/report/person"
        response = post_form(client, "/report/person", who or {})
        assert response.status_code == 302, response.get_data(as_text=True)
        if describe is not None:
            assert response.headers["Location"] == "/report/person/not-listed"
            response = post_form(client, "/report/person/not-listed", describe)
            assert response.status_code == 302, response.get_data(as_text=True)
        assert response.headers["Location"] == "/report/questions"
    response = post_form(client, "/report/questions", threshold or ALL_NO)
    assert response.status_code == 302 and response.headers["Location"] == "/report/what-happens-next"
    assert "What will happen" in client.get("/report/what-happens-next").get_data(as_text=True)
    response = post_form(client, "/report/details", about or details())
    assert response.status_code == 302 and response.headers["Location"] == "/report/check", response.get_data(
        as_text=True
    )
    check = client.get("/report/check").get_data(as_text=True)
    assert "Check your answers before sending" in check
    response = post_form(client, "/report/check", {})
    assert response.status_code == 302 and response.headers["Location"] == "/report/sent"
    return client.get("/report/sent").get_data(as_text=True)


def reference_in(page: str) -> str:
    match = re.search(r"CT-[A-Z0-9]{4}-[A-Z0-9]{4}", page)
    assert match, page
    return match.group(0)


def case_by_reference(app: Flask, reference: str) -> Case:
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        db.session.expunge(case)
        return case


# The journeys ------------------------------------------------------------------------------------


def test_a_concern_about_a_colleague_with_a_yes_is_an_allegation_for_the_head(
    app: Flask, people: dict[str, User]
) -> None:
    client = signed_in(app, people["ta"])
    page = raise_concern(
        client,
        "colleague",
        who={"person": str(people["teacher"].person_id)},
        threshold=ALL_NO | {"harmed_a_child": "yes"},
    )
    assert "Concern received" in page and "govuk-panel--confirmation" in page
    reference = reference_in(page)
    # The reference is shown once; the draft is gone.
    assert client.get("/report/sent").status_code == 302
    with app.app_context():
        from casetracker.models import ReportDraft

        assert db.session.scalars(select(ReportDraft)).all() == []
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        assert case.kind == "allegation"
        assert case.case_manager_office == "headteacher"
        report = db.session.scalars(select(Report).where(Report.case_id == case.id)).one()
        answers = report.answers
        assert answers["threshold_harmed_a_child"] == "yes"
        assert answers["subject_name"] == "Tess Teacher"
        assert answers["children"] == ["Amira Fictional (Year 3)", "Ben Example (Year 3)"]
        assert answers["date"] == (london_today() - dt.timedelta(days=3)).isoformat()
        assert answers["time"] == "14:30"
        assert answers["non_recent"] == "no"
        assert audit.verify().intact
    recipients = {message["To"] for message in app.extensions["outbox"]}
    assert people["head"].email in recipients
    assert people["teacher"].email not in recipients


def test_all_no_about_a_colleague_is_a_low_level_concern(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    page = raise_concern(client, "colleague", who={"person": str(people["teacher"].person_id)})
    case = case_by_reference(app, reference_in(page))
    assert case.kind == "low_level_concern"


def test_a_teaching_assistants_concern_about_the_head_reaches_the_chair(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    page = raise_concern(
        client,
        "colleague",
        who={"person": str(people["head"].person_id)},
        threshold=ALL_NO | {"risk_of_harm": "not_sure"},
    )
    case = case_by_reference(app, reference_in(page))
    assert case.case_manager_office == "chair"
    assert case.kind == "allegation"
    head = signed_in(app, people["head"])
    yours = head.get("/report/yours").get_data(as_text=True)
    assert "You have not raised any concerns" in yours
    assert case.reference not in yours
    assert head.get(f"/report/yours/{case.id}").status_code == 404


def test_someone_not_in_the_directory_is_described(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    page = raise_concern(
        client,
        "colleague",
        who={"person": "not_listed"},
        describe={
            "name": "Pat Coach",
            "role": "Football coach",
            "organisation": "Kick Ltd",
            "relationship": "contractor",
        },
    )
    case = case_by_reference(app, reference_in(page))
    with app.app_context():
        link = db.session.scalars(select(CasePerson).where(CasePerson.case_id == case.id)).one()
        assert link.role == "subject" and link.person_index is None
        assert link.description == {
            "name": "Pat Coach",
            "role": "Football coach",
            "organisation": "Kick Ltd",
            "staff_type": "contractor",
        }
        case = db.session.get(Case, case.id)
        assert "inform_employer" in case.details["routing"]["actions"]


def test_a_self_referral(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["teacher"])
    page = raise_concern(client, "self", about=details(what_happened="Fictional: gave a pupil a lift home."))
    case = case_by_reference(app, reference_in(page))
    assert case.kind == "self_referral"
    assert case.case_manager_office == "dsl"  # the school's low-level concern policy is "DSL" by default
    yours = client.get("/report/yours").get_data(as_text=True)
    assert case.reference in yours and "Received" in yours


def test_whistleblowing_naming_the_headteacher_goes_to_the_chair(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    search = client.get("/report/person?q=tess").get_data(as_text=True)  # before choosing: redirected
    assert "Tess Teacher" not in search
    post_form(client, "/report", {"immediate_danger": "no"})
    post_form(client, "/report/kind", {"concern": "whistleblowing"})
    found = client.get("/report/person?q=TESS").get_data(as_text=True)
    assert "Tess Teacher" in found and 'type="checkbox"' in found
    assert "Theo Assistant" not in client.get("/report/person?q=theo").get_data(as_text=True)  # never yourself
    # Searching again keeps who is ticked.
    response = post_form(
        client,
        "/report/person?q=tess",
        {"involved": [str(people["teacher"].person_id)], "q": "hana", "search": "1"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/report/person?q=hana"
    again = client.get("/report/person?q=hana").get_data(as_text=True)
    assert "Hana Head" in again
    assert re.search(rf'value="{people["teacher"].person_id}" checked', again)
    response = post_form(
        client,
        "/report/person",
        {"involved": ["headteacher", str(people["teacher"].person_id)]},
        token_from="/report/person",
    )
    assert response.headers["Location"] == "/report/questions"
    post_form(client, "/report/questions", ALL_NO)
    response = post_form(
        client,
        "/report/details",
        details(wrongdoing="cover_up", evidence="Emails in the shared drive", personal_interest="None"),
    )
    assert response.headers["Location"] == "/report/check"
    check = client.get("/report/check").get_data(as_text=True)
    assert "An attempt to cover up wrongdoing" in check and "Tess Teacher" in check
    post_form(client, "/report/check", {})
    page = client.get("/report/sent").get_data(as_text=True)
    case = case_by_reference(app, reference_in(page))
    assert case.kind == "whistleblowing"
    assert case.case_manager_office == "chair"
    with app.app_context():
        implicated = db.session.scalars(
            select(CasePerson).where(CasePerson.case_id == case.id, CasePerson.role == "implicated")
        ).all()
        assert len(implicated) == 2
        report = db.session.scalars(select(Report).where(Report.case_id == case.id)).one()
        assert report.answers["headteacher_involved"] == "yes"
        assert report.answers["wrongdoing"] == "cover_up"
        assert not report.is_anonymous


def test_whistleblowing_may_name_nobody(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    page = raise_concern(client, "whistleblowing", who={}, about=details(wrongdoing="health_and_safety"))
    case = case_by_reference(app, reference_in(page))
    assert case.case_manager_office == "headteacher"


def test_a_child_in_immediate_danger_shows_999_and_the_dsl(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    response = post_form(client, "/report", {"immediate_danger": "yes"})
    assert response.headers["Location"] == "/report/immediate-danger"
    page = client.get("/report/immediate-danger").get_data(as_text=True)
    assert "Call 999 now" in page
    assert "Dev Dsl" in page
    assert 'href="/report/kind"' in page


def test_the_start_page_and_the_kinds_of_concern(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    start = client.get("/report").get_data(as_text=True)
    assert "Raise a concern" in start and "Is a child in immediate danger?" in start
    nav = client.get("/").get_data(as_text=True)
    assert 'href="/report"' in nav and 'href="/report/yours"' in nav
    post_form(client, "/report", {"immediate_danger": "no"})
    kinds = client.get("/report/kind").get_data(as_text=True)
    for label in (
        "A concern about another adult who works with children here",
        "A concern about myself (self-referral)",
        "Whistleblowing: wrongdoing in the school",
        "code of conduct 5.1",
        "code of conduct 5.2",
        "code of conduct 5.3",
    ):
        assert label in kinds
    assert 'href="/whistleblowing"' in kinds


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    for url in ("/report/kind", "/report/person", "/report/questions", "/report/details", "/report/check"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/report", url
    post_form(client, "/report", {"immediate_danger": "no"})
    assert client.get("/report/check").headers["Location"] == "/report/kind"


def test_the_draft_is_sealed_in_the_database_and_survives_a_sign_in_timeout(
    app: Flask, people: dict[str, User]
) -> None:
    import datetime as dt

    from sqlalchemy import update

    from casetracker.models import ReportDraft

    client = signed_in(app, people["ta"])
    post_form(client, "/report", {"immediate_danger": "no"})
    post_form(client, "/report/kind", {"concern": "colleague"})
    post_form(client, "/report/person", {"person": str(people["teacher"].person_id)})
    post_form(client, "/report/questions", ALL_NO)
    post_form(client, "/report/details", details())
    with app.app_context():
        sealed = " ".join(json.dumps(row.sealed) for row in db.session.scalars(select(ReportDraft)))
        sessions = " ".join(row.data for row in db.session.scalars(select(WebSession)))
        assert sealed
        for secret in ("locked room", "Amira", str(people["teacher"].person_id)):
            assert secret not in sealed and secret not in sessions
        # The session times out...
        old = utcnow() - dt.timedelta(hours=1)
        db.session.execute(update(WebSession).values(last_seen_at=old))
        db.session.commit()
    assert client.get("/report/check").status_code == 302  # signed out
    # ...and after signing in again the answers are all still there.
    again = signed_in(app, people["ta"])
    page = again.get("/report/check").get_data(as_text=True)
    assert "locked room" in page


# Validation --------------------------------------------------------------------------------------


def assert_error(response: Any, *messages: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert ERROR_SUMMARY in page and "There is a problem" in page
    assert "<title>Error:" in page
    for message in messages:
        assert message in page, message


def test_every_page_explains_what_is_wrong(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    assert_error(post_form(client, "/report", {}), "Select yes if a child is in immediate danger")
    assert_error(post_form(client, "/report", {"immediate_danger": "maybe"}), "Select yes if a child")
    post_form(client, "/report", {"immediate_danger": "no"})
    # An earlier answer fills the page, but a post is judged only on what it sends.
    assert 'value="no" checked' in client.get("/report").get_data(as_text=True)
    assert_error(post_form(client, "/report", {}), "Select yes if a child is in immediate danger")
    assert_error(post_form(client, "/report/kind", {}), "Select what you want to tell us about")
    assert_error(post_form(client, "/report/kind", {"concern": "gossip"}), "Select what you want to tell us about")
    post_form(client, "/report/kind", {"concern": "colleague"})
    assert_error(post_form(client, "/report/person", {}), "Select the person, or select")
    assert_error(post_form(client, "/report/person", {"person": str(uuid.uuid4())}), "Select a person from the list")
    assert_error(
        post_form(client, "/report/person", {"person": str(people["ta"].person_id)}), "Select a person from the list"
    )
    post_form(client, "/report/person", {"person": "not_listed"})
    assert_error(
        post_form(client, "/report/person/not-listed", {"name": "  "}),
        "Enter their name",
        "Enter their role or relationship to the school",
        "Select how they work with the school",
    )
    post_form(client, "/report/person", {"person": str(people["teacher"].person_id)})
    assert_error(post_form(client, "/report/questions", {}), "Select whether the person has harmed a child")
    assert_error(
        post_form(client, "/report/questions", ALL_NO | {"criminal_offence": "perhaps"}),
        "Select whether the person might have committed a crime",
    )
    post_form(client, "/report/questions", ALL_NO)
    assert_error(post_form(client, "/report/details", {}), "Enter what happened", "Enter the date it happened")
    tomorrow = london_today() + dt.timedelta(days=1)
    assert_error(
        post_form(
            client, "/report/details", details(date=[str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)])
        ),
        "Date it happened must be today or in the past",
    )
    assert_error(post_form(client, "/report/details", details(date=["31", "2", "2024"])), "must be a real date")
    assert_error(post_form(client, "/report/details", details(time="25:61")), "Enter the time using the 24-hour clock")
    assert_error(
        post_form(client, "/report/details", details(what_happened="x" * 10_001)),
        "What happened must be 10,000 characters or fewer",
    )
    # Nothing was filed.
    with app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_whistleblowing_asks_what_kind_of_wrongdoing(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    post_form(client, "/report", {"immediate_danger": "no"})
    post_form(client, "/report/kind", {"concern": "whistleblowing"})
    assert_error(post_form(client, "/report/person", {"involved": ["someone"]}), "Select people from the list")
    post_form(client, "/report/person", {})
    post_form(client, "/report/questions", ALL_NO)
    assert_error(post_form(client, "/report/details", details()), "Select what kind of wrongdoing it is")


def test_changing_an_answer_returns_to_check_answers(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    post_form(client, "/report", {"immediate_danger": "no"})
    post_form(client, "/report/kind", {"concern": "colleague"})
    post_form(client, "/report/person", {"person": str(people["teacher"].person_id)})
    post_form(client, "/report/questions", ALL_NO)
    post_form(client, "/report/details", details())
    check = client.get("/report/check").get_data(as_text=True)
    assert 'href="/report/questions?check=1"' in check and 'href="/report/details?check=1"' in check
    response = post_form(client, "/report/details?check=1", details(where="The hall"))
    assert response.headers["Location"] == "/report/check"
    assert "The hall" in client.get("/report/check").get_data(as_text=True)
    # Changing what it is about asks who again, then comes back.
    response = post_form(client, "/report/kind?check=1", {"concern": "whistleblowing"})
    assert response.headers["Location"] == "/report/person?check=1"
    response = post_form(client, "/report/person?check=1", {})
    assert response.headers["Location"] == "/report/details?check=1"  # the kind of wrongdoing is now needed


# Following your reports --------------------------------------------------------------------------


def test_reporters_see_only_their_own_reports_in_three_words(app: Flask, people: dict[str, User]) -> None:
    ta = signed_in(app, people["ta"])
    mine = case_by_reference(
        app, reference_in(raise_concern(ta, "colleague", who={"person": str(people["teacher"].person_id)}))
    )
    teacher = signed_in(app, people["teacher"])
    theirs = case_by_reference(app, reference_in(raise_concern(teacher, "self")))
    yours = ta.get("/report/yours").get_data(as_text=True)
    assert mine.reference in yours and theirs.reference not in yours
    assert "Received" in yours
    assert ta.get(f"/report/yours/{theirs.id}").status_code == 404
    assert ta.get(f"/report/yours/{uuid.uuid4()}").status_code == 404
    with app.app_context():
        for status, word in (("open", "Being looked at"), ("awaiting_lado", "Being looked at"), ("closed", "Closed")):
            db.session.get(Case, mine.id).status = status
            db.session.commit()
            assert word in ta.get("/report/yours").get_data(as_text=True)
            page = ta.get(f"/report/yours/{mine.id}").get_data(as_text=True)
            assert word in page
            assert "awaiting_lado" not in page


def test_a_reporter_sees_what_they_sent_and_messages_but_not_the_investigation(
    app: Flask, people: dict[str, User]
) -> None:
    ta = signed_in(app, people["ta"])
    case = case_by_reference(
        app,
        reference_in(
            raise_concern(
                ta,
                "colleague",
                who={"person": str(people["teacher"].person_id)},
                threshold=ALL_NO | {"harmed_a_child": "yes"},
            )
        ),
    )
    with app.app_context():
        stored = db.session.get(Case, case.id)
        case_store.add_entry(
            stored,
            "note",
            {"text": "Fictional: LADO consulted, strategy meeting booked."},
            occurred_at=utcnow(),
            author=None,
        )
        case_store.add_message(stored, "to_reporter", {"text": "Thank you, we are looking into it."})
        case_store.add_message(stored, "from_reporter", {"text": "Fictional: an earlier note from the reporter."})
        db.session.commit()
    page = ta.get(f"/report/yours/{case.id}").get_data(as_text=True)
    assert "kept a pupil behind alone in a locked room" in page
    assert "Amira Fictional (Year 3)" in page
    assert "Thank you, we are looking into it." in page
    assert "LADO consulted" not in page
    assert "Routed to" not in page and "routed" not in page.lower()
    assert "an earlier note from the reporter" not in page
    with app.app_context():
        viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.viewed")).all()
        assert viewed and viewed[-1].case_id == case.id


def test_further_information_is_appended_and_the_original_is_unchanged(app: Flask, people: dict[str, User]) -> None:
    ta = signed_in(app, people["ta"])
    case = case_by_reference(
        app, reference_in(raise_concern(ta, "colleague", who={"person": str(people["teacher"].person_id)}))
    )
    with app.app_context():
        original = db.session.scalars(select(Report).where(Report.case_id == case.id)).one()
        original_id, original_answers, original_blob = original.id, original.answers, original.answers_enc
    url = f"/report/yours/{case.id}"
    assert_error(post_form(ta, url, {"information": "   "}), "Enter the further information")
    app.extensions["outbox"] = []
    response = post_form(ta, url, {"information": "Fictional: it happened again on Friday."})
    assert response.status_code == 302 and response.headers["Location"] == url
    with app.app_context():
        reports = db.session.scalars(
            select(Report).where(Report.case_id == case.id).order_by(Report.submitted_at)
        ).all()
        assert len(reports) == 2
        assert reports[0].id == original_id
        assert reports[0].answers == original_answers and reports[0].answers_enc == original_blob
        assert reports[1].answers == {"further_information": "Fictional: it happened again on Friday."}
        assert reports[1].reporter_index == reports[0].reporter_index
        entries = db.session.scalars(
            select(ChronologyEntry).where(ChronologyEntry.case_id == case.id).order_by(ChronologyEntry.seq)
        ).all()
        assert entries[-1].body["type"] == "further_information"
        assert db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "report.further_information", AuditEvent.case_id == case.id)
        ).one()
        assert audit.verify().intact
    outbox = app.extensions["outbox"]
    assert case.case_manager_office == "dsl"  # a low-level concern, under the school's default policy
    assert [message["To"] for message in outbox] == [people["dsl"].email]
    assert "happened again" not in outbox[0].get_content()
    page = ta.get(url).get_data(as_text=True)
    assert "it happened again on Friday" in page and "Further information" in page
    # Someone else cannot add to it.
    teacher = signed_in(app, people["teacher"])
    assert teacher.post(url, data={"information": "x"}).status_code in (400, 404)


# Every page ---------------------------------------------------------------------------------------


def test_every_reporting_page_has_exit_this_page(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["ta"])
    pages = ["/report", "/report/immediate-danger", "/report/yours"]
    post_form(client, "/report", {"immediate_danger": "no"})
    pages.append("/report/kind")
    post_form(client, "/report/kind", {"concern": "colleague"})
    pages.append("/report/person?q=tess")
    post_form(client, "/report/person", {"person": "not_listed"})
    pages.append("/report/person/not-listed")
    post_form(
        client,
        "/report/person/not-listed",
        {"name": "Pat Coach", "role": "Coach", "organisation": "", "relationship": "other"},
    )
    pages.append("/report/questions")
    post_form(client, "/report/questions", ALL_NO)
    pages += ["/report/what-happens-next", "/report/details"]
    post_form(client, "/report/details", details())
    pages.append("/report/check")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert EXIT_THIS_PAGE in page and NEUTRAL_SITE in page, url
    post_form(client, "/report/check", {})
    sent = client.get("/report/sent").get_data(as_text=True)
    assert EXIT_THIS_PAGE in sent
    case = case_by_reference(app, reference_in(sent))
    assert EXIT_THIS_PAGE in client.get(f"/report/yours/{case.id}").get_data(as_text=True)


HOSTILE = [
    "",
    " ",
    "x" * 20_001,
    "%_\\'\"; DROP TABLE person; --",
    "<script>alert(1)</script>",
    "{{ 7 * 7 }}",
    "مرحبا 👋",
    "99999999999999999999",
    str(uuid.uuid4()),
]


def test_hostile_answers_are_refused_with_an_explanation_or_taken(app: Flask, people: dict[str, User]) -> None:
    """Never a 500: each page either takes the answer (a redirect on the site) or explains the problem."""
    client = signed_in(app, people["ta"])
    steps: list[tuple[str, dict[str, Any], list[str]]] = [
        ("/report", {"immediate_danger": "no"}, ["immediate_danger"]),
        ("/report/kind", {"concern": "colleague"}, ["concern"]),
        ("/report/person", {"person": "not_listed"}, ["person"]),
        (
            "/report/person/not-listed",
            {"name": "Pat", "role": "Coach", "organisation": "", "relationship": "other"},
            ["name", "role", "organisation", "relationship"],
        ),
        ("/report/questions", ALL_NO, list(ALL_NO)),
        ("/report/details", details(), ["what_happened", "date", "time", "where", "children", "non_recent"]),
    ]
    for url, good, names in steps:
        for name in names:
            for value in HOSTILE:
                for sent in (value, [value, value], [value] * 4):
                    response = post_form(client, url, {**good, name: sent})
                    page = response.get_data(as_text=True)
                    assert response.status_code in (200, 302), (url, name, value[:20], response.status_code)
                    if response.status_code == 200:
                        assert ERROR_SUMMARY in page, (url, name, value[:20])
                    else:
                        assert response.headers["Location"].startswith("/report"), response.headers["Location"]
                    assert "<script>alert" not in page
        assert post_form(client, url, good).status_code == 302
    for value in HOSTILE:
        response = client.get("/report/person", query_string={"q": value, "check": value})
        assert response.status_code == 200
        assert "<script>alert" not in response.get_data(as_text=True)
