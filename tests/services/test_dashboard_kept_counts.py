"""A worker keeps the dashboard's counts while nothing they count has changed. Whatever changes a
count (a committed change to a case, by any process, or time passing a deadline or midnight)
must show on the next view, exactly as counting afresh would."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.domain.deadlines import AgeBand
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor
from casetracker.extensions import db
from casetracker.models import Case
from casetracker.services import dashboard
from tests.conftest import make_user

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def fresh_counts(now: dt.datetime) -> Counter[str]:
    """Every headteacher case read and tallied: what the dashboard must show."""
    counts: Counter[str] = Counter()
    for case in db.session.scalars(select(Case).where(Case.case_manager_office == "headteacher")):
        if case.destroyed_at is None and case.status in dashboard.SHOWN_STATUSES:
            counts.update(dashboard._tally(case, now))
    return counts


def shown(board: dashboard.Dashboard) -> dict[str, int]:
    return {
        "new": board.new,
        "overdue": board.overdue,
        "due_soon": board.due_soon,
        "lado_overdue": board.lado_overdue,
        "patterns": board.patterns,
        "retention_due": board.retention_due,
        "open": board.open_total,
        "closed": board.closed_total,
        **{band.value: count for band, count in board.open_by_band.items()},
    }


def expected(now: dt.datetime) -> dict[str, int]:
    counts = fresh_counts(now)
    names = ["new", "overdue", "due_soon", "lado_overdue", "patterns", "retention_due", "open", "closed"]
    return {name: counts[name] for name in names} | {band.value: counts[band] for band in AgeBand}


def seed() -> list[Case]:
    cases = [
        Case(reference="CT-KEPT-0001", kind="allegation", status="received", case_manager_office="headteacher"),
        Case(reference="CT-KEPT-0002", kind="allegation", status="open", case_manager_office="headteacher"),
        Case(reference="CT-KEPT-0003", kind="low_level_concern", status="open", case_manager_office="headteacher"),
        Case(reference="CT-KEPT-0004", kind="allegation", status="open", case_manager_office="chair"),
    ]
    for number, case in enumerate(cases):
        case.opened_at = NOW - dt.timedelta(days=10 * number + 1)
        case.next_due_at = NOW + dt.timedelta(days=number + 2)
        case.lado_due_at = NOW + (number + 1) * HOUR
    db.session.add_all(cases)
    db.session.commit()
    return cases


def close(case: Case) -> None:
    case.status, case.closed_at = "closed", NOW


def move_to_chair(case: Case) -> None:
    case.case_manager_office = "chair"


def move_from_chair(case: Case) -> None:
    case.case_manager_office = "headteacher"


def make_overdue(case: Case) -> None:
    case.next_due_at = NOW - HOUR


def flag_pattern(case: Case) -> None:
    case.pattern_review_pending = True


def flag_retention(case: Case) -> None:
    case.retention_due = True


def destroy(case: Case) -> None:
    case.status, case.destroyed_at = "destroyed", NOW


def open_received(case: Case) -> None:
    case.status = "open"


CHANGES: list[tuple[int, Callable[[Case], None]]] = [
    (1, close),
    (0, open_received),
    (1, move_to_chair),
    (3, move_from_chair),
    (2, make_overdue),
    (2, flag_pattern),
    (1, flag_retention),
    (2, destroy),
]


def head_actor(app: Flask) -> Actor:
    head = make_user(app, "Harriet Head", office=Office.HEADTEACHER)
    return Actor(head.id, head.person_id, frozenset(), frozenset({Office.HEADTEACHER}))


@pytest.mark.parametrize(("which", "change"), CHANGES, ids=[change.__name__ for _, change in CHANGES])
def test_a_committed_change_shows_on_the_next_view(app: Flask, which: int, change: Callable[[Case], None]) -> None:
    actor = head_actor(app)
    with app.app_context():
        cases = seed()
        assert shown(dashboard.dashboard(actor, NOW)) == expected(NOW)  # counted and kept
        assert shown(dashboard.dashboard(actor, NOW)) == expected(NOW)  # served as kept
        change(db.session.get(Case, cases[which].id))
        db.session.commit()
        assert shown(dashboard.dashboard(actor, NOW)) == expected(NOW)


def test_a_change_committed_by_another_process_shows_too(app: Flask) -> None:
    actor = head_actor(app)
    with app.app_context():
        cases = seed()
        before = shown(dashboard.dashboard(actor, NOW))
        # Another worker: its own session and connection, sharing only the database.
        with Session(db.engine) as other:
            close(other.get(Case, cases[1].id))
            other.add(
                Case(reference="CT-KEPT-0009", kind="allegation", status="received", case_manager_office="headteacher")
            )
            other.commit()
        db.session.commit()  # end this view's read transaction, as the end of a request does
        after = shown(dashboard.dashboard(actor, NOW))
        assert after == expected(NOW)
        assert (after["closed"], after["new"]) == (before["closed"] + 1, before["new"] + 1)


@pytest.mark.parametrize(
    "later",
    [
        pytest.param(HOUR + dt.timedelta(seconds=1), id="a LADO deadline passes"),
        pytest.param(2 * DAY + dt.timedelta(seconds=1), id="a next step falls due"),
        pytest.param(dt.timedelta(hours=14, minutes=31), id="midnight moves the age bands"),
        pytest.param(30 * DAY, id="a month on"),
    ],
)
def test_time_passing_a_deadline_or_midnight_shows_without_any_change(app: Flask, later: dt.timedelta) -> None:
    actor = head_actor(app)
    with app.app_context():
        seed()
        first = shown(dashboard.dashboard(actor, NOW))
        then = shown(dashboard.dashboard(actor, NOW + later))
        assert then == expected(NOW + later)
        assert then != first


def test_a_change_not_yet_committed_is_counted_for_its_own_transaction_only(app: Flask) -> None:
    actor = head_actor(app)
    with app.app_context():
        cases = seed()
        dashboard.dashboard(actor, NOW)
        close(db.session.get(Case, cases[1].id))
        assert shown(dashboard.dashboard(actor, NOW)) == expected(NOW)  # sees its own change
        db.session.rollback()
        assert shown(dashboard.dashboard(actor, NOW)) == expected(NOW)  # and forgets it with the rollback
        assert db.session.get(Case, cases[1].id).status == "open"
