"""Error pages that reveal nothing internal."""

from __future__ import annotations

from flask import Flask, render_template, session
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from casetracker import crypto
from casetracker.extensions import db
from casetracker.security.sessions import DATABASE_UNAVAILABLE
from casetracker.services.case_access import CaseNotFoundError
from casetracker.services.integrity import report_integrity_incident

# An integrity failure is answered like any server fault (nothing about the record is shown);
# its own page says the record could not be read safely and that it has been reported.
INTEGRITY_STATUS = 500

PAGES = {
    400: ("There is a problem with your request", "errors/400.html"),
    403: ("You cannot use this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Page not found", "errors/404.html"),
    410: ("This record has been destroyed", "errors/410.html"),
    413: ("The file is too large", "errors/413.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
    503: ("Sorry, the service is unavailable", "errors/503.html"),
}


def render_error(status: int) -> tuple[str, int]:
    title, template = PAGES.get(status, PAGES[500] if status >= 500 else PAGES[400])
    try:
        return render_template(template, title=title), status
    except Exception:  # the error page itself must never fail
        return f"<!DOCTYPE html><html lang=en><title>{title}</title><h1>{title}</h1></html>", status


def refuse_if_unavailable() -> None:
    """The session could not be read because the database is unavailable: answer 503 before
    anything else looks at the (empty) session, which would otherwise send a signed-in user to
    the sign-in page or refuse their form's CSRF token."""
    if getattr(session, "unavailable", False):
        raise ServiceUnavailable()


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is already gone: nothing to roll back
        db.session.close()


def init_app(app: Flask) -> None:
    # First of all the before-request functions (CSRF, access checks, the request id).
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_if_unavailable)

    @app.errorhandler(CSRFError)
    def csrf_error(_: CSRFError) -> tuple[str, int]:
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        if isinstance(error, InternalServerError) and isinstance(error.original_exception, DATABASE_UNAVAILABLE):
            # Raised outside a view (saving the session), where only the 500 handler applies.
            return database_unavailable(error.original_exception)
        return render_error(error.code or 500)

    @app.errorhandler(crypto.IntegrityError)
    def integrity_failure(error: crypto.IntegrityError) -> tuple[str, int]:
        db.session.rollback()
        report_integrity_incident(error)
        return render_template("errors/integrity.html", title="This record could not be read safely"), INTEGRITY_STATUS

    @app.errorhandler(CaseNotFoundError)
    def case_not_found(_: CaseNotFoundError) -> tuple[str, int]:
        # A case the user may not see is answered exactly as one that does not exist.
        db.session.rollback()
        return render_error(404)

    @app.errorhandler(crypto.DestroyedError)
    def destroyed(_: crypto.DestroyedError) -> tuple[str, int]:
        db.session.rollback()
        return render_error(410)

    def database_unavailable(error: Exception) -> tuple[str, int]:
        app.logger.error("database unavailable: %s", type(error).__name__)
        _rollback_quietly()
        return render_error(503)

    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(InternalServerError.code)
