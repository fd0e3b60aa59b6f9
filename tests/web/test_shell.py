"""The page shell: security headers, titles, error pages that reveal nothing, the health check."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_user, sign_in


def test_security_headers_on_every_page(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_script_and_no_gov_uk_branding(client: FlaskClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in page
    assert 'type="module"' in page
    assert "GOV.UK" not in page
    assert "govuk-logo" not in page


def test_page_title_names_page_service_and_school(client: FlaskClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    assert "<title>Sign in – Casetracker – Larkrise Community School</title>" in page


def test_built_css_has_no_gds_transport_font(app: Flask, client: FlaskClient) -> None:
    response = client.get("/static/assets/application.css")
    css = response.get_data(as_text=True)
    response.close()
    assert "GDS Transport" not in css
    assert "@font-face" not in css


def test_not_found_page_reveals_nothing(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert "Traceback" not in page
    assert "werkzeug" not in page.lower()


def test_unexpected_error_shows_a_plain_500(app: Flask) -> None:
    from casetracker import create_app
    from casetracker.security.access import public
    from config import TestConfig

    class SameDatabase(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        KEY_FILE = app.config["KEY_FILE"]

    fresh = create_app(SameDatabase)

    @public
    def explode() -> str:
        raise RuntimeError("secret internal detail")

    fresh.add_url_rule("/__explode", "explode_for_test", explode)
    response = fresh.test_client().get("/__explode")
    with fresh.app_context():
        from casetracker.extensions import db

        db.session.remove()
        db.engine.dispose()
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "secret internal detail" not in page


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_method_not_allowed_is_a_plain_page(client: FlaskClient) -> None:
    response = client.put("/sign-in")
    assert response.status_code == 405
    assert "Page not found" in response.get_data(as_text=True)


def test_reauthentication_is_asked_for_after_five_minutes(app: Flask, client: FlaskClient) -> None:
    from casetracker.domain.people import Office
    from tests.conftest import current_code, post_form

    head = make_user(app, "Wyn Head", office=Office.HEADTEACHER)
    sign_in(client, head)
    with client.session_transaction() as session:
        session["authenticated_at"] = "2020-01-01T00:00:00+00:00"
    response = post_form(client, "/account/recovery-codes/new", {}, token_from="/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/confirm-it-is-you")
    wrong = post_form(client, "/confirm-it-is-you", {"password": "wrong password", "code": "123456"})
    assert "not right" in wrong.get_data(as_text=True)
    ok = post_form(
        client,
        "/confirm-it-is-you?next=/account",
        {"password": "correct horse battery staple", "code": current_code(head, offset_steps=1)},
    )
    assert ok.status_code == 302
    assert ok.headers["Location"] == "/account"
    response = post_form(client, "/account/recovery-codes/new", {}, token_from="/account")
    assert response.status_code == 200
    assert "Save your recovery codes" in response.get_data(as_text=True)


def test_nul_characters_and_json_bodies_get_a_clear_400(client: FlaskClient) -> None:
    from tests.conftest import csrf_token

    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"csrf_token": token, "email": "a\x00b@larkrise.example", "password": "x"})
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)
    assert client.get("/sign-in?next=%00").status_code == 400
    assert client.post("/sign-in", json=42, headers={"X-CSRFToken": token}).status_code == 400
