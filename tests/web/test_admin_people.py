"""The administrator's staff directory and accounts: pages, forms, access, deactivation, import."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from casetracker.domain.people import Office, Role, StaffType
from casetracker.extensions import db
from casetracker.models import AuditEvent, Person, User
from casetracker.services import people
from tests.conftest import PASSWORD, csrf_token, make_user, post_form, sign_in

PERSON = {
    "full_name": "Asha Greenwood",
    "email": "asha.greenwood@larkrise.example",
    "job_title": "Class teacher",
    "staff_type": "employee",
    "employer_name": "",
}
CSV_HEADER = "full_name,email,job_title,staff_type,employer_name,start_date,leave_date,date_of_birth\r\n"


@pytest.fixture()
def admin(app: Flask) -> User:
    return make_user(app, "Ada Admin", roles=(Role.STAFF, Role.ADMINISTRATOR))


@pytest.fixture()
def admin_client(app: Flask, admin: User) -> Iterator[FlaskClient]:
    client = app.test_client()
    sign_in(client, admin)
    yield client


def add_person(app: Flask, name: str = "Asha Greenwood", **details: object) -> uuid.UUID:
    email = details.pop("email", f"{name.lower().replace(' ', '.')}@larkrise.example")
    with app.app_context():
        person = people.add_person(None, people.PersonDetails(name, email, **details))  # type: ignore[arg-type]
        return person.id


def get_user(app: Flask, user_id: uuid.UUID) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        _ = user.role_grants  # loaded now, for .roles after the session ends
        db.session.expunge(user)
        return user


def actions(app: Flask, name: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == name)))


def with_date(data: dict[str, object], name: str, day: str, month: str, year: str) -> dict[str, object]:
    """GOV.UK date inputs post three values under one name."""
    return {**data, name: [day, month, year]}


# Who may use these pages ------------------------------------------------------------------------


def people_rules(app: Flask) -> list[tuple[str, str]]:
    """Every /admin/people URL with each of its methods (a made-up person id where one is needed)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin/people"):
            continue
        url = rule.build({"person_id": uuid.uuid4()} if "person_id" in rule.arguments else {}, append_unknown=False)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url[1]))  # type: ignore[index]
    return found


def test_a_non_administrator_is_refused_every_people_page(app: Flask, client: FlaskClient) -> None:
    staff = make_user(app, "Sol Staff")
    sign_in(client, staff)
    token = csrf_token(client, "/account")
    rules = people_rules(app)
    assert len(rules) >= 15
    for method, url in rules:
        response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert response.status_code == 403, (method, url)
    assert "People" not in client.get("/").get_data(as_text=True)


def test_administrators_see_people_in_the_navigation(admin_client: FlaskClient) -> None:
    page = admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/people"' in page


def test_an_unknown_person_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get(f"/admin/people/{uuid.uuid4()}").status_code == 404
    assert admin_client.get(f"/admin/people/{uuid.uuid4()}/edit").status_code == 404


def test_account_pages_for_a_person_without_an_account_are_not_found(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app)
    for action in ("roles", "deactivate", "reactivate", "reset-two-factor", "invitation"):
        assert admin_client.get(f"/admin/people/{person_id}/account/{action}").status_code == 404


# The list and search ----------------------------------------------------------------------------


