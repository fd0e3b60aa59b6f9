"""School settings and term dates: only the administrator, and every mistake explained, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casetracker.domain.people import Office, Role
from casetracker.extensions import db
from casetracker.models import AuditEvent, School, TermDate, User
from tests.conftest import make_user, post_form, sign_in

VALID = {
    "name": "Larkrise Community School",
    "school_type": "academy",
    "local_authority": "Borsetshire",
    "lado_name": "Borsetshire LADO team",
    "lado_phone": "01632 960 001",
    "lado_email": "LADO@borsetshire.example",
    "lado_clock_unit": "working_days",
    "lado_clock_amount": "1",
    "low_level_concern_route": "headteacher",
    "pattern_window_months": "24",
    "remove_false_allegations": "yes",
    "low_level_years_after_leaving": "6",
    "whistleblowing_years_after_closure": "6",
}


@pytest.fixture()
def admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, make_user(app, "Ava Admin", roles=(Role.STAFF, Role.ADMINISTRATOR)))
    return client


def school(app: Flask) -> School:
    with app.app_context():
        row = db.session.scalars(select(School)).one()
        db.session.expunge(row)
        return row


def test_administrator_sees_and_saves_settings(app: Flask, admin: FlaskClient) -> None:
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert 'value="Larkrise Community School"' in page
    assert 'value="12"' in page  # the default pattern window

    response = post_form(admin, "/admin/settings", VALID)
    assert response.status_code == 302
    saved = school(app)
    assert saved.school_type == "academy" and saved.local_authority == "Borsetshire"
    assert saved.lado_email == "lado@borsetshire.example"
    assert saved.low_level_concern_route == "headteacher"
    assert saved.pattern_window_months == 24
    with app.app_context():
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed"))
        assert sorted(event.details) == ["fields"]
        assert sorted(event.details["fields"]) == sorted(
            [
                "school_type",
                "local_authority",
                "lado_name",
                "lado_phone",
                "lado_email",
                "low_level_concern_route",
                "pattern_window_months",
                "remove_false_allegations",
            ]
        )
        assert "Borsetshire" not in str(event.details)
    assert "Settings saved" in admin.get("/admin/settings").get_data(as_text=True)


def test_hours_clock(app: Flask, admin: FlaskClient) -> None:
    response = post_form(admin, "/admin/settings", {**VALID, "lado_clock_unit": "hours", "lado_clock_amount": "24"})
    assert response.status_code == 302
    saved = school(app)
    assert (saved.lado_clock_unit, saved.lado_clock_amount) == ("hours", 24)


@pytest.mark.parametrize(
    ("changes", "message", "anchor"),
    [
        ({"name": ""}, "Enter the school&#39;s name", "#name"),
        ({"name": "   "}, "Enter the school&#39;s name", "#name"),
        ({"name": "x" * 201}, "School name must be 200 characters or fewer", "#name"),
        ({"school_type": "castle"}, "Select the type of school", "#school_type"),
        ({"school_type": ""}, "Select the type of school", "#school_type"),
        ({"lado_phone": "call me maybe"}, "Enter a phone number", "#lado_phone"),
        ({"lado_email": "lado at borsetshire"}, "Enter an email address in the correct format", "#lado_email"),
        ({"lado_clock_unit": "fortnights"}, "Select working days or hours", "#lado_clock_unit"),
        ({"lado_clock_amount": ""}, "Enter the time to consult the LADO", "#lado_clock_amount"),
        ({"lado_clock_amount": "one"}, "must be a whole number", "#lado_clock_amount"),
        ({"lado_clock_amount": "1.5"}, "must be a whole number", "#lado_clock_amount"),
        ({"lado_clock_amount": "-1"}, "must be a whole number", "#lado_clock_amount"),
        ({"lado_clock_amount": "99999999999999999999"}, "must be a whole number", "#lado_clock_amount"),
        ({"lado_clock_amount": "0"}, "between 1 and 10 working days", "#lado_clock_amount"),
        ({"lado_clock_amount": "11"}, "between 1 and 10 working days", "#lado_clock_amount"),
        ({"lado_clock_unit": "hours", "lado_clock_amount": "73"}, "between 1 and 72 hours", "#lado_clock_amount"),
        ({"low_level_concern_route": "caretaker"}, "Select who manages low-level concerns", "#low_level_concern_route"),
        ({"pattern_window_months": "0"}, "between 1 and 36 months", "#pattern_window_months"),
        ({"pattern_window_months": "37"}, "between 1 and 36 months", "#pattern_window_months"),
        ({"pattern_window_months": "twelve"}, "must be a whole number", "#pattern_window_months"),
    ],
)
def test_settings_errors_re_render_with_the_error_summary(
    app: Flask, admin: FlaskClient, changes: dict[str, str], message: str, anchor: str
) -> None:
    response = post_form(admin, "/admin/settings", {**VALID, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and "<title>Error:" in page
    assert message in page
    assert f'href="{anchor}"' in page
    assert school(app).school_type == "maintained"  # nothing saved


def test_settings_form_survives_missing_and_repeated_fields(app: Flask, admin: FlaskClient) -> None:
    assert post_form(admin, "/admin/settings", {}).status_code == 200
    response = post_form(admin, "/admin/settings", {**VALID, "name": ["One", "Two"], "lado_clock_amount": ["1", "x"]})  # type: ignore[dict-item]
    assert response.status_code in (200, 302)


def test_nothing_changed_is_not_audited(app: Flask, admin: FlaskClient) -> None:
    post_form(admin, "/admin/settings", VALID)
    post_form(admin, "/admin/settings", VALID)
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "settings.changed")).all()) == 1


# Term dates -------------------------------------------------------------------------------------


def add_term(client: FlaskClient, name: str, starts: dt.date, ends: dt.date):  # type: ignore[no-untyped-def]
    return post_form(
        client,
        "/admin/settings/terms/new",
        {
            "name": name,
            "starts_on": [str(starts.day), str(starts.month), str(starts.year)],  # type: ignore[dict-item]
            "ends_on": [str(ends.day), str(ends.month), str(ends.year)],  # type: ignore[dict-item]
        },
    )


def terms(app: Flask) -> list[tuple[str, dt.date, dt.date]]:
    with app.app_context():
        return [
            (t.name, t.starts_on, t.ends_on) for t in db.session.scalars(select(TermDate).order_by(TermDate.starts_on))
        ]


def test_add_and_remove_term_dates(app: Flask, admin: FlaskClient) -> None:
    assert add_term(admin, "Autumn term 2026", dt.date(2026, 9, 2), dt.date(2026, 12, 18)).status_code == 302
    assert add_term(admin, "Spring term 2027", dt.date(2027, 1, 5), dt.date(2027, 3, 26)).status_code == 302
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "Autumn term 2026" in page and "2 September 2026" in page and "18 December 2026" in page
    assert [t[0] for t in terms(app)] == ["Autumn term 2026", "Spring term 2027"]

    with app.app_context():
        term_id = db.session.scalar(select(TermDate.id).where(TermDate.name == "Autumn term 2026"))
        actions = [
            e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("term_date.%")))
        ]
        assert actions == ["term_date.added", "term_date.added"]
    response = post_form(admin, f"/admin/settings/terms/{term_id}/remove", {}, token_from="/admin/settings")
    assert response.status_code == 302
    assert [t[0] for t in terms(app)] == ["Spring term 2027"]
    assert (
        post_form(admin, f"/admin/settings/terms/{term_id}/remove", {}, token_from="/admin/settings").status_code == 404
    )
    huge = "/admin/settings/terms/99999999999999999999999/remove"
    assert post_form(admin, huge, {}, token_from="/admin/settings").status_code == 404


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        ({}, "Enter the name of the term", "#name"),
        (
            {"name": "Autumn", "starts_on": ["", "", ""], "ends_on": ["1", "1", "2027"]},
            "Enter the start date",
            "#starts_on-day",
        ),
        ({"name": "Autumn", "starts_on": ["1", "9", "2026"]}, "Enter the end date", "#ends_on-day"),
        (
            {"name": "Autumn", "starts_on": ["31", "2", "2026"], "ends_on": ["1", "3", "2026"]},
            "Start date must be a real date",
            "#starts_on-day",
        ),
        (
            {"name": "Autumn", "starts_on": ["1", "", "2026"], "ends_on": ["1", "3", "2026"]},
            "Start date must include a month",
            "#starts_on-day",
        ),
        (
            {"name": "Autumn", "starts_on": ["a", "b", "c"], "ends_on": ["1", "3", "2026"]},
            "Start date must be a real date",
            "#starts_on-day",
        ),
        (
            {"name": "Autumn", "starts_on": ["1", "9", "2026", "4"], "ends_on": ["1"]},
            "End date must include a month and year",
            "#ends_on-day",
        ),
        (
            {"name": "Autumn", "starts_on": ["18", "12", "2026"], "ends_on": ["2", "9", "2026"]},
            "The end date must be the same as or after the start date",
            "#ends_on-day",
        ),
        (
            {"name": "Overlap", "starts_on": ["1", "1", "2026"], "ends_on": ["10", "1", "2026"]},
            "These dates overlap Spring term 2026",
            "#starts_on-day",
        ),
    ],
)
def test_term_date_errors_re_render_with_the_error_summary(
    app: Flask, admin: FlaskClient, data: dict[str, object], message: str, anchor: str
) -> None:
    assert add_term(admin, "Spring term 2026", dt.date(2026, 1, 5), dt.date(2026, 3, 27)).status_code == 302
    response = post_form(admin, "/admin/settings/terms/new", data)  # type: ignore[arg-type]
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert f'href="{anchor}"' in page
    assert len(terms(app)) == 1


# Who may ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("office", [None, Office.HEADTEACHER])
def test_non_administrators_get_403(app: Flask, office: Office | None) -> None:
    user: User = make_user(app, "Hal Head" if office else "Tom Teacher", office=office)
    client = app.test_client()
    sign_in(client, user)
    for url in ("/admin/settings", "/admin/settings/terms/new"):
        assert client.get(url).status_code == 403, url
    assert post_form(client, "/admin/settings", VALID, token_from="/account").status_code == 403
    assert post_form(client, "/admin/settings/terms/1/remove", {}, token_from="/account").status_code == 403
    assert school(app).school_type == "maintained"


def test_settings_need_a_recent_sign_in(app: Flask, admin: FlaskClient) -> None:
    with admin.session_transaction() as session:
        session["authenticated_at"] = "2000-01-01T00:00:00+00:00"
    response = post_form(admin, "/admin/settings", VALID, token_from="/account")
    assert response.status_code == 302 and "/confirm-it-is-you" in response.headers["Location"]
    assert school(app).school_type == "maintained"


def test_nul_characters_never_reach_the_database(app: Flask, admin: FlaskClient) -> None:
    before = school(app).name
    response = post_form(admin, "/admin/settings", {**VALID, "name": "Lark\x00rise", "lado_email": "a\x00@b.example"})
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)
    assert school(app).name == before
    assert add_term(admin, "Autumn\x00", dt.date(2026, 9, 2), dt.date(2026, 12, 18)).status_code == 400
    assert terms(app) == []
