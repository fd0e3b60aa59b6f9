"""The dashboard counts and pages by index ranges: it must show exactly what reading every case and
asking the policy about each would show, for every way a person can stand to a case."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import select

from casetracker.domain.deadlines import AgeBand, age_band
from casetracker.domain.people import Office
from casetracker.domain.policy import Actor, can_view_case
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, CaseCollaborator, CasePerson
from casetracker.services import dashboard
from casetracker.services.case_access import relations_to
from tests.conftest import make_user

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
OFFICES = [Office.HEADTEACHER.value, Office.DSL.value, Office.CHAIR.value, None]
STATUSES = ["draft", "received", "open", "open", "closed", "closed", "destroyed"]


def maybe(rng: random.Random, chance: float, value: dt.datetime) -> dt.datetime | None:
    return value if rng.random() < chance else None


def build_world(seed: int, actor: Actor, other_user_id: uuid.UUID) -> None:
    """Cases in every state, some with the actor as subject, implicated or collaborator (current
    or removed), and some with another collaborator."""
    rng = random.Random(seed)
    index = keyring().blind_index(actor.person_id)
    for number in range(90):
        opened = NOW - dt.timedelta(days=rng.randint(0, 500), minutes=rng.randint(0, 1440))
        status = rng.choice(STATUSES)
        case = Case(
            reference=f"CT-T{seed:02d}-{number:04d}",
            kind=rng.choice(["allegation", "low_level_concern", "whistleblowing"]),
            status=status,
            case_manager_office=rng.choice(OFFICES),
            opened_at=opened,
            closed_at=opened + dt.timedelta(days=rng.randint(1, 60)) if status in ("closed", "destroyed") else None,
            destroyed_at=NOW if status == "destroyed" else None,
            subject_index=index if rng.random() < 0.08 else uuid.uuid4().hex,
            next_due_at=maybe(rng, 0.6, NOW + dt.timedelta(hours=rng.randint(-400, 400))),
            lado_due_at=maybe(rng, 0.3, NOW + dt.timedelta(hours=rng.randint(-100, 100))),
            pattern_review_pending=rng.random() < 0.15,
            retention_due=rng.random() < 0.15,
        )
        db.session.add(case)
        db.session.flush()
        if rng.random() < 0.08:
            removed = maybe(rng, 0.3, NOW)
            db.session.add(CasePerson(case_id=case.id, role="implicated", person_index=index, removed_at=removed))
        if rng.random() < 0.12:
            removed = maybe(rng, 0.3, NOW)
            db.session.add(CaseCollaborator(case_id=case.id, user_id=actor.user_id, removed_at=removed))
        if rng.random() < 0.1:
            db.session.add(CaseCollaborator(case_id=case.id, user_id=other_user_id))
    db.session.commit()


def oracle(actor: Actor) -> tuple[Counter[str], list[uuid.UUID], list[uuid.UUID]]:
    """Read every case and ask the policy about each: what the dashboard must agree with."""
    cases = list(
        db.session.scalars(select(Case).where(Case.destroyed_at.is_(None), Case.status.in_(dashboard.SHOWN_STATUSES)))
    )
    relations = relations_to(actor, cases)
    visible = [case for case in cases if can_view_case(actor, relations[case.id])]
    counts: Counter[str] = Counter()
    for case in visible:
        counts.update(dashboard._tally(case, NOW))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    open_cases = sorted(
        (c for c in visible if c.status in dashboard.OPEN_STATUSES),
        key=lambda c: (c.next_due_at or far, c.opened_at, c.id),
    )
    closed = sorted((c for c in visible if c.status == "closed"), key=lambda c: (c.closed_at, c.id), reverse=True)
    return counts, [c.id for c in open_cases], [c.id for c in closed]


def every_page(actor: Actor) -> tuple[list[dashboard.Dashboard], list[dashboard.ClosedPage]]:
    first = dashboard.dashboard(actor, NOW)
    boards = [first] + [dashboard.dashboard(actor, NOW, page) for page in range(2, first.pages + 1)]
    first_closed = dashboard.closed_cases(actor, NOW)
    closed = [first_closed] + [dashboard.closed_cases(actor, NOW, p) for p in range(2, first_closed.pages + 1)]
    return boards, closed


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("offices", [("headteacher",), ("headteacher", "dsl"), ()], ids=["head", "head+dsl", "none"])
def test_counts_and_pages_match_reading_every_case(
    app: Flask, monkeypatch: pytest.MonkeyPatch, seed: int, offices: tuple[str, ...]
) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 7)  # several pages from a small world
    user = make_user(app, "Dana Example")
    other = make_user(app, "Eli Example")
    actor = Actor(user.id, user.person_id, frozenset(), frozenset(Office(o) for o in offices))
    with app.app_context():
        build_world(seed, actor, other.id)
        expected, open_ids, closed_ids = oracle(actor)
        boards, closed_pages = every_page(actor)
        board = boards[0]
        assert board.new == expected["new"]
        assert board.overdue == expected["overdue"]
        assert board.due_soon == expected["due_soon"]
        assert board.lado_overdue == expected["lado_overdue"]
        assert board.patterns == expected["patterns"]
        assert board.retention_due == expected["retention_due"]
        assert board.open_by_band == {band: expected[band] for band in AgeBand}
        assert board.open_total == len(open_ids) and board.closed_total == len(closed_ids)
        # Page after page, every open case once, in order; every closed case once, newest first.
        assert [row.case.id for b in boards for row in b.open_rows] == open_ids
        assert [case.id for page in closed_pages for case in page.cases] == closed_ids
        assert all(len(b.open_rows) <= 7 for b in boards)


def test_the_subject_and_the_implicated_never_see_their_case_on_the_dashboard(app: Flask) -> None:
    head = make_user(app, "Harriet Head", office=Office.HEADTEACHER)
    actor = Actor(head.id, head.person_id, frozenset(), frozenset({Office.HEADTEACHER}))
    with app.app_context():
        index = keyring().blind_index(head.person_id)
        head_cases = {"kind": "allegation", "status": "open", "case_manager_office": "headteacher"}
        about_head = Case(reference="CT-SUBJ-0001", subject_index=index, **head_cases)
        implicating = Case(reference="CT-IMPL-0001", **head_cases)
        plain = Case(reference="CT-PLAIN-001", **head_cases)
        db.session.add_all([about_head, implicating, plain])
        db.session.flush()
        db.session.add(CasePerson(case_id=implicating.id, role="implicated", person_index=index))
        db.session.commit()
        board = dashboard.dashboard(actor, NOW)
        assert [row.case.reference for row in board.open_rows] == ["CT-PLAIN-001"]
        assert board.open_total == 1 and sum(board.open_by_band.values()) == 1


def test_a_page_beyond_the_last_shows_the_last_page(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)
    head = make_user(app, "Harriet Head", office=Office.HEADTEACHER)
    actor = Actor(head.id, head.person_id, frozenset(), frozenset({Office.HEADTEACHER}))
    with app.app_context():
        for number in range(5):
            opened = NOW - dt.timedelta(days=number)
            db.session.add(
                Case(
                    reference=f"CT-PAGE-{number:04d}",
                    kind="allegation",
                    status="open",
                    case_manager_office="headteacher",
                    opened_at=opened,
                )
            )
        db.session.commit()
        board = dashboard.dashboard(actor, NOW, page=99)
        assert (board.page, board.pages) == (3, 3)
        assert [row.case.reference for row in board.open_rows] == ["CT-PAGE-0000"]
        assert age_band(board.open_rows[0].case.opened_at.date(), NOW.date()) is AgeBand.UNDER_1_MONTH


def test_cases_opened_or_closed_at_the_same_moment_each_appear_on_one_page(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1)
    head = make_user(app, "Harriet Head", office=Office.HEADTEACHER)
    actor = Actor(head.id, head.person_id, frozenset(), frozenset({Office.HEADTEACHER}))
    moment = NOW - dt.timedelta(days=3)
    with app.app_context():
        for number, status in enumerate(["open"] * 3 + ["closed"] * 3):
            db.session.add(
                Case(
                    reference=f"CT-TIED-{number:04d}",
                    kind="allegation",
                    status=status,
                    case_manager_office="headteacher",
                    opened_at=moment,
                    closed_at=moment if status == "closed" else None,
                )
            )
        db.session.commit()
        boards, closed_pages = every_page(actor)
        open_listed = [row.case.reference for board in boards for row in board.open_rows]
        closed_listed = [case.reference for page in closed_pages for case in page.cases]
        assert sorted(open_listed) == ["CT-TIED-0000", "CT-TIED-0001", "CT-TIED-0002"]
        assert sorted(closed_listed) == ["CT-TIED-0003", "CT-TIED-0004", "CT-TIED-0005"]
