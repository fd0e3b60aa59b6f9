"""Offices through the browser: the administrator asks, another office-holder confirms."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casetracker.domain.people import Office, Role
from casetracker.extensions import db
from casetracker.models import ConfirmationRequest, OfficeHolding, RelationshipDeclaration, User
from tests.conftest import make_user, post_form, sign_in


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def current_holders(app: Flask, office: Office, *, acting: bool = False) -> list[uuid.UUID]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(OfficeHolding.person_id).where(
                    OfficeHolding.office == office.value,
                    OfficeHolding.is_acting == acting,
                    OfficeHolding.ended_at.is_(None),
                )
            )
        )


def only_pending_request(app: Flask) -> ConfirmationRequest:
    with app.app_context():
        (request,) = db.session.scalars(select(ConfirmationRequest).where(ConfirmationRequest.status == "pending"))
        db.session.expunge(request)
        return request


@pytest.fixture()
def people(app: Flask) -> dict[str, User]:
    return {
        "admin": make_user(app, "Ava Admin", roles=(Role.STAFF, Role.ADMINISTRATOR)),
        "head": make_user(app, "Hal Head", office=Office.HEADTEACHER),
        "dsl": make_user(app, "Dina Dsl", office=Office.DSL),
        "chair": make_user(app, "Cora Chair", office=Office.CHAIR),
        "teacher": make_user(app, "Tom Teacher"),
    }


def appoint(client: FlaskClient, person: User, office: Office, appointment: str = "substantive"):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        "/admin/offices/appoint",
        {"office": office.value, "person": str(person.person_id), "appointment": appointment},
    )


def test_administrator_cannot_make_themself_headteacher_without_a_second_office_holder(
    app: Flask, people: dict[str, User]
) -> None:
    admin = signed_in(app, people["admin"])
    response = appoint(admin, people["admin"], Office.HEADTEACHER)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/offices"
    page = admin.get("/admin/offices").get_data(as_text=True)
    assert "waiting for another office-holder to confirm it" in page
    assert current_holders(app, Office.HEADTEACHER) == [people["head"].person_id]

    request = only_pending_request(app)
    # The administrator holds no office: the office-holders' pages are not theirs.
    assert admin.get("/office-changes").status_code == 403
    confirm = post_form(admin, f"/office-changes/{request.id}/confirm", {}, token_from="/account")
    assert confirm.status_code == 403
    assert current_holders(app, Office.HEADTEACHER) == [people["head"].person_id]


def test_an_administrator_who_holds_an_office_cannot_confirm_their_own_request(app: Flask) -> None:
    admin = make_user(app, "Ada Admin", roles=(Role.STAFF, Role.ADMINISTRATOR), office=Office.DSL)
    make_user(app, "Hal Head", office=Office.HEADTEACHER)
    teacher = make_user(app, "Tom Teacher")
    client = signed_in(app, admin)
    appoint(client, teacher, Office.CHAIR)
    request = only_pending_request(app)
    assert "Cancel this request" in client.get(f"/office-changes/{request.id}").get_data(as_text=True)
    response = post_form(client, f"/office-changes/{request.id}/confirm", {}, token_from="/account")
    assert response.status_code == 404
    assert current_holders(app, Office.CHAIR) == []


def test_the_target_cannot_confirm_and_another_office_holder_can(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    appoint(admin, people["chair"], Office.HEADTEACHER)
    request = only_pending_request(app)

    chair = signed_in(app, people["chair"])
    assert str(request.id) not in chair.get("/office-changes").get_data(as_text=True)
    assert chair.get(f"/office-changes/{request.id}").status_code == 404
    assert post_form(chair, f"/office-changes/{request.id}/confirm", {}, token_from="/account").status_code == 404
    assert current_holders(app, Office.HEADTEACHER) == [people["head"].person_id]

    dsl = signed_in(app, people["dsl"])
    listing = dsl.get("/office-changes").get_data(as_text=True)
    assert f"/office-changes/{request.id}" in listing
    page = dsl.get(f"/office-changes/{request.id}").get_data(as_text=True)
    assert "Cora Chair" in page and "Ava Admin" in page and "Confirm" in page
    response = post_form(dsl, f"/office-changes/{request.id}/confirm", {}, token_from=f"/office-changes/{request.id}")
    assert response.status_code == 302
    assert current_holders(app, Office.HEADTEACHER) == [people["chair"].person_id]

    overview = admin.get("/admin/offices").get_data(as_text=True)
    history = overview.split("Office history", 1)[1]
    assert "Hal Head" in history and "Headteacher" in history
    # Decided requests are gone from the office-holders' pages.
    assert dsl.get(f"/office-changes/{request.id}").status_code == 404


def test_an_office_holder_rejects_a_change(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    appoint(admin, people["teacher"], Office.DSL)
    request = only_pending_request(app)
    chair = signed_in(app, people["chair"])
    response = post_form(chair, f"/office-changes/{request.id}/reject", {}, token_from=f"/office-changes/{request.id}")
    assert response.status_code == 302
    assert current_holders(app, Office.DSL) == [people["dsl"].person_id]
    with app.app_context():
        assert db.session.get(ConfirmationRequest, request.id).status == "rejected"  # type: ignore[union-attr]


def test_administrator_cannot_reset_the_heads_two_factor_or_email_alone(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    head = people["head"]
    url = f"/admin/people/{head.person_id}/credentials"
    page = admin.get(url).get_data(as_text=True)
    assert "Another office-holder must confirm" in page
    assert post_form(admin, url, {"kind": "reset_two_factor"}).status_code == 302
    assert post_form(admin, url, {"kind": "change_email", "new_email": "hal@larkrise.example"}).status_code == 302
    with app.app_context():
        user = db.session.get(User, head.id)
        assert user is not None and user.totp_secret == head.totp_secret and user.email == head.email
        pending = db.session.scalars(select(ConfirmationRequest).order_by(ConfirmationRequest.requested_at)).all()
        assert [r.kind for r in pending] == ["reset_two_factor", "change_email"]
        ids = [r.id for r in pending]

    # The head cannot confirm changes to their own account; the DSL can.
    head_client = signed_in(app, head)
    assert head_client.get(f"/office-changes/{ids[0]}").status_code == 404
    dsl = signed_in(app, people["dsl"])
    for request_id in ids:
        response = post_form(
            dsl, f"/office-changes/{request_id}/confirm", {}, token_from=f"/office-changes/{request_id}"
        )
        assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, head.id)
        assert user is not None and user.totp_secret is None and user.email == "hal@larkrise.example"
    # Their sessions ended with the change.
    assert head_client.get("/").status_code == 302


def test_every_office_holder_is_emailed_with_no_names_or_content(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    app.extensions["outbox"].clear()
    appoint(admin, people["teacher"], Office.DSL)
    outbox = app.extensions["outbox"]
    assert sorted(m["To"] for m in outbox) == sorted(people[k].email for k in ("head", "dsl", "chair"))
    for message in outbox:
        text = message.as_string()
        assert "/office-changes" in text
        for name in ("Tom Teacher", "Ava Admin", "Dina Dsl", people["teacher"].email, "safeguarding lead"):
            assert name not in text


def test_acting_holder_covers_an_absence(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    assert appoint(admin, people["teacher"], Office.HEADTEACHER, "acting").status_code == 302
    request = only_pending_request(app)
    assert request.is_acting
    dsl = signed_in(app, people["dsl"])
    post_form(dsl, f"/office-changes/{request.id}/confirm", {}, token_from=f"/office-changes/{request.id}")
    assert current_holders(app, Office.HEADTEACHER) == [people["head"].person_id]
    assert current_holders(app, Office.HEADTEACHER, acting=True) == [people["teacher"].person_id]
    page = admin.get("/admin/offices").get_data(as_text=True)
    assert "Tom Teacher" in page and "Acting holder" in page


def test_the_administrator_cannot_make_themself_deputy_dsl_alone(app: Flask, people: dict[str, User]) -> None:
    """Finding 7: a deputy DSL is named to every reporter as the person to tell in an emergency."""
    admin = signed_in(app, people["admin"])
    response = appoint(admin, people["admin"], Office.DEPUTY_DSL)
    assert response.status_code == 302
    assert "waiting for another office-holder to confirm it" in admin.get("/admin/offices").get_data(as_text=True)
    assert current_holders(app, Office.DEPUTY_DSL) == []
    reporter = signed_in(app, people["teacher"])
    assert "Ava Admin" not in reporter.get("/report/immediate-danger").get_data(as_text=True)

    dsl = signed_in(app, people["dsl"])
    request = only_pending_request(app)
    assert post_form(dsl, f"/office-changes/{request.id}/confirm", {}, token_from="/account").status_code == 302
    assert current_holders(app, Office.DEPUTY_DSL) == [people["admin"].person_id]
    assert "Ava Admin" in reporter.get("/report/immediate-danger").get_data(as_text=True)  # confirmed now


def test_ending_a_safeguarding_office_waits_for_confirmation(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    with app.app_context():
        holding_id = db.session.scalar(select(OfficeHolding.id).where(OfficeHolding.office == "chair"))
    post_form(admin, f"/admin/offices/{holding_id}/end", {}, token_from="/admin/offices")
    assert current_holders(app, Office.CHAIR) == [people["chair"].person_id]
    assert only_pending_request(app).kind == "end"
    # The administrator may cancel their own request.
    request = only_pending_request(app)
    response = post_form(admin, f"/admin/offices/requests/{request.id}/cancel", {}, token_from="/admin/offices")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ConfirmationRequest, request.id).status == "cancelled"  # type: ignore[union-attr]


def test_the_chair_is_labelled_by_school_type(app: Flask, people: dict[str, User]) -> None:
    from casetracker.models import School

    with app.app_context():
        school = db.session.scalars(select(School)).one()
        school.school_type = "independent"
        db.session.commit()
    admin = signed_in(app, people["admin"])
    assert "Proprietor" in admin.get("/admin/offices").get_data(as_text=True)
    assert "Proprietor" in admin.get("/admin/offices/appoint").get_data(as_text=True)
    with app.app_context():
        db.session.scalars(select(School)).one().school_type = "academy"
        db.session.commit()
    assert "Chair of the trust board" in admin.get("/admin/offices").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select an office"),
        ({"office": "king", "person": "nobody", "appointment": "forever"}, "Select the person to appoint"),
        ({"office": "dsl", "person": "", "appointment": "substantive"}, "Select the person to appoint"),
        ({"office": "dsl", "person": str(uuid.uuid4()), "appointment": "substantive"}, "Select the person to appoint"),
        ({"office": "dsl", "appointment": "substantive"}, "Select the person to appoint"),
    ],
)
def test_appointment_form_errors_explain_themselves(
    app: Flask, people: dict[str, User], data: dict[str, str], message: str
) -> None:
    admin = signed_in(app, people["admin"])
    response = post_form(admin, "/admin/offices/appoint", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert "<title>Error:" in page


def test_appointing_the_current_holder_says_so(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    response = appoint(admin, people["head"], Office.HEADTEACHER)
    assert response.status_code == 200
    assert "This person already holds this office" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select what needs to change"),
        ({"kind": "change_email"}, "Enter the new email address"),
        ({"kind": "change_email", "new_email": "not an email"}, "Enter an email address in the correct format"),
        ({"kind": "delete_everything"}, "Select what needs to change"),
    ],
)
def test_credential_form_errors_explain_themselves(
    app: Flask, people: dict[str, User], data: dict[str, str], message: str
) -> None:
    admin = signed_in(app, people["admin"])
    response = post_form(admin, f"/admin/people/{people['head'].person_id}/credentials", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_an_email_in_use_is_refused_on_the_form(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    response = post_form(
        admin,
        f"/admin/people/{people['head'].person_id}/credentials",
        {"kind": "change_email", "new_email": people["teacher"].email},
    )
    assert response.status_code == 200
    assert "already has this email address" in response.get_data(as_text=True)


def test_credentials_page_for_unknown_people_is_not_found(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    assert admin.get(f"/admin/people/{uuid.uuid4()}/credentials").status_code == 404


@pytest.mark.parametrize("who", ["head", "teacher"])
def test_non_administrators_are_refused_admin_office_pages(app: Flask, people: dict[str, User], who: str) -> None:
    client = signed_in(app, people[who])
    for url in ("/admin/offices", "/admin/offices/appoint", f"/admin/people/{people['head'].person_id}/credentials"):
        assert client.get(url).status_code == 403, url
    assert post_form(client, "/admin/offices/appoint", {}, token_from="/account").status_code == 403


def test_people_without_an_office_are_refused_office_holder_pages(app: Flask, people: dict[str, User]) -> None:
    client = signed_in(app, people["teacher"])
    for url in ("/office-changes", "/declarations", "/declarations/new"):
        assert client.get(url).status_code == 403, url


def test_office_holder_navigation(app: Flask, people: dict[str, User]) -> None:
    page = signed_in(app, people["head"]).get("/").get_data(as_text=True)
    assert "Office changes" in page and "Declarations of interest" in page
    page = signed_in(app, people["admin"]).get("/").get_data(as_text=True)
    assert 'href="/admin/offices"' in page and 'href="/admin/settings"' in page
    assert "Declarations of interest" not in page


def test_appointing_needs_a_recent_sign_in(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    with admin.session_transaction() as session:
        session["authenticated_at"] = "2000-01-01T00:00:00+00:00"
    response = admin.get("/admin/offices/appoint")
    assert response.status_code == 302 and "/confirm-it-is-you" in response.headers["Location"]


# Register of interests --------------------------------------------------------------------------


def test_declarations_are_visible_only_to_their_declarant(app: Flask, people: dict[str, User]) -> None:
    head = signed_in(app, people["head"])
    page = head.get("/declarations/new").get_data(as_text=True)
    assert "Tom Teacher" in page and "Family member" in page
    assert f'value="{people["head"].person_id}"' not in page  # not themself
    response = post_form(
        head,
        "/declarations/new",
        {"person": str(people["teacher"].person_id), "nature": "family", "details": "My brother-in-law"},
    )
    assert response.status_code == 302
    page = head.get("/declarations").get_data(as_text=True)
    assert "Tom Teacher" in page and "My brother-in-law" in page
    with app.app_context():
        declaration_id = db.session.scalar(select(RelationshipDeclaration.id))

    chair = signed_in(app, people["chair"])
    page = chair.get("/declarations").get_data(as_text=True)
    assert "Tom Teacher" not in page and "brother-in-law" not in page
    withdraw = f"/declarations/{declaration_id}/withdraw"
    assert post_form(chair, withdraw, {}, token_from="/account").status_code == 404
    admin = signed_in(app, people["admin"])
    assert "brother-in-law" not in admin.get("/admin/offices").get_data(as_text=True)

    assert post_form(head, withdraw, {}, token_from="/declarations").status_code == 302
    with app.app_context():
        assert db.session.get(RelationshipDeclaration, declaration_id).withdrawn_at is not None  # type: ignore[union-attr]
    assert post_form(head, withdraw, {}, token_from="/account").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select the person you have a relationship with"),
        ({"person": "x", "nature": "y"}, "Select the person you have a relationship with"),
        ({"person": "PERSON"}, "Select what kind of relationship it is"),
        ({"person": "PERSON", "nature": "family", "details": "x" * 2001}, "2000 characters or fewer"),
    ],
)
def test_declaration_form_errors_explain_themselves(
    app: Flask, people: dict[str, User], data: dict[str, str], message: str
) -> None:
    head = signed_in(app, people["head"])
    data = {k: v.replace("PERSON", str(people["teacher"].person_id)) for k, v in data.items()}
    response = post_form(head, "/declarations/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page and message in page


def test_declaring_the_same_person_twice_says_so(app: Flask, people: dict[str, User]) -> None:
    head = signed_in(app, people["head"])
    data = {"person": str(people["teacher"].person_id), "nature": "close_friend"}
    assert post_form(head, "/declarations/new", data).status_code == 302
    response = post_form(head, "/declarations/new", data)
    assert response.status_code == 200
    assert "You have already declared a relationship with this person" in response.get_data(as_text=True)


def test_list_pages_render_every_state(app: Flask, people: dict[str, User]) -> None:
    admin = signed_in(app, people["admin"])
    appoint(admin, people["teacher"], Office.VICE_CHAIR)
    page = admin.get("/admin/offices").get_data(as_text=True)
    assert re.search(r"Appoint to an office: Vice-chair of governors", page)
    assert "Ava Admin" in page