def test_the_list_shows_people_and_their_accounts_and_searches(
    app: Flask, admin: User, admin_client: FlaskClient
) -> None:
    add_person(app, "Bryn Supply", job_title="Supply teacher", staff_type=StaffType.SUPPLY, employer_name="Brightway")
    add_person(app, "Cara 100% Cook", email="cara@kitchen.example")
    page = admin_client.get("/admin/people").get_data(as_text=True)
    assert "Bryn Supply" in page and "Supply teacher" in page and "Supply" in page
    assert "Ada Admin" in page and "Active" in page and "No account" in page
    assert 'href="/admin/people/new"' in page and 'href="/admin/people/import"' in page

    by_name = admin_client.get("/admin/people?q=bryn").get_data(as_text=True)
    assert "Bryn Supply" in by_name and "Cara" not in by_name
    by_email = admin_client.get("/admin/people?q=KITCHEN.example").get_data(as_text=True)
    assert "Cara 100% Cook" in by_email and "Bryn" not in by_email
    wildcard = admin_client.get("/admin/people?q=%25").get_data(as_text=True)  # a literal %, not a wildcard
    assert "Cara 100% Cook" in wildcard and "Bryn" not in wildcard
    nothing = admin_client.get("/admin/people?q=zebra")
    assert nothing.status_code == 200
    assert "No one in the directory" in nothing.get_data(as_text=True)
    assert admin_client.get("/admin/people?page=99999999&q=" + "x" * 5000).status_code == 200
    assert admin_client.get("/admin/people?q=a%00b").status_code == 400  # refused before PostgreSQL sees it


def test_the_list_pages_through_a_large_directory(app: Flask, admin_client: FlaskClient) -> None:
    for index in range(people.PEOPLE_PER_PAGE + 5):
        add_person(app, f"Person {index:03d}")
    first = admin_client.get("/admin/people").get_data(as_text=True)
    assert "Person 000" in first and "Person 054" not in first
    assert "govuk-pagination" in first
    second = admin_client.get("/admin/people?page=2").get_data(as_text=True)
    assert "Person 054" in second
    assert admin_client.get("/admin/people?page=abc").status_code == 200


# Adding and changing people ---------------------------------------------------------------------


def test_an_administrator_adds_a_person(app: Flask, admin_client: FlaskClient) -> None:
    data = with_date(PERSON, "start_date", "1", "9", "2024")
    data = with_date(data, "date_of_birth", "14", "3", "1985")
    response = post_form(admin_client, "/admin/people/new", data)  # type: ignore[arg-type]
    assert response.status_code == 302
    with app.app_context():
        person = people.person_by_email(PERSON["email"])
        assert person is not None
        assert person.full_name == "Asha Greenwood"
        assert str(person.start_date) == "2024-09-01"
        assert str(person.date_of_birth) == "1985-03-14"
    assert response.headers["Location"] == f"/admin/people/{person.id}"
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Person added to the directory." in page
    assert "1 September 2024" in page and "14 March 1985" in page
    assert "does not have an account" in page
    assert len(actions(app, "person.created")) == 2  # the administrator's own, and Asha's


BAD_PERSON = [
    pytest.param({"full_name": ""}, "Enter the person&#39;s full name", id="no name"),
    pytest.param({"full_name": "   "}, "Enter the person&#39;s full name", id="only spaces"),
    pytest.param({"full_name": "x" * 201}, "Full name must be 200 characters or fewer", id="long name"),
    pytest.param({"staff_type": ""}, "Select the type of staff", id="no staff type"),
    pytest.param({"staff_type": "pirate"}, "Select the type of staff", id="made-up staff type"),
    pytest.param({"email": "not an email"}, "Enter an email address in the correct format", id="bad email"),
    pytest.param({"staff_type": "agency"}, "Enter the name of the agency or employer", id="agency, no employer"),
    pytest.param({"staff_type": "contractor"}, "Enter the name of the agency or employer", id="contractor"),
    pytest.param({"start_date": ["31", "2", "2026"]}, "Start date must be a real date", id="no such day"),
    pytest.param({"start_date": ["1", "", "2026"]}, "must include a month", id="part of a date"),
    pytest.param({"start_date": ["a", "b", "c"]}, "must be a real date", id="letters for a date"),
    pytest.param({"start_date": ["1"]}, "must include a month and year", id="one date value"),
    pytest.param(
        {"start_date": ["1", "9", "2024"], "leave_date": ["31", "8", "2024"]},
        "Leave date must be the same as or after the start date",
        id="leave before start",
    ),
    pytest.param({"date_of_birth": ["1", "1", "2999"]}, "Date of birth must be in the past", id="born in future"),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_PERSON)
