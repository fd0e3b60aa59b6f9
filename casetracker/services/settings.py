"""School settings and term dates, changed only by the system administrator.

Routing reads the school type and the low-level concern route; deadlines read the LADO clock and
term dates. The audit records which fields changed, never their values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from sqlalchemy import select

from casetracker import audit
from casetracker.domain.people import LadoClockUnit, LowLevelConcernRoute, SchoolType
from casetracker.domain.policy import Actor, is_administrator
from casetracker.domain.settings import (
    Term,
    lado_clock_problem,
    overlapping_term,
    pattern_window_problem,
    term_dates_problem,
)
from casetracker.extensions import db
from casetracker.models import School, TermDate
from casetracker.services.school import require_school


class SettingsError(ValueError):
    """A setting that cannot be saved; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SchoolSettings:
    name: str
    school_type: SchoolType
    local_authority: str
    lado_name: str
    lado_phone: str
    lado_email: str
    low_level_concern_route: LowLevelConcernRoute
    lado_clock_unit: LadoClockUnit
    lado_clock_amount: int
    pattern_window_months: int
    # KCSIE leaves it to the school whether a false allegation is removed from personnel records.
    remove_false_allegations: bool = False
    # How long records are kept where the law leaves it to the school (DOMAIN.md section 7).
    low_level_years_after_leaving: int = 6
    whistleblowing_years_after_closure: int = 6


RETENTION_YEARS = (0, 50)


def current_settings() -> SchoolSettings:
    school = require_school()
    return SchoolSettings(
        name=school.name,
        school_type=SchoolType(school.school_type),
        local_authority=school.local_authority,
        lado_name=school.lado_name,
        lado_phone=school.lado_phone,
        lado_email=school.lado_email,
        low_level_concern_route=LowLevelConcernRoute(school.low_level_concern_route),
        lado_clock_unit=LadoClockUnit(school.lado_clock_unit),
        lado_clock_amount=school.lado_clock_amount,
        pattern_window_months=school.pattern_window_months,
        remove_false_allegations=school.remove_false_allegations,
        low_level_years_after_leaving=school.low_level_years_after_leaving,
        whistleblowing_years_after_closure=school.whistleblowing_years_after_closure,
    )


def _require_administrator(actor: Actor) -> None:
    if not is_administrator(actor):
        raise PermissionError("only the system administrator changes school settings")


def check_settings(new: SchoolSettings) -> None:
    if not new.name.strip():
        raise SettingsError("name", "Enter the school's name")
    problem = lado_clock_problem(new.lado_clock_unit, new.lado_clock_amount)
    if problem:
        raise SettingsError("lado_clock_amount", problem)
    problem = pattern_window_problem(new.pattern_window_months)
    if problem:
        raise SettingsError("pattern_window_months", problem)
    low, high = RETENTION_YEARS
    for name in ("low_level_years_after_leaving", "whistleblowing_years_after_closure"):
        if not low <= getattr(new, name) <= high:
            raise SettingsError(name, f"The number of years must be between {low} and {high}")


def update_settings(actor: Actor, new: SchoolSettings) -> list[str]:
    """Save the settings; the names of the fields that changed."""
    _require_administrator(actor)
    check_settings(new)
    school: School = require_school()
    changed = []
    for field in fields(SchoolSettings):
        value = getattr(new, field.name)
        if isinstance(value, LadoClockUnit | LowLevelConcernRoute | SchoolType):
            stored: object = value.value
        elif isinstance(value, str):
            stored = value.strip()
        else:
            stored = value
        if getattr(school, field.name) != stored:
            setattr(school, field.name, stored)
            changed.append(field.name)
    if changed:
        audit.record(
            "settings.changed", actor_user_id=actor.user_id, object_type="school", object_id=school.id, fields=changed
        )
        db.session.commit()
    return changed


def term_dates() -> list[TermDate]:
    return list(db.session.scalars(select(TermDate).order_by(TermDate.starts_on)))


def get_term_date(term_id: int) -> TermDate | None:
    return db.session.get(TermDate, term_id)


def add_term_date(actor: Actor, name: str, starts_on: dt.date, ends_on: dt.date) -> TermDate:
    _require_administrator(actor)
    name = name.strip()
    if not name:
        raise SettingsError("name", "Enter the name of the term")
    problem = term_dates_problem(starts_on, ends_on)
    if problem:
        raise SettingsError("ends_on", problem)
    others = [Term(t.name, t.starts_on, t.ends_on) for t in term_dates()]
    clash = overlapping_term(starts_on, ends_on, others)
    if clash is not None:
        raise SettingsError("starts_on", f"These dates overlap {clash.name}: a term cannot overlap another term")
    term = TermDate(school_id=require_school().id, name=name, starts_on=starts_on, ends_on=ends_on)
    db.session.add(term)
    db.session.flush()
    audit.record("term_date.added", actor_user_id=actor.user_id, object_type="term_date", object_id=term.id)
    db.session.commit()
    return term


def remove_term_date(actor: Actor, term: TermDate) -> None:
    _require_administrator(actor)
    audit.record("term_date.removed", actor_user_id=actor.user_id, object_type="term_date", object_id=term.id)
    db.session.delete(term)
    db.session.commit()
