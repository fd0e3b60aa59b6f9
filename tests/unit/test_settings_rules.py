"""The limits on a school's LADO clock, pattern window and term dates."""

from __future__ import annotations

import datetime as dt

import pytest

from casetracker.domain.people import LadoClockUnit
from casetracker.domain.settings import (
    Term,
    lado_clock_problem,
    overlapping_term,
    pattern_window_problem,
    term_dates_problem,
)

D = dt.date


@pytest.mark.parametrize(
    ("unit", "amount", "ok"),
    [
        (LadoClockUnit.WORKING_DAYS, 0, False),
        (LadoClockUnit.WORKING_DAYS, 1, True),
        (LadoClockUnit.WORKING_DAYS, 10, True),
        (LadoClockUnit.WORKING_DAYS, 11, False),
        (LadoClockUnit.HOURS, 0, False),
        (LadoClockUnit.HOURS, 1, True),
        (LadoClockUnit.HOURS, 72, True),
        (LadoClockUnit.HOURS, 73, False),
        (LadoClockUnit.HOURS, -5, False),
    ],
)
def test_lado_clock_limits(unit: LadoClockUnit, amount: int, ok: bool) -> None:
    assert (lado_clock_problem(unit, amount) is None) is ok


def test_lado_clock_message_names_the_unit() -> None:
    assert lado_clock_problem(LadoClockUnit.HOURS, 100) == "The time to consult the LADO must be between 1 and 72 hours"


@pytest.mark.parametrize(("months", "ok"), [(0, False), (1, True), (12, True), (36, True), (37, False)])
def test_pattern_window_limits(months: int, ok: bool) -> None:
    assert (pattern_window_problem(months) is None) is ok


@pytest.mark.parametrize(
    ("starts", "ends", "ok"),
    [
        (D(2026, 9, 2), D(2026, 12, 18), True),
        (D(2026, 9, 2), D(2026, 9, 2), True),
        (D(2026, 9, 2), D(2026, 9, 1), False),
    ],
)
def test_term_end_not_before_start(starts: dt.date, ends: dt.date, ok: bool) -> None:
    assert (term_dates_problem(starts, ends) is None) is ok


AUTUMN = Term("Autumn term", D(2026, 9, 2), D(2026, 12, 18))
SPRING = Term("Spring term", D(2027, 1, 5), D(2027, 3, 26))


@pytest.mark.parametrize(
    ("starts", "ends", "clash"),
    [
        (D(2026, 12, 19), D(2027, 1, 4), None),  # the holiday between
        (D(2026, 12, 18), D(2027, 1, 4), AUTUMN),  # a shared last day
        (D(2026, 10, 1), D(2026, 10, 2), AUTUMN),  # inside
        (D(2026, 8, 1), D(2027, 4, 1), AUTUMN),  # round both: the first is named
        (D(2027, 3, 26), D(2027, 4, 10), SPRING),
        (D(2027, 4, 12), D(2027, 7, 21), None),
    ],
)
def test_overlapping_term(starts: dt.date, ends: dt.date, clash: Term | None) -> None:
    assert overlapping_term(starts, ends, [SPRING, AUTUMN]) == clash
