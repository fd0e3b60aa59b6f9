"""Patterns of low-level concerns (DOMAIN.md section 6).

A second concern about the same person within the window (12 months by default, a school
setting), or concerns about them from two or more different reporters within it, prompt a
recorded pattern review. Pure: the service supplies the earlier concerns; deciding who may be
told about which of them is the service's job, through the one policy function.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Concern:
    case_id: str
    received_on: dt.date
    # Keyed indexes of who reported it (a case may hold reports from several people); an
    # anonymous report adds nobody.
    reporters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PatternFinding:
    is_pattern: bool
    # The earlier concerns inside the window, oldest first.
    related: tuple[Concern, ...] = ()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the last day of a shorter month where needed)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def detect(new: Concern, earlier: Iterable[Concern], window_months: int) -> PatternFinding:
    """Does the new concern, with the earlier ones about the same person, make a pattern?

    Any earlier concern inside the window makes the new one at least the second: a pattern.
    Two or more different reporters within the window also make one — which matters on its own
    when one case holds reports from several people.
    """
    window_start = months_before(new.received_on, window_months)
    related = tuple(
        sorted(
            (c for c in earlier if c.case_id != new.case_id and window_start <= c.received_on <= new.received_on),
            key=lambda c: (c.received_on, c.case_id),
        )
    )
    reporters = set().union(*(c.reporters for c in (*related, new)))
    return PatternFinding(is_pattern=bool(related) or len(reporters) >= 2, related=related)
