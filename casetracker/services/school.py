"""The school record (one per installation for now)."""

from __future__ import annotations

from flask import g
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from casetracker.extensions import db
from casetracker.models import School


def current_school() -> School | None:
    """The installation's school, loaded once per request."""
    if "school" not in g:
        try:
            g.school = db.session.scalars(select(School).order_by(School.id).limit(1)).first()
        except SQLAlchemyError:
            db.session.rollback()
            g.school = None  # error pages must render even when the database is down
    school: School | None = g.school
    return school


class NoSchoolError(RuntimeError):
    """The database has no school yet: run `flask --app wsgi demo seed` or `school create`."""


def require_school() -> School:
    school = current_school()
    if school is None:
        raise NoSchoolError("No school is set up: run 'flask --app wsgi school create' first.")
    return school
