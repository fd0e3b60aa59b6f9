"""The working-day calendar and the LADO clock, as a table."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from casetracker.domain.deadlines import (
    LONDON,
    AgeBand,
    ClockUnit,
    LadoClock,
    age_band,
    age_band_starts,
    lado_consultation_due,
    written_confirmation_due,
)

BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2025, 2029))


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (london(2026, 4, 2, 15, 0), london(2026, 4, 7, 23, 59)),  # Thu before Good Friday and Easter Monday
        (
            london(2026, 12, 24, 9, 30),
            london(2026, 12, 29, 23, 59),
        ),  # Christmas Eve: 25, 26-27 weekend, 28 Boxing Day (substitute)
        (london(2026, 11, 21, 10, 0), london(2026, 11, 23, 23, 59)),  # a Saturday: the Monday
        (
            london(2026, 8, 29, 10, 0),
            london(2026, 9, 1, 23, 59),
        ),  # a Saturday before the August bank holiday: the Tuesday
        (london(2026, 11, 25, 23, 58), london(2026, 11, 26, 23, 59)),  # late on a Wednesday: Thursday
        (london(2026, 11, 27, 8, 0), london(2026, 11, 30, 23, 59)),  # a Friday: the Monday
        (london(2026, 3, 28, 12, 0), london(2026, 3, 30, 23, 59)),  # the weekend the clocks go forward
        (london(2026, 10, 24, 12, 0), london(2026, 10, 26, 23, 59)),  # the weekend the clocks go back
        (dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC), london(2026, 11, 26, 23, 59)),  # UTC in, London out
        (dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), london(2026, 7, 2, 23, 59)),  # 00:30 BST on Wed 1 July
    ],
)
def test_lado_consultation_due_by_default(received: dt.datetime, due: dt.datetime) -> None:
    assert lado_consultation_due(received, LadoClock(), BANK_HOLIDAYS) == due


def test_school_closure_days_do_not_extend_the_clock() -> None:
    # A school INSET day is not a bank holiday: the LADO service works that day.
    inset_day = dt.date(2026, 11, 26)
    assert inset_day not in BANK_HOLIDAYS
    assert lado_consultation_due(london(2026, 11, 25, 10), LadoClock(), BANK_HOLIDAYS).date() == inset_day


@pytest.mark.parametrize(
    ("clock", "received", "due"),
    [
        (LadoClock(ClockUnit.HOURS, 24), london(2026, 11, 27, 16, 0), london(2026, 11, 28, 16, 0)),
        (LadoClock(ClockUnit.WORKING_DAYS, 2), london(2026, 4, 2, 9, 0), london(2026, 4, 8, 23, 59)),
    ],
)
def test_the_local_authoritys_rule_is_a_setting(clock: LadoClock, received: dt.datetime, due: dt.datetime) -> None:
    assert lado_consultation_due(received, clock, BANK_HOLIDAYS) == due


def test_written_suspension_confirmation_within_one_working_day() -> None:
    assert written_confirmation_due(london(2026, 12, 24, 12), BANK_HOLIDAYS) == london(2026, 12, 29, 23, 59)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        lado_consultation_due(dt.datetime(2026, 1, 1, 9), LadoClock(), BANK_HOLIDAYS)


@pytest.mark.parametrize(
    ("opened", "today", "band"),
    [
        (dt.date(2026, 11, 1), dt.date(2026, 11, 25), AgeBand.UNDER_1_MONTH),
        (dt.date(2026, 10, 25), dt.date(2026, 11, 25), AgeBand.ONE_TO_3_MONTHS),
        (dt.date(2026, 8, 26), dt.date(2026, 11, 25), AgeBand.ONE_TO_3_MONTHS),
        (dt.date(2026, 8, 25), dt.date(2026, 11, 25), AgeBand.THREE_TO_12_MONTHS),
        (dt.date(2025, 11, 26), dt.date(2026, 11, 25), AgeBand.THREE_TO_12_MONTHS),
        (dt.date(2025, 11, 25), dt.date(2026, 11, 25), AgeBand.OVER_12_MONTHS),
        (dt.date(2026, 1, 31), dt.date(2026, 2, 28), AgeBand.UNDER_1_MONTH),
    ],
)
def test_case_age_bands(opened: dt.date, today: dt.date, band: AgeBand) -> None:
    assert age_band(opened, today) is band


@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 11, 26), dt.date(2026, 3, 31), dt.date(2028, 2, 29), dt.date(2027, 1, 1), dt.date(2026, 5, 31)],
)
def test_age_band_starts_bound_each_band_exactly(today: dt.date) -> None:
    """The dashboard counts a band as a range of opening dates: the range must hold exactly the
    dates that age_band puts in that band, on every day back more than two years."""
    starts = age_band_starts(today)
    bands = list(AgeBand)
    for back in range(0, 800):
        opened = today - dt.timedelta(days=back)
        in_range = [
            band
            for position, band in enumerate(bands)
            if (starts[band] is None or opened >= starts[band])
            and (position == 0 or opened < starts[bands[position - 1]])
        ]
        assert in_range == [age_band(opened, today)], opened
