"""The governing board sees anonymised figures only: small numbers hidden, no names, no references."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from casetracker.clock import utcnow
from casetracker.domain.oversight import academic_year_start
from casetracker.extensions import db
from casetracker.models import AuditEvent, Case
from tests.conftest import sign_in
from tests.web.test_case_pages import SECRET_TEXT, file_case, school


def test_governors_see_anonymised_figures_with_small_numbers_hidden(app: Flask) -> None:
    people = school(app)
    case_ids = [file_case(app, people) for _ in range(2)]  # two allegations: a cell of 2
    governor = app.test_client()
    sign_in(governor, people["governor"])
    page = governor.get("/oversight")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Oversight report" in body and "fewer than 3" in body
    with app.app_context():
        references = [db.session.get(Case, case_id).reference for case_id in case_ids]
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "oversight.viewed")).first()
    for secret in (*references, SECRET_TEXT, "Sid Subject", "Rae Reporter", "Hattie Head"):
        assert secret not in body
    # Two cases: no figure on the page may be the number 2 (or 1), in a table cell.
    assert ">2<" not in body and ">1<" not in body


def test_the_chair_sees_the_report_and_only_the_cases_routed_to_them(app: Flask) -> None:
    people = school(app)
    file_case(app, people)
    chair = app.test_client()
    sign_in(chair, people["chair"])
    assert chair.get("/oversight").status_code == 200
    assert "There are no open cases for you to see." in chair.get("/cases").get_data(as_text=True)


def test_staff_who_are_not_governors_cannot_see_the_report(app: Flask) -> None:
    people = school(app)
    for who in ("reporter", "admin", "head"):
        client = app.test_client()
        sign_in(client, people[who])
        assert client.get("/oversight").status_code == 403, who


def test_a_year_the_report_does_not_offer_is_not_found(app: Flask) -> None:
    people = school(app)
    governor = app.test_client()
    sign_in(governor, people["governor"])
    assert governor.get("/oversight?year=1999").status_code == 404
    assert governor.get("/oversight?year=abc").status_code == 404
    this_year = academic_year_start(utcnow().date())
    assert governor.get(f"/oversight?year={this_year}").status_code == 200


def test_the_report_downloads_as_a_pdf_that_is_never_cached_and_is_audited(app: Flask) -> None:
    people = school(app)
    file_case(app, people)
    governor = app.test_client()
    sign_in(governor, people["governor"])
    response = governor.get("/oversight/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="oversight-report-')
    assert response.data.startswith(b"%PDF-")
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "oversight.exported")).first()
