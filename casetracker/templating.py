"""Template globals: the school, the signed-in actor's navigation, and GOV.UK date filters."""

from __future__ import annotations

from typing import Any

from flask import Flask, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers

from casetracker.dates import govuk_date, govuk_datetime, govuk_iso_date
from casetracker.domain.people import Office, SchoolType
from casetracker.domain.policy import is_administrator, is_data_protection_officer, is_governor, is_office_holder
from casetracker.security.access import current_actor
from casetracker.services.school import current_school
from casetracker.web.fields import error_summary

# Filled in as the blueprints that own these pages land (endpoint names checked at start-up).
SIGNED_IN_PAGES: list[tuple[str, str]] = [
    ("Raise a concern", "report.start"),
    ("Your reports", "report.list_reports"),
]
OFFICE_HOLDER_PAGES: list[tuple[str, str]] = [
    ("Cases", "cases.inbox"),
    ("Office changes", "offices.list_requests"),
    ("Declarations of interest", "offices.list_declarations"),
]
GOVERNOR_PAGES: list[tuple[str, str]] = [("Oversight", "oversight.report")]
DATA_PROTECTION_PAGES: list[tuple[str, str]] = [
    ("Legal holds", "data_protection.legal_holds"),
    ("Subject access", "data_protection.subject_access"),
]
ADMINISTRATOR_PAGES: list[tuple[str, str]] = [
    ("People", "admin.list_people"),
    ("Offices", "admin.list_offices"),
    ("School settings", "admin.edit_settings"),
    ("Audit trail", "admin.audit_trail"),
]


def navigation() -> list[dict[str, Any]]:
    actor = current_actor()
    if actor is None:
        return []
    items: list[tuple[str, str]] = [("Home", "home.dashboard")]
    items += SIGNED_IN_PAGES
    if is_office_holder(actor):
        items += [(text, endpoint) for text, endpoint in OFFICE_HOLDER_PAGES]
    if is_governor(actor):
        items += GOVERNOR_PAGES
    if is_data_protection_officer(actor):
        items += DATA_PROTECTION_PAGES
    if is_administrator(actor):
        items += [(text, endpoint) for text, endpoint in ADMINISTRATOR_PAGES]
    items.append(("Your account", "auth.account"))
    return [
        {"text": text, "href": url_for(endpoint), "active": request.endpoint == endpoint} for text, endpoint in items
    ]


def office_label(office: str) -> str:
    """The office's name as this school's type calls it (e.g. the proprietor)."""
    school = current_school()
    return Office(office).label(school.type if school else SchoolType.MAINTAINED)


def init_app(app: Flask) -> None:
    WTFormsHelpers(app)
    app.add_template_global(error_summary)
    app.jinja_env.filters["govuk_date"] = govuk_date
    app.jinja_env.filters["govuk_datetime"] = govuk_datetime
    app.jinja_env.filters["iso_date"] = govuk_iso_date
    app.jinja_env.filters["office_label"] = office_label

    @app.context_processor
    def globals_for_templates() -> dict[str, Any]:
        school = current_school()
        return {
            "school": school,
            "school_name": school.name if school else "Casetracker",
            "navigation": navigation(),
            "signed_in": current_user.is_authenticated,
        }