def test_bad_details_re_render_the_form_with_the_error_summary(
    app: Flask, admin_client: FlaskClient, changes: dict[str, object], expected: str
) -> None:
    response = post_form(admin_client, "/admin/people/new", {**PERSON, **changes})  # type: ignore[dict-item]
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "<title>Error: Add a person" in page
    assert expected in page
    with app.app_context():
        assert people.person_by_email(PERSON["email"]) is None


def test_extra_date_values_are_ignored_not_a_500(app: Flask, admin_client: FlaskClient) -> None:
    data = {**PERSON, "start_date": ["1", "2", "2026", "4"]}
    assert post_form(admin_client, "/admin/people/new", data).status_code == 302  # type: ignore[arg-type]
    with app.app_context():
        person = people.person_by_email(PERSON["email"])
        assert person is not None and str(person.start_date) == "2026-02-01"


def test_nul_characters_are_refused_with_a_clear_page_not_a_500(app: Flask, admin_client: FlaskClient) -> None:
    data = {**PERSON, "full_name": "Asha\x00 Greenwood", "job_title": "Teacher\x00"}
    response = post_form(admin_client, "/admin/people/new", data)
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)
    with app.app_context():
        assert people.person_by_email(PERSON["email"]) is None


def test_date_errors_link_to_the_day_input(admin_client: FlaskClient) -> None:
    response = post_form(admin_client, "/admin/people/new", {**PERSON, "start_date": ["31", "2", "2026"]})  # type: ignore[dict-item]
    assert 'href="#start_date-day"' in response.get_data(as_text=True)


def test_an_email_already_in_the_directory_is_refused(app: Flask, admin_client: FlaskClient) -> None:
    add_person(app, "Someone Else", email=PERSON["email"])
    response = post_form(admin_client, "/admin/people/new", {**PERSON, "email": PERSON["email"].upper()})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another person in the directory already has this email address" in page
    assert 'href="#email"' in page


def test_an_administrator_changes_a_persons_details(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app, job_title="Teacher")
    form = admin_client.get(f"/admin/people/{person_id}/edit").get_data(as_text=True)
    assert 'value="Teacher"' in form and 'value="asha.greenwood@larkrise.example"' in form
    data = {**PERSON, "job_title": "Head of science", "staff_type": "supply", "employer_name": "Brightway Supply"}
    response = post_form(admin_client, f"/admin/people/{person_id}/edit", data)
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person is not None
        assert (person.job_title, person.type, person.employer_name) == (
            "Head of science",
            StaffType.SUPPLY,
            "Brightway Supply",
        )
    [changed] = actions(app, "person.changed")
    assert sorted(changed.details["fields"]) == ["employer_name", "job_title", "staff_type"]


def test_an_account_holders_sign_in_email_is_not_changed_on_the_details_form(
    app: Flask, admin_client: FlaskClient
) -> None:
    staff = make_user(app, "Tom Staff")
    url = f"/admin/people/{staff.person_id}/edit"
    page = admin_client.get(url).get_data(as_text=True)
    assert 'name="email"' not in page
    assert "cannot be changed here" in page
    data = {**PERSON, "full_name": "Tom Staff-Jones", "email": "hijack@attacker.example"}
    assert post_form(admin_client, url, data).status_code == 302
    with app.app_context():
        user = db.session.get(User, staff.id)
        assert user is not None
        assert user.person.full_name == "Tom Staff-Jones"
        assert user.email == user.person.email == staff.email


def test_bad_edits_re_render_with_the_error_summary(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app)
    response = post_form(admin_client, f"/admin/people/{person_id}/edit", {**PERSON, "staff_type": "supply"})
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)


# Accounts ---------------------------------------------------------------------------------------


