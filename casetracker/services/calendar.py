"""England and Wales bank holidays (from `holidays`, offline) and the school's LADO clock."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from casetracker.domain.deadlines import ClockUnit, LadoClock, lado_consultation_due
from casetracker.models import Case
from casetracker.services.school import require_school


@lru_cache(maxsize=1)
def bank_holidays() -> frozenset[dt.date]:
    """1990-2100 covers every case a school will hold; `holidays` returns nothing beyond 2100."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(1990, 2101)).keys())


def lado_clock() -> LadoClock:
    school = require_school()
    return LadoClock(ClockUnit(school.lado_clock_unit), school.lado_clock_amount)


def lado_due(case: Case) -> dt.datetime | None:
    """When the LADO must be consulted, for a case that is (or may be) an allegation."""
    details = case.details or {}
    if case.kind != "allegation" and not (case.potential_allegation or details.get("potential_allegation")):
        return None
    started = details.get("lado_clock_started_at")
    received = dt.datetime.fromisoformat(started) if started else case.opened_at
    return lado_consultation_due(received, lado_clock(), bank_holidays())
