"""The case manager's dashboard: counts and pages of cases read from clear projections, never
decrypting a case, at a cost that follows the page rather than the number of cases.

Which cases an actor sees is decided by `domain.policy.can_view_case`, as everywhere. Most of an
office holder's cases stand in one plain relation to them (they manage it and are nothing else
to it), so the policy is asked once for that relation and those cases are counted and paged by
indexed range queries. The few cases where the actor stands otherwise (the subject, someone
implicated, a collaborator) are read one by one and each is put to the policy.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, func, select, true

from casetracker.domain.deadlines import AgeBand, age_band, age_band_starts
from casetracker.domain.policy import Actor, CaseRelation, can_view_case
from casetracker.extensions import db
from casetracker.keystore import keyring
from casetracker.models import Case, CaseCollaborator, CasePerson
from casetracker.models.office_versions import has_uncommitted_case_changes, versions
from casetracker.services.case_access import relations_to

DUE_SOON = dt.timedelta(days=7)
PAGE_SIZE = 50
OPEN_STATUSES = ("received", "open")
CLOSED = "closed"
SHOWN_STATUSES = (*OPEN_STATUSES, CLOSED)  # not drafts, not destroyed cases
PLAIN_MANAGER = CaseRelation(is_case_manager=True, is_collaborator=False, is_subject=False, is_implicated=False)


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
    open_total: int
    closed_total: int
    open_rows: list[Row]
    page: int
    pages: int


@dataclass(frozen=True)
class ClosedPage:
    cases: list[Case]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class _Scope:
    """The actor's cases: those of `offices` in the plain relation (when the policy lets the actor
    see those), less `withheld`, plus `extra`, each of which the policy allowed one by one."""

    offices: tuple[str, ...]
    withheld: tuple[Case, ...]  # cases of the offices in some other relation to the actor
    extra: tuple[Case, ...]  # cases in some other relation to the actor that they may see


def _scope(actor: Actor) -> _Scope:
    offices = tuple(sorted(office.value for office in actor.offices))
    index = keyring().blind_index(actor.person_id)
    # Each lookup starts from the actor, by its own index, and names few cases; one query with an
    # OR over them, or with the office in it, lets the planner walk the office's cases instead.
    collaborating = set(
        db.session.scalars(
            select(CaseCollaborator.case_id).where(
                CaseCollaborator.user_id == actor.user_id, CaseCollaborator.removed_at.is_(None)
            )
        )
    )
    ids = collaborating | set(db.session.scalars(select(Case.id).where(Case.subject_index == index)))
    ids.update(
        db.session.scalars(
            select(CasePerson.case_id).where(
                CasePerson.person_index == index, CasePerson.role == "implicated", CasePerson.removed_at.is_(None)
            )
        )
    )
    found = db.session.scalars(select(Case).where(Case.id.in_(ids))) if ids else []
    unusual = [
        case
        for case in found
        if case.status in SHOWN_STATUSES
        and case.destroyed_at is None
        and (case.id in collaborating or case.case_manager_office in offices)
    ]
    relations = relations_to(actor, unusual)
    if not can_view_case(actor, PLAIN_MANAGER):
        offices = ()
    return _Scope(
        offices=offices,
        withheld=tuple(case for case in unusual if case.case_manager_office in offices),
        extra=tuple(case for case in unusual if can_view_case(actor, relations[case.id])),
    )


# --- counting ----------------------------------------------------------------------------------


def _at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _tally(case: Case, now: dt.datetime) -> Counter[str]:
    """What one case adds to the counts: the same tests as the queries in `_count_offices`."""
    tally: Counter[str] = Counter()
    if case.pattern_review_pending:
        tally["patterns"] += 1
    if case.retention_due:
        tally["retention_due"] += 1
    if case.status == CLOSED and case.closed_at is not None:
        tally["closed"] += 1
    if case.status in OPEN_STATUSES:
        tally["open"] += 1
        tally["new"] += case.status == "received"
        tally[age_band(case.opened_at.date(), now.date())] += 1
        tally["overdue"] += case.next_due_at is not None and case.next_due_at < now
        tally["due_soon"] += case.next_due_at is not None and now <= case.next_due_at < now + DUE_SOON
        tally["lado_overdue"] += case.lado_due_at is not None and case.lado_due_at < now
    return tally


def _count_offices(offices: tuple[str, ...], now: dt.datetime, only: frozenset[str] | None) -> Counter[str]:
    """Each count is one range over an index that starts with the office (migration 0009)."""
    if not offices:
        return Counter()
    of_office = Case.case_manager_office.in_(offices)
    is_open = Case.status.in_(OPEN_STATUSES)
    # "open" is the sum of the age bands (they divide the open cases between them): one scan fewer.
    queries: dict[str, list[ColumnElement[bool]]] = {
        "new": [Case.status == "received"],
        "closed": [Case.status == CLOSED, Case.closed_at.is_not(None)],
        "overdue": [is_open, Case.next_due_at < now],
        "due_soon": [is_open, Case.next_due_at >= now, Case.next_due_at < now + DUE_SOON],
        "lado_overdue": [is_open, Case.lado_due_at < now],
        "patterns": [Case.pattern_review_pending == true(), Case.status.in_(SHOWN_STATUSES)],
        "retention_due": [Case.retention_due == true(), Case.status.in_(SHOWN_STATUSES)],
    }
    starts = age_band_starts(now.date())
    bands = list(AgeBand)
    for position, band in enumerate(bands):
        start, newer = starts[band], starts[bands[position - 1]] if position else None
        conditions = [is_open]
        if start is not None:
            conditions.append(Case.opened_at >= _at_midnight(start))
        if newer is not None:
            conditions.append(Case.opened_at < _at_midnight(newer))
        queries[band] = conditions
    counts: Counter[str] = Counter()
    for name, conditions in queries.items():
        if only is not None and name not in only:
            continue
        counts[name] = db.session.scalar(select(func.count()).select_from(Case).where(of_office, *conditions)) or 0
    return counts


def _first_at_or_after(column: Any, offices: tuple[str, ...], moment: dt.datetime) -> dt.datetime | None:
    """The earliest value of a deadline column at or after `moment` among the offices' open cases:
    one seek per office and status down an index that starts with both."""
    found = [
        db.session.scalar(
            select(column)
            .where(Case.case_manager_office == office, Case.status == status, column >= moment)
            .order_by(column)
            .limit(1)
        )
        for office in offices
        for status in OPEN_STATUSES
    ]
    return min((value for value in found if value is not None), default=None)


def _counts_change_at(offices: tuple[str, ...], now: dt.datetime) -> dt.datetime:
    """The first moment after `now` at which the passing of time alone changes a count: a case
    becomes overdue, due within a week or overdue for the LADO, or a new day moves the age bands."""
    moments = [
        _at_midnight(now.date() + dt.timedelta(days=1)),
        _first_at_or_after(Case.next_due_at, offices, now),
        _first_at_or_after(Case.lado_due_at, offices, now),
    ]
    due_later = _first_at_or_after(Case.next_due_at, offices, now + DUE_SOON)
    if due_later is not None:
        moments.append(due_later - DUE_SOON)
    return min(moment for moment in moments if moment is not None)


@dataclass(frozen=True)
class _Kept:
    versions: tuple[str, ...]
    counts: Counter[str]
    made_at: dt.datetime
    good_until: dt.datetime

    def serves(self, versions: tuple[str, ...], now: dt.datetime) -> bool:
        return self.versions == versions and self.made_at <= now < self.good_until


def _office_counts(offices: tuple[str, ...], now: dt.datetime, only: frozenset[str] | None) -> Counter[str]:
    """`_count_offices`, kept by this worker while no counted change is committed to the offices'
    cases (their versions stand) and no deadline or midnight passes. The versions are read before
    the counts, so counts kept under a version are never older than it."""
    if not offices or has_uncommitted_case_changes(db.session):
        return _count_offices(offices, now, only)
    kept: dict[tuple[object, ...], _Kept] = current_app.extensions.setdefault("casetracker.office_counts", {})
    key = (offices, only)
    current = versions(db.session, offices)
    entry = kept.get(key)
    if entry is None or not entry.serves(current, now):
        entry = _Kept(current, _count_offices(offices, now, only), now, _counts_change_at(offices, now))
        kept[key] = entry
    return Counter(entry.counts)


def _counts(scope: _Scope, now: dt.datetime, only: frozenset[str] | None = None) -> Counter[str]:
    counts = _office_counts(scope.offices, now, only)
    for case in scope.withheld:
        counts.subtract(_tally(case, now))
    for case in scope.extra:
        counts.update(_tally(case, now))
    counts["open"] = sum(counts[band] for band in AgeBand)
    return counts


# --- paging ------------------------------------------------------------------------------------


def _pages(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def _open_key(case: Case) -> tuple[bool, dt.datetime, dt.datetime, uuid.UUID]:
    """Soonest due first; cases with nothing due after them, oldest first; the id settles ties
    (in the queries too), so a case is on one page only, however the pages are cut."""
    return (case.next_due_at is None, case.next_due_at or case.opened_at, case.opened_at, case.id)


def _open_streams(scope: _Scope, limit: int) -> Iterator[Iterable[Case]]:
    """Each office's open cases in `_open_key` order, as four ordered index walks (received or
    open; something due or nothing due), each cut at `limit`."""
    withheld = [case.id for case in scope.withheld]
    for office, status, due in itertools.product(scope.offices, OPEN_STATUSES, (True, False)):
        query = select(Case).where(Case.case_manager_office == office, Case.status == status)
        if due:
            query = query.where(Case.next_due_at.is_not(None)).order_by(Case.next_due_at, Case.opened_at, Case.id)
        else:
            query = query.where(Case.next_due_at.is_(None)).order_by(Case.opened_at, Case.id)
        if withheld:
            query = query.where(Case.id.not_in(withheld))
        yield db.session.scalars(query.limit(limit)).all()
    yield sorted((case for case in scope.extra if case.status in OPEN_STATUSES), key=_open_key)


def _page_of(streams: Iterator[Iterable[Case]], key: object, page: int) -> list[Case]:
    merged = heapq.merge(*streams, key=key)  # type: ignore[call-overload]
    start = (page - 1) * PAGE_SIZE
    return list(itertools.islice(merged, start, start + PAGE_SIZE))


def dashboard(actor: Actor, now: dt.datetime, page: int = 1) -> Dashboard:
    """What the actor manages or helps with (the policy decides which cases; the counts follow),
    and one page of their open cases, soonest due first."""
    scope = _scope(actor)
    counts = _counts(scope, now)
    pages = _pages(counts["open"])
    page = min(max(page, 1), pages)
    cases = _page_of(_open_streams(scope, page * PAGE_SIZE), _open_key, page)
    rows = [
        Row(
            case=case,
            band=age_band(case.opened_at.date(), now.date()),
            overdue=case.next_due_at is not None and case.next_due_at < now,
            lado_overdue=case.lado_due_at is not None and case.lado_due_at < now,
        )
        for case in cases
    ]
    return Dashboard(
        new=counts["new"],
        open_by_band={band: counts[band] for band in AgeBand},
        lado_overdue=counts["lado_overdue"],
        due_soon=counts["due_soon"],
        overdue=counts["overdue"],
        patterns=counts["patterns"],
        retention_due=counts["retention_due"],
        open_total=counts["open"],
        closed_total=counts["closed"],
        open_rows=rows,
        page=page,
        pages=pages,
    )


def _closed_key(case: Case) -> tuple[float, _Descending]:
    return (-(case.closed_at or case.opened_at).timestamp(), _Descending(case.id))


@dataclass(frozen=True)
class _Descending:
    """An id that sorts backwards: closed cases run newest first, ties by id descending as in SQL."""

    id: uuid.UUID

    def __lt__(self, other: _Descending) -> bool:
        return self.id > other.id


def closed_cases(actor: Actor, now: dt.datetime, page: int = 1) -> ClosedPage:
    """One page of the closed cases the actor may see, most recently closed first."""
    scope = _scope(actor)
    total = _counts(scope, now, only=frozenset({"closed"}))["closed"]
    pages = _pages(total)
    page = min(max(page, 1), pages)
    withheld = [case.id for case in scope.withheld]
    streams: list[Iterable[Case]] = []
    for office in scope.offices:
        query = select(Case).where(Case.case_manager_office == office, Case.status == CLOSED)
        if withheld:
            query = query.where(Case.id.not_in(withheld))
        # A closed case always has its closing time (case_running.close sets it with the status).
        query = query.where(Case.closed_at.is_not(None)).order_by(Case.closed_at.desc(), Case.id.desc())
        streams.append(db.session.scalars(query.limit(page * PAGE_SIZE)).all())
    extra = (case for case in scope.extra if case.status == CLOSED and case.closed_at is not None)
    streams.append(sorted(extra, key=_closed_key))
    return ClosedPage(cases=_page_of(iter(streams), _closed_key, page), total=total, page=page, pages=pages)