def test_the_person_page_shows_the_account(app: Flask, admin_client: FlaskClient) -> None:
    dsl = make_user(app, "Dee Lead", office=Office.DSL)
    page = admin_client.get(f"/admin/people/{dsl.person_id}").get_data(as_text=True)
    assert "Sign-in email address" in page and dsl.email in page
    assert "Designated safeguarding lead" in page
    assert re.search(r"Two-factor authentication\s*</dt>\s*<dd[^>]*>\s*On", page)
    assert "Deactivate account" in page
    # An office-holder's two-factor is reset only through the two-person rule, not from here.
    assert "/account/reset-two-factor" not in page


def test_creating_an_account_emails_a_link_to_choose_a_password(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app)
    url = f"/admin/people/{person_id}/account/new"
    assert "Create an account" in admin_client.get(url).get_data(as_text=True)
    response = post_form(admin_client, url, {"roles": ["staff", "governor"]})  # type: ignore[dict-item]
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Account created" in page and "Invited" in page
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person is not None and person.user is not None
        assert person.user.roles == {Role.STAFF, Role.GOVERNOR}
        assert person.user.password_hash is None
    [message] = app.extensions["outbox"]
    assert message["To"] == PERSON["email"]
    body = message.get_content()
    assert "Asha" not in body and "Greenwood" not in body and "Larkrise" not in body
    link = re.search(r"http://\S+/reset-password/(\S+)", body)
    assert link
    assert [e.details for e in actions(app, "account.created")][-1] == {"roles": ["governor", "staff"]}
    assert actions(app, "account.invitation_sent")

    # The new account holder chooses a password through the link, then signs in.
    newcomer = app.test_client()
    choose = f"/reset-password/{link.group(1)}"
    assert newcomer.get(choose).status_code == 200
    response = post_form(newcomer, choose, {"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    response = post_form(newcomer, "/sign-in", {"email": PERSON["email"], "password": PASSWORD})
    assert response.status_code == 302
    assert newcomer.get("/").status_code == 200


def test_an_account_needs_at_least_one_role(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app)
    for roles in ([], ["emperor"]):
        response = post_form(admin_client, f"/admin/people/{person_id}/account/new", {"roles": roles})  # type: ignore[dict-item]
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "There is a problem" in page
        assert "Select at least one role" in page or "Select roles from the list" in page
    assert app.extensions["outbox"] == []


def test_a_person_without_an_email_cannot_have_an_account_yet(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app, email=None)
    page = admin_client.get(f"/admin/people/{person_id}/account/new").get_data(as_text=True)
    assert "needs an email address" in page
    response = post_form(
        admin_client, f"/admin/people/{person_id}/account/new", {"roles": ["staff"]}, token_from="/account"
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.person_id == person_id)) == 0


def test_the_invitation_can_be_sent_again(app: Flask, admin_client: FlaskClient) -> None:
    person_id = add_person(app)
    post_form(admin_client, f"/admin/people/{person_id}/account/new", {"roles": ["staff"]})
    first = re.search(r"/reset-password/(\S+)", app.extensions["outbox"][0].get_content())
    response = post_form(admin_client, f"/admin/people/{person_id}/account/invitation", {})
    assert response.status_code == 302
    second = re.search(r"/reset-password/(\S+)", app.extensions["outbox"][1].get_content())
    assert first and second
    client = app.test_client()
    assert client.get(f"/reset-password/{first.group(1)}").status_code == 404  # the old link stops working
    assert client.get(f"/reset-password/{second.group(1)}").status_code == 200


def test_sensitive_account_pages_ask_the_administrator_to_confirm_it_is_them(
    app: Flask, admin_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff = make_user(app, "Una Staff")
    person_id = add_person(app)
    token = csrf_token(admin_client, "/account")
    monkeypatch.setitem(app.config, "REAUTH_MINUTES", -1)  # the sign-in is no longer recent
    for url in (
        f"/admin/people/{person_id}/account/new",
        f"/admin/people/{staff.person_id}/account/roles",
        f"/admin/people/{staff.person_id}/account/deactivate",
        f"/admin/people/{staff.person_id}/account/reactivate",
    ):
        for method in ("GET", "POST"):
            response = admin_client.open(url, method=method, data={"csrf_token": token, "roles": "administrator"})
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/confirm-it-is-you"), (method, url)
    assert get_user(app, staff.id).is_active
    assert get_user(app, staff.id).roles == {Role.STAFF}


def test_an_administrator_changes_roles(app: Flask, admin_client: FlaskClient) -> None:
    staff = make_user(app, "Vic Staff")
    url = f"/admin/people/{staff.person_id}/account/roles"
    assert "checked" in admin_client.get(url).get_data(as_text=True)
    response = post_form(admin_client, url, {"roles": ["staff", "governor"]})  # type: ignore[dict-item]
    assert response.status_code == 302
    assert get_user(app, staff.id).roles == {Role.STAFF, Role.GOVERNOR}
    assert actions(app, "account.changed")[-1].details == {"fields": ["roles"]}
    response = post_form(admin_client, url, {})
    assert response.status_code == 200
    assert "Select at least one role" in response.get_data(as_text=True)


def test_an_administrator_cannot_change_their_own_roles(app: Flask, admin: User, admin_client: FlaskClient) -> None:
    url = f"/admin/people/{admin.person_id}/account/roles"
    token = csrf_token(admin_client, "/account")
    response = admin_client.post(url, data={"csrf_token": token, "roles": ["staff"]})
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot change your own roles" in page
    assert get_user(app, admin.id).roles == {Role.STAFF, Role.ADMINISTRATOR}


def test_deactivating_an_account_ends_its_sessions_at_once(app: Flask, admin_client: FlaskClient) -> None:
    staff = make_user(app, "Wyn Staff")
    staff_client = app.test_client()
    sign_in(staff_client, staff)
    url = f"/admin/people/{staff.person_id}/account/deactivate"
    assert "Deactivate this account" in admin_client.get(url).get_data(as_text=True)
    response = post_form(admin_client, url, {})
    assert response.status_code == 302
    assert "Account deactivated" in admin_client.get(response.headers["Location"]).get_data(as_text=True)

    next_request = staff_client.get("/")
    assert next_request.status_code == 302
    assert next_request.headers["Location"].startswith("/sign-in")
    assert not get_user(app, staff.id).is_active
    assert actions(app, "account.deactivated")
    refused = post_form(staff_client, "/sign-in", {"email": staff.email, "password": PASSWORD})
    assert refused.status_code == 200  # a deactivated account cannot sign in

    response = post_form(admin_client, f"/admin/people/{staff.person_id}/account/reactivate", {})
    assert response.status_code == 302
    assert get_user(app, staff.id).is_active
    sign_in(staff_client, staff)


def test_an_administrator_cannot_deactivate_themself(app: Flask, admin: User, admin_client: FlaskClient) -> None:
    url = f"/admin/people/{admin.person_id}/account/deactivate"
    page = admin_client.get(f"/admin/people/{admin.person_id}").get_data(as_text=True)
    assert "This is your account" in page and url not in page
    token = csrf_token(admin_client, "/account")
    for method in ("GET", "POST"):
        response = admin_client.open(url, method=method, data={"csrf_token": token})
        assert response.status_code == 302
        page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
        assert "You cannot deactivate your own account" in page, method
    assert get_user(app, admin.id).is_active
    assert admin_client.get("/").status_code == 200
    assert actions(app, "account.deactivated") == []


def test_resetting_two_factor_for_any_account_waits_for_a_second_office_holder(
    app: Flask, admin_client: FlaskClient
) -> None:
    """Whoever the account belongs to: if only accounts that can see a case waited, the wait would
    tell the administrator who reported a concern or helps with a case (issue 16)."""
    staff = make_user(app, "Xan Staff", two_factor=True)
    page = admin_client.get(f"/admin/people/{staff.person_id}").get_data(as_text=True)
    url = f"/admin/people/{staff.person_id}/account/reset-two-factor"
    assert url in page
    response = post_form(admin_client, url, {})
    assert response.status_code == 302
    assert "Another office-holder must confirm the reset" in admin_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert get_user(app, staff.id).totp_secret is not None
    assert not actions(app, "two_factor.reset")


def test_an_office_holders_two_factor_waits_for_a_second_office_holder(app: Flask, admin_client: FlaskClient) -> None:
    dsl = make_user(app, "Yas Lead", office=Office.DSL)
    response = post_form(admin_client, f"/admin/people/{dsl.person_id}/account/reset-two-factor", {})
    assert response.status_code == 302
    assert get_user(app, dsl.id).totp_secret is not None


# The staff import page --------------------------------------------------------------------------


def upload(client: FlaskClient, content: bytes, filename: str = "staff.csv"):  # type: ignore[no-untyped-def]
    """POST a file as a browser would. The body is encoded here, in memory: the test client's own
    encoder spools large bodies to a temporary file that it never closes."""
    token = csrf_token(client, "/admin/people/import")
    files = MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(content), filename, "file")})
    boundary, body = encode_multipart(files)
    return client.post("/admin/people/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_the_import_page_imports_a_good_file(app: Flask, admin_client: FlaskClient) -> None:
    assert "full_name" in admin_client.get("/admin/people/import").get_data(as_text=True)
    content = (
        "\ufeff" + CSV_HEADER + "Asha Greenwood,asha@larkrise.example,Teacher,employee,,2024-09-01,,\r\n"
        "Bryn Ash,bryn@larkrise.example,Cover,agency,Northgate,01/09/2025,,\r\n"
    ).encode()
    response = upload(admin_client, content)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/people"
    page = admin_client.get("/admin/people").get_data(as_text=True)
    assert "Staff imported: 2 added, 0 updated, 0 unchanged." in page
    assert "Bryn Ash" in page


def test_the_import_page_lists_every_problem_and_imports_nothing(app: Flask, admin_client: FlaskClient) -> None:
    content = (
        CSV_HEADER + "Asha Greenwood,asha@larkrise.example,Teacher,employee,,2024-09-01,,\r\n"
        ",bryn@larkrise.example,Cover,agency,,01/09/2025,,\r\n"
        "<b>Cy</b>,cy@larkrise.example,Cook,chef,,,,\r\n"
    ).encode()
    response = upload(admin_client, content)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error: Import staff" in page
    assert "There is a problem with the file" in page
    assert "Nothing was imported" in page
    assert "Line 3: enter a full name" in page
    assert "Line 3: enter the name of the agency or employer" in page
    assert "Line 4: staff type must be one of" in page
    assert "<b>Cy</b>" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 1  # only the administrator
    assert actions(app, "staff.import_rejected")[0].details == {"errors": 3}


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        pytest.param(None, "", "Select a CSV file", id="no file"),
        pytest.param(b"full_name\r\n", "staff.xlsx", "The selected file must be a CSV", id="not a csv"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "staff.csv", "The file must be saved as CSV UTF-8", id="binary"),
        pytest.param(b"", "staff.csv", "The file is empty", id="empty"),
        pytest.param(b"x" * (2 * 1024 * 1024 + 1), "staff.csv", "smaller than 2MB", id="too large"),
    ],
)
def test_bad_uploads_are_explained_never_a_500(
    admin_client: FlaskClient, content: bytes | None, filename: str, expected: str
) -> None:
    if content is None:
        token = csrf_token(admin_client, "/admin/people/import")
        response = admin_client.post("/admin/people/import", data={"csrf_token": token})
    else:
        response = upload(admin_client, content, filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert expected in page
