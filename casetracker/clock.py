"""The one clock: every "now" and "today" in Casetracker comes from here.

Deadlines, ages, "in the future" checks, two-factor time steps and timestamps all read it, so a
test can set it to any moment (1 January, 29 February, the night British Summer Time ends) and
the whole app, its live test server included, agrees on what day it is. Nothing outside the tests
sets it: in a running service it is the system clock.
"""

from __future__ import annotations

import datetime as dt

from casetracker.dates import LONDON

_offset = dt.timedelta(0)


def utcnow() -> dt.datetime:
    """Now, as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC) + _offset


def london_today() -> dt.date:
    """Today's date in England (Europe/London), which is not always the UTC date."""
    return utcnow().astimezone(LONDON).date()


def set_to(moment: dt.datetime) -> None:
    """Make it `moment` now and let time run on from there (tests only)."""
    global _offset
    if moment.tzinfo is None:
        raise ValueError("the clock is set with an aware datetime")
    _offset = moment - dt.datetime.now(dt.UTC)


def reset() -> None:
    """Back to the system clock."""
    global _offset
    _offset = dt.timedelta(0)
