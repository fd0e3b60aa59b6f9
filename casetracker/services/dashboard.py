"""The case manager's dashboard: counts and lists read from clear projections, never decrypting a case."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from casetracker.domain.deadlines import AgeBand, age_band
from casetracker.domain.policy import Actor
from casetracker.models import Case
from casetracker.services.case_access import visible_cases

DUE_SOON = dt.timedelta(days=7)
OPEN_STATUSES = frozenset({"received", "open"})


@dataclass(frozen=True)
class Row:
    case: Case
    band: AgeBand
    overdue: bool
    lado_overdue: bool


@dataclass(frozen=True)
class Dashboard:
    new: int
    open_by_band: dict[AgeBand, int]
    lado_overdue: int
    due_soon: int
    overdue: int
    patterns: int
    retention_due: int
    open_rows: list[Row]
    closed: list[Case]


def dashboard(actor: Actor, now: dt.datetime) -> Dashboard:
    """What the actor manages or helps with (the policy decides which cases; the counts follow)."""
    cases = visible_cases(actor)
    open_cases = [c for c in cases if c.status in OPEN_STATUSES]
    rows = [
        Row(
            case=c,
            band=age_band(c.opened_at.date(), now.date()),
            overdue=c.next_due_at is not None and c.next_due_at < now,
            lado_overdue=c.lado_due_at is not None and c.lado_due_at < now,
        )
        for c in open_cases
    ]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (r.case.next_due_at or far, r.case.opened_at))
    bands = Counter(row.band for row in rows)
    return Dashboard(
        new=sum(1 for c in open_cases if c.status == "received"),
        open_by_band={band: bands.get(band, 0) for band in AgeBand},
        lado_overdue=sum(1 for r in rows if r.lado_overdue),
        due_soon=sum(1 for c in open_cases if c.next_due_at is not None and now <= c.next_due_at < now + DUE_SOON),
        overdue=sum(1 for r in rows if r.overdue),
        patterns=sum(1 for c in cases if c.pattern_review_pending),
        retention_due=sum(1 for c in cases if c.retention_due),
        open_rows=rows,
        closed=[c for c in cases if c.status == "closed"],
    )
