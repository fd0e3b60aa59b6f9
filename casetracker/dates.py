"""Dates and times as GOV.UK writes them, in Europe/London: 2 April 2026, 3:05pm."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def govuk_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def govuk_time(value: dt.datetime) -> str:
    local = value.astimezone(LONDON)
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    if local.hour == 12 and local.minute == 0:
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}:{local.minute:02d}{suffix}"


def govuk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)  # once, not once for the date and again for the time
    return f"{govuk_date(local.date())} at {govuk_time(local)}"


def govuk_iso_date(value: str | None) -> str:
    """A date stored as ISO text (2026-04-02), as GOV.UK writes it; anything else as it is."""
    if not value:
        return ""
    try:
        return govuk_date(dt.date.fromisoformat(value))
    except ValueError:
        return value
