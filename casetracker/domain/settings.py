"""What a school may set: the limits on its LADO clock, pattern window and term dates (pure rules)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from casetracker.domain.people import LadoClockUnit, LowLevelConcernRoute

# How long the case manager has to consult the LADO: one working day by default (DOMAIN.md 5.3);
# local procedures may set another figure within these bounds.
LADO_CLOCK_LIMITS: dict[LadoClockUnit, tuple[int, int]] = {
    LadoClockUnit.WORKING_DAYS: (1, 10),
    LadoClockUnit.HOURS: (1, 72),
}
DEFAULT_LADO_CLOCK = (LadoClockUnit.WORKING_DAYS, 1)

# How far back the case manager looks for a pattern of low-level concerns.
PATTERN_WINDOW_MONTHS = (1, 36)
DEFAULT_PATTERN_WINDOW_MONTHS = 12

LADO_CLOCK_UNIT_LABELS = {
    LadoClockUnit.WORKING_DAYS: "Working days",
    LadoClockUnit.HOURS: "Hours",
}
LOW_LEVEL_CONCERN_ROUTE_LABELS = {
    LowLevelConcernRoute.DSL: "The designated safeguarding lead",
    LowLevelConcernRoute.HEADTEACHER: "The headteacher",
}


def lado_clock_problem(unit: LadoClockUnit, amount: int) -> str | None:
    """Why this LADO clock cannot be set, or None when it can."""
    low, high = LADO_CLOCK_LIMITS[unit]
    if low <= amount <= high:
        return None
    words = "working days" if unit is LadoClockUnit.WORKING_DAYS else "hours"
    return f"The time to consult the LADO must be between {low} and {high} {words}"


def pattern_window_problem(months: int) -> str | None:
    low, high = PATTERN_WINDOW_MONTHS
    if low <= months <= high:
        return None
    return f"The pattern window must be between {low} and {high} months"


@dataclass(frozen=True)
class Term:
    name: str
    starts_on: dt.date
    ends_on: dt.date

    def overlaps(self, starts_on: dt.date, ends_on: dt.date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on


def term_dates_problem(starts_on: dt.date, ends_on: dt.date) -> str | None:
    if ends_on < starts_on:
        return "The end date must be the same as or after the start date"
    return None


def overlapping_term(starts_on: dt.date, ends_on: dt.date, others: Iterable[Term]) -> Term | None:
    """The first other term these dates overlap (a day shared counts), or None."""
    for term in sorted(others, key=lambda t: t.starts_on):
        if term.overlaps(starts_on, ends_on):
            return term
    return None
