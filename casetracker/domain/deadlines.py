"""Working days, the LADO consultation clock and case-age bands (DOMAIN.md section 5 step 3).

Pure: bank holidays are passed in (the `holidays` package supplies England and Wales's in the
service layer). School closure days are not excluded: the LADO service works through them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class ClockUnit(StrEnum):
    WORKING_DAYS = "working_days"
    HOURS = "hours"


@dataclass(frozen=True)
class LadoClock:
    """The local authority's rule: a number of working days (default 1) or of hours."""

    unit: ClockUnit = ClockUnit.WORKING_DAYS
    amount: int = 1


def is_working_day(day: dt.date, bank_holidays: Container[dt.date]) -> bool:
    return day.weekday() < 5 and day not in bank_holidays


def add_working_days(day: dt.date, count: int, bank_holidays: Container[dt.date]) -> dt.date:
    """The `count`-th working day after `day` (not counting `day` itself)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current, found = day, 0
    while found < count:
        current += dt.timedelta(days=1)
        if is_working_day(current, bank_holidays):
            found += 1
    return current


def end_of_day(day: dt.date) -> dt.datetime:
    """23:59 in Europe/London on that day, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=LONDON)


def lado_consultation_due(received_at: dt.datetime, clock: LadoClock, bank_holidays: Container[dt.date]) -> dt.datetime:
    """When the LADO must have been consulted, for a report received (or reclassified) at `received_at`.

    By default: 23:59 Europe/London on the first working day after the day of receipt.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if clock.unit is ClockUnit.HOURS:
        return (received_at + dt.timedelta(hours=clock.amount)).astimezone(LONDON)
    local_day = received_at.astimezone(LONDON).date()
    return end_of_day(add_working_days(local_day, clock.amount, bank_holidays))


def written_confirmation_due(
    decided_at: dt.datetime, bank_holidays: Container[dt.date], working_days: int = 1
) -> dt.datetime:
    """Written confirmation of a suspension: within one working day (the guidance edition's default)."""
    return end_of_day(add_working_days(decided_at.astimezone(LONDON).date(), working_days, bank_holidays))


class AgeBand(StrEnum):
    UNDER_1_MONTH = "under_1_month"
    ONE_TO_3_MONTHS = "1_to_3_months"
    THREE_TO_12_MONTHS = "3_to_12_months"
    OVER_12_MONTHS = "over_12_months"

    @property
    def label(self) -> str:
        return {
            AgeBand.UNDER_1_MONTH: "Under 1 month",
            AgeBand.ONE_TO_3_MONTHS: "1 to 3 months",
            AgeBand.THREE_TO_12_MONTHS: "3 to 12 months",
            AgeBand.OVER_12_MONTHS: "Over 12 months",
        }[self]


def _months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def age_band(opened: dt.date, today: dt.date) -> AgeBand:
    months = _months_between(opened, today)
    if months < 1:
        return AgeBand.UNDER_1_MONTH
    if months < 3:
        return AgeBand.ONE_TO_3_MONTHS
    if months < 12:
        return AgeBand.THREE_TO_12_MONTHS
    return AgeBand.OVER_12_MONTHS


def age_band_starts(today: dt.date) -> dict[AgeBand, dt.date | None]:
    """The earliest opening date in each age band on `today` (None: the band has no lower bound).

    A case's band only moves one way as its opening date gets earlier, so each band is a range of
    dates and the dashboard can count a band with one indexed range query instead of reading
    every case. Found by stepping back a day at a time: at most about 13 months of steps.
    """
    starts: dict[AgeBand, dt.date | None] = {AgeBand.OVER_12_MONTHS: None}
    day = today
    for band in (AgeBand.UNDER_1_MONTH, AgeBand.ONE_TO_3_MONTHS, AgeBand.THREE_TO_12_MONTHS):
        while age_band(day - dt.timedelta(days=1), today) == band:
            day -= dt.timedelta(days=1)
        starts[band] = day
        day -= dt.timedelta(days=1)
    return starts
