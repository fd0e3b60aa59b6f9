"""The one clock: set to a moment, the app's now and London's today follow, and time runs on."""

from __future__ import annotations

import datetime as dt

import pytest

from casetracker import clock
from casetracker.dates import LONDON


@pytest.mark.parametrize(
    ("moment", "london_day"),
    [
        (dt.datetime(2026, 1, 1, 0, 5, tzinfo=LONDON), dt.date(2026, 1, 1)),
        (dt.datetime(2028, 2, 29, 10, 30, tzinfo=LONDON), dt.date(2028, 2, 29)),
        # 00:30 on the last day of British Summer Time is still 24 October in UTC.
        (dt.datetime(2026, 10, 25, 0, 30, tzinfo=LONDON), dt.date(2026, 10, 25)),
        (dt.datetime(2026, 3, 29, 23, 30, tzinfo=dt.UTC), dt.date(2026, 3, 30)),
    ],
)
def test_set_clock_gives_the_london_date(moment: dt.datetime, london_day: dt.date) -> None:
    clock.set_to(moment)
    assert clock.london_today() == london_day
    assert dt.timedelta(0) <= clock.utcnow() - moment < dt.timedelta(seconds=5)
    assert clock.utcnow().tzinfo is dt.UTC


def test_the_clock_refuses_a_naive_moment() -> None:
    with pytest.raises(ValueError):
        clock.set_to(dt.datetime(2026, 1, 1))


def test_reset_goes_back_to_the_system_clock() -> None:
    clock.set_to(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    clock.reset()
    assert abs(clock.utcnow() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
