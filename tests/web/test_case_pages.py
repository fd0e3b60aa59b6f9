"""Case pages: the case manager and collaborators see a case; everyone else gets a 404 with no trace."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casetracker.domain.people import Office, RelationshipNature, Role
from casetracker.domain.reports import HARM_THRESHOLD_QUESTION_IDS, ReportKind, ThresholdAnswer
from casetracker.extensions import db
from casetracker.models import AuditEvent, Case, Person, User
from casetracker.services import declarations, offices, reporting
from tests.conftest import make_user, post_form, sign_in
from tests.services.test_reporting import actor_of

SECRET_TEXT = "Fictional narrative QXJ about the corridor"


def school(app: Flask) -> dict[str, User]:
    return {
        "head": make_user(app, "Hattie Head", office=Office.HEADTEACHER),
        "dsl": make_user(app, "Dara Dsl", office=Office.DSL),
        "chair": make_user(app, "Cass Chair", office=Office.CHAIR, roles=(Role.GOVERNOR,)),
        "vice": make_user(app, "Vina Vice", office=Office.VICE_CHAIR, roles=(Role.GOVERNOR,)),
        "dpo": make_user(app, "Drew Dpo", office=Office.DATA_PROTECTION_OFFICER),
        "admin": make_user(app, "Ari Admin", roles=(Role.STAFF, Role.ADMINISTRATOR)),
        "governor": make_user(app, "Gil Governor", roles=(Role.GOVERNOR,)),
        "reporter": make_user(app, "Rae Reporter"),
        "subject": make_user(app, "Sid Subject"),
        "implicated": make_user(app, "Ivo Implicated"),
        "collaborator": make_user(app, "Col Laborator", two_factor=True),  # everyone who sees a case uses it
        "stranger": make_user(app, "Sten Stranger"),
        "deactivated": make_user(app, "Dee Activated"),
    }


def file_case(app: Flask, people: dict[str, User], subject: str = "subject") -> uuid.UUID:
    with app.test_request_context():
        receipt = reporting.submit(
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.ALLEGATION,
                answers={"what_happened": SECRET_TEXT},
                threshold_answers=dict.fromkeys(HARM_THRESHOLD_QUESTION_IDS, ThresholdAnswer.YES),
                subject_person_id=people[subject].person_id,
                implicated_person_ids=(people["implicated"].person_id,),
            ),
        )
        return receipt.case_id


RELATIONS = {
    "case manager": "head",
    "collaborator": "collaborator",
    "subject": "subject",
    "implicated": "implicated",
    "reporter": "reporter",
    "stranger": "stranger",
    "administrator": "admin",
    "governor": "governor",
    "chair (not routed to them)": "chair",
    "vice-chair": "vice",
    "data-protection officer": "dpo",
    "DSL (not a collaborator)": "dsl",
    # Relations issue 16 adds (each set up in `arrange` below).
    "acting head covering for the subject": "acting head",
    "head who declared a relationship after the case opened": "head",
    "data-protection officer who is the subject": "dpo",
    "implicated reporter": "reporter",
    "collaborator whose email was changed": "collaborator",
}

# Every route that names a case, and the relations for which it is not a 404. A new case route
# must be added here, or the test fails: nothing about cases is reachable by accident.
ALLOWED = {
    ("cases.show_case", "GET"): {"case manager", "collaborator", "collaborator whose email was changed"},
    ("cases.choose_collaborator", "GET"): {"case manager"},
    ("cases.add_collaborator", "POST"): {"case manager"},
    ("cases.remove_collaborator", "POST"): {"case manager"},
    ("cases.choose_implicated", "GET"): {"case manager"},
    ("cases.implicate_person", "POST"): {"case manager"},
    ("cases.send_message", "POST"): {"case manager"},
    ("cases.download_attachment", "GET"): set(),  # (a made-up attachment id: 404 for everyone)
    ("cases.choose_entry", "GET"): {"case manager"},
    ("cases.choose_entry", "POST"): {"case manager"},
    ("cases.new_entry", "GET"): {"case manager"},
    ("cases.new_entry", "POST"): {"case manager"},
    ("cases.correct_entry", "GET"): set(),  # (a made-up entry id: 404 for everyone)
    ("cases.correct_entry", "POST"): set(),
    ("cases.reclassify", "GET"): {"case manager"},
    ("cases.reclassify", "POST"): {"case manager"},
    ("cases.close_case", "GET"): {"case manager"},
    ("cases.close_case", "POST"): {"case manager"},
    ("cases.export_chronology", "GET"): {"case manager"},
    ("cases.export_chronology", "POST"): {"case manager"},
    ("cases.access_history", "GET"): {"case manager"},
    ("cases.destroy_case", "GET"): {"case manager"},
    ("cases.destroy_case", "POST"): {"case manager"},
    ("report.show_report", "GET"): {"reporter", "implicated reporter"},  # the latter sees only "Received"
    ("report.show_report", "POST"): {"reporter"},
}


def case_routes(app: Flask) -> list[tuple[str, str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "case_id" not in rule.arguments:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((rule.endpoint, method, rule.rule))
    return routes


def test_every_case_route_is_in_the_access_matrix(app: Flask) -> None:
    assert {(endpoint, method) for endpoint, method, _ in case_routes(app)} == set(ALLOWED)


def arrange(app: Flask, people: dict[str, User], relation: str) -> tuple[uuid.UUID, FlaskClient]:
    """The case the relation is about, and a client signed in as the person in that relation."""
    subject = {"acting head covering for the subject": "head", "data-protection officer who is the subject": "dpo"}
    case_id = file_case(app, people, subject=subject.get(relation, "subject"))
    manager = app.test_client()
    sign_in(
        manager, people["chair" if subject.get(relation) == "head" else "head"]
    )  # a case about the head is the chair's
    post_form(
        manager,
        f"/cases/{case_id}/collaborators",
        {"collaborator-person": str(people["collaborator"].id)},
        token_from=f"/cases/{case_id}",
    )
    if relation == "acting head covering for the subject":
        people["acting head"] = make_user(app, "Ace Acting", two_factor=True)
        with app.app_context():
            person = db.session.get(Person, people["acting head"].person_id)
            offices.assign_from_command_line(person, Office.HEADTEACHER, is_acting=True)
            db.session.commit()
    if relation == "head who declared a relationship after the case opened":
        with app.test_request_context():
            declarations.declare_relationship(
                actor_of(app, people["head"]), people["subject"].person_id, RelationshipNature.CLOSE_FRIEND
            )
    if relation == "implicated reporter":
        post_form(
            manager,
            f"/cases/{case_id}/implicated",
            {"implicate-person": str(people["reporter"].person_id)},
            token_from=f"/cases/{case_id}",
        )
    if relation == "collaborator whose email was changed":
        changed = "col.new@larkrise.example"
        with app.test_request_context():
            request = offices.request_change(
                actor_of(app, people["admin"]),
                offices.NewRequest(
                    offices.RequestKind.CHANGE_EMAIL,
                    target_person_id=people["collaborator"].person_id,
                    new_email=changed,
                ),
            )
            assert request is not None
            offices.confirm_request(actor_of(app, people["dsl"]), request)
        people["collaborator"].email = changed
    who = RELATIONS[relation]
    if who == "head" and relation == "case manager":
        return case_id, manager
    client = app.test_client()
    sign_in(client, people[who])
    return case_id, client


@pytest.mark.parametrize("relation", sorted(RELATIONS))
def test_access_matrix(app: Flask, relation: str) -> None:
    people = school(app)
    case_id, client = arrange(app, people, relation)
    with app.app_context():
        reference = db.session.get(Case, case_id).reference
    for endpoint, method, rule in case_routes(app):
        url = rule.replace("<uuid:case_id>", str(case_id))
        url = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), url).replace("<entry_type>", "note")
        if method == "GET":
            response = client.get(url)
        else:
            response = post_form(client, url, {"text": "Hello", "further_information": "More"}, token_from="/account")
        allowed = relation in ALLOWED[(endpoint, method)]
        if allowed:
            assert response.status_code != 404, (relation, endpoint, method)
        else:
            assert response.status_code == 404, (relation, endpoint, method, response.status_code)
            body = response.get_data(as_text=True)
            assert SECRET_TEXT not in body and reference not in body, (relation, endpoint)
    inbox = client.get("/cases").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    yours = client.get("/report/yours").get_data(as_text=True)
    if relation in ("case manager", "collaborator", "collaborator whose email was changed"):
        assert reference in inbox
        page = client.get(f"/cases/{case_id}").get_data(as_text=True)
        assert SECRET_TEXT in page and "OFFICIAL-SENSITIVE" in page
    else:
        assert reference not in inbox
    if relation in ("reporter", "implicated reporter"):
        assert reference in yours
    else:
        assert reference not in yours
    if relation == "implicated reporter":
        page = client.get(f"/report/yours/{case_id}").get_data(as_text=True)
        assert SECRET_TEXT not in page and "Being looked at" not in page
    assert SECRET_TEXT not in home


def test_a_deactivated_account_sees_nothing(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    client = app.test_client()
    sign_in(client, people["head"])
    with app.app_context():
        db.session.get(User, people["head"].id).is_active = False
        db.session.commit()
    assert client.get(f"/cases/{case_id}").status_code == 302  # signed out at once


def test_viewing_is_audited_before_the_page_is_shown(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    client = app.test_client()
    sign_in(client, people["head"])
    client.get(f"/cases/{case_id}")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "case.viewed")).one()
        assert event.actor_user_id == people["head"].id and event.case_id == case_id


def test_marking_the_case_manager_implicated_moves_the_case_to_the_chair(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    response = post_form(
        head,
        f"/cases/{case_id}/implicated",
        {"implicate-person": str(people["head"].person_id)},
        token_from=f"/cases/{case_id}",
    )
    assert response.status_code == 302
    assert head.get(f"/cases/{case_id}").status_code == 404
    chair = app.test_client()
    sign_in(chair, people["chair"])
    page = chair.get(f"/cases/{case_id}").get_data(as_text=True)
    assert SECRET_TEXT in page
    assert "implicated" in page


def test_the_case_manager_finds_a_collaborator_by_searching_not_from_a_list_of_everyone(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    case_page = head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Sten Stranger" not in case_page  # the directory is not listed on the case page
    assert head.get(f"/cases/{case_id}/collaborators/add").status_code == 200
    found = head.get(f"/cases/{case_id}/collaborators/add?q=laborat").get_data(as_text=True)
    assert "Col Laborator" in found and "Sten Stranger" not in found
    assert f'name="collaborator-person" value="{people["collaborator"].id}"' in found
    added = post_form(
        head,
        f"/cases/{case_id}/collaborators",
        {"collaborator-person": str(people["collaborator"].id)},
        token_from=f"/cases/{case_id}/collaborators/add?q=laborat",
    )
    assert added.status_code == 302
    collaborator = app.test_client()
    sign_in(collaborator, people["collaborator"])
    assert SECRET_TEXT in collaborator.get(f"/cases/{case_id}").get_data(as_text=True)
    nobody = head.get(f"/cases/{case_id}/implicated/add?q=zzzz").get_data(as_text=True)
    assert "No one in the staff directory has a name or email address containing ‘zzzz’" in nobody


def test_someone_without_an_account_can_be_marked_implicated_but_not_added_as_a_collaborator(app: Flask) -> None:
    from casetracker.services import people as directory

    people = school(app)
    case_id = file_case(app, people)
    with app.app_context():
        visitor = directory.add_person(None, directory.PersonDetails("Vic Visitor", None, "Sports coach"))
        visitor_id = visitor.id
    head = app.test_client()
    sign_in(head, people["head"])
    as_collaborator = head.get(f"/cases/{case_id}/collaborators/add?q=visitor").get_data(as_text=True)
    assert "Vic Visitor" in as_collaborator and "No active account" in as_collaborator
    as_implicated = head.get(f"/cases/{case_id}/implicated/add?q=visitor").get_data(as_text=True)
    assert f'name="implicate-person" value="{visitor_id}"' in as_implicated


def test_the_case_manager_writes_to_the_reporter(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    head = app.test_client()
    sign_in(head, people["head"])
    empty = post_form(head, f"/cases/{case_id}/messages", {"text": ""}, token_from=f"/cases/{case_id}")
    assert "There is a problem" in empty.get_data(as_text=True)
    app.extensions["outbox"] = []
    sent = post_form(
        head,
        f"/cases/{case_id}/messages",
        {"text": "Can you tell me who else was there?"},
        token_from=f"/cases/{case_id}",
    )
    assert sent.status_code == 302
    (email,) = app.extensions["outbox"]
    assert email["To"] == people["reporter"].email
    assert "who else" not in email.get_content()


def test_the_inbox_shows_the_lado_deadline_for_a_potential_allegation(app: Flask) -> None:
    people = school(app)
    file_case(app, people)
    client = app.test_client()
    sign_in(client, people["head"])
    page = client.get("/cases").get_data(as_text=True)
    assert "Consult the LADO by" in page
    assert "at 11:59pm" in page
    assert "Under 1 month" in page


def test_the_case_manager_sees_who_reported_and_a_whistleblower_stays_hidden_from_collaborators(app: Flask) -> None:
    people = school(app)
    case_id = file_case(app, people)
    with app.test_request_context():
        wb = reporting.submit(
            actor_of(app, people["reporter"]),
            reporting.Submission(
                kind=ReportKind.WHISTLEBLOWING, answers={"what_happened": "Fictional records changed"}
            ),
        )
    head = app.test_client()
    sign_in(head, people["head"])
    assert "Reported by Rae Reporter" in head.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Reported by Rae Reporter" in head.get(f"/cases/{wb.case_id}").get_data(as_text=True)
    post_form(
        head,
        f"/cases/{wb.case_id}/collaborators",
        {"collaborator-person": str(people["collaborator"].id)},
        token_from=f"/cases/{wb.case_id}",
    )
    helper = app.test_client()
    sign_in(helper, people["collaborator"])
    page = helper.get(f"/cases/{wb.case_id}").get_data(as_text=True)
    assert "Fictional records changed" in page
    assert "Rae Reporter" not in page
