"""The governing board's anonymised oversight report, per academic year and term.

Every figure a governor sees comes from one protected set per report (`domain/oversight.protect`):
a term's table, the year's table and the term-by-kind chart share their totals, so a number
hidden in one view can never be worked out from another. No names, roles or dates of any case
leave this module: only counts, medians and the school's own term names.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from casetracker import audit
from casetracker.clock import utcnow
from casetracker.dates import LONDON
from casetracker.domain import oversight as rules
from casetracker.domain.entries import EntryType
from casetracker.domain.guidance import Outcome
from casetracker.domain.policy import Actor
from casetracker.domain.reports import ReportKind
from casetracker.extensions import db
from casetracker.models import Case, TermDate
from casetracker.pdf.oversight_document import Figure, Grid, OversightReport
from casetracker.services import case_running

OUTSIDE_TERMS = "Outside term dates"
KINDS = tuple(ReportKind)
GROUPS = ("open", *(o.value for o in Outcome), "closed_other")
GROUP_LABELS = {
    "open": "Still open",
    **{o.value: o.value.capitalize() for o in Outcome},
    "closed_other": "Closed (no outcome needed)",
}
LADO_STATUSES = ("on_time", "late", "not_yet_due")
LADO_LABELS = {"on_time": "On time", "late": "Late", "not_yet_due": "Not yet due"}
LADO_BUCKETS = ("within_1_day", "1_to_3_days", "over_3_days")
LADO_BUCKET_LABELS = {
    "within_1_day": "Within 1 day",
    "1_to_3_days": "1 to 3 days",
    "over_3_days": "More than 3 days",
}
ACTIVITY = ("pattern_reviews", "dbs_referrals", "tra_referrals")
ACTIVITY_LABELS = {
    "pattern_reviews": "Pattern reviews",
    "dbs_referrals": "Referrals to the DBS",
    "tra_referrals": "Referrals to the TRA",
}


@dataclass(frozen=True)
class CaseFigures:
    """What one case adds to the counts: nothing that names or dates it leaves this module."""

    term: str
    kind: str
    group: str
    lado_status: str | None
    lado_hours: float | None
    days_to_close: int | None
    pattern_reviews: int
    dbs_referred: bool
    tra_referred: bool


def _terms_for_year(start_year: int) -> list[tuple[str, dt.date, dt.date]]:
    first, last = rules.academic_year_dates(start_year)
    rows = db.session.scalars(
        select(TermDate).where(TermDate.ends_on >= first, TermDate.starts_on <= last).order_by(TermDate.starts_on)
    )
    return [(term.name, term.starts_on, term.ends_on) for term in rows]


def _figures(case: Case, terms: list[tuple[str, dt.date, dt.date]], now: dt.datetime) -> CaseFigures:
    state = case_running.state_of(case)
    received_on = case.opened_at.astimezone(LONDON).date()
    outcome = state.outcome
    group = "open" if case.status != "closed" else (outcome.value if outcome else "closed_other")
    facts = case_running.facts_for(case)
    lado_status = lado_hours = None
    if facts.lado_due_at is not None:
        consulted = state.lado_consulted
        details = case.details or {}
        started = details.get("lado_clock_started_at")
        start = dt.datetime.fromisoformat(started) if started else case.opened_at
        if consulted is not None:
            lado_hours = max(0.0, (consulted.occurred_at - start).total_seconds() / 3600)
            lado_status = "on_time" if consulted.occurred_at <= facts.lado_due_at else "late"
        else:
            lado_status = "late" if facts.lado_due_at < now else "not_yet_due"
    dbs = state.latest(EntryType.DBS_REFERRAL)
    tra = state.latest(EntryType.TRA_REFERRAL)
    return CaseFigures(
        term=rules.term_for(received_on, terms) or OUTSIDE_TERMS,
        kind=case.kind,
        group=group,
        lado_status=lado_status,
        lado_hours=lado_hours,
        days_to_close=(case.closed_at - case.opened_at).days if case.closed_at else None,
        pattern_reviews=len(state.all_of(EntryType.PATTERN_REVIEW)),
        dbs_referred=bool(dbs and dbs.get("decision") == "referred"),
        tra_referred=bool(tra and tra.get("decision") == "referred"),
    )


class _Figures:
    """Collects every figure of a report, and the lines a reader could subtract along."""

    def __init__(self) -> None:
        self.values: list[int] = []
        self.lines: list[tuple[tuple[int, ...], int]] = []

    def add(self, value: int) -> int:
        self.values.append(value)
        return len(self.values) - 1

    def line(self, parts: Sequence[int], total: int) -> None:
        self.lines.append((tuple(parts), total))


def _grid(
    caption: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[str, str], int],
    row_totals: dict[str, int],
    column_totals: dict[str, int],
    grand: int,
    shown: list[rules.Cell],
    withheld: bool,
    row_labels: dict[str, str] | None = None,
    column_labels: dict[str, str] | None = None,
) -> Grid:
    return Grid(
        caption=caption,
        row_labels=tuple((row_labels or {}).get(r, r) for r in rows),
        column_labels=tuple((column_labels or {}).get(c, c) for c in columns),
        rows=tuple(tuple(shown[cells[(r, c)]] for c in columns) for r in rows),
        row_totals=tuple(shown[row_totals[r]] for r in rows),
        column_totals=tuple(shown[column_totals[c]] for c in columns),
        grand_total=shown[grand],
        withheld=withheld,
    )


def _table(figures: _Figures, counts: dict[tuple[str, str], int], rows: Sequence[str], columns: Sequence[str]):  # type: ignore[no-untyped-def]
    """Add a rows x columns table with its totals; return the indexes of cells, totals and grand."""
    cells = {(r, c): figures.add(counts.get((r, c), 0)) for r in rows for c in columns}
    row_totals = {r: figures.add(sum(counts.get((r, c), 0) for c in columns)) for r in rows}
    column_totals = {c: figures.add(sum(counts.get((r, c), 0) for r in rows)) for c in columns}
    grand = figures.add(sum(counts.get((r, c), 0) for r in rows for c in columns))
    for r in rows:
        figures.line([cells[(r, c)] for c in columns], row_totals[r])
    for c in columns:
        figures.line([cells[(r, c)] for r in rows], column_totals[c])
    figures.line(list(row_totals.values()), grand)
    figures.line(list(column_totals.values()), grand)
    return cells, row_totals, column_totals, grand


def build_report(start_year: int, school_name: str, now: dt.datetime | None = None) -> OversightReport:
    now = now or utcnow()
    terms = _terms_for_year(start_year)
    first, last = rules.academic_year_dates(start_year)
    start = dt.datetime.combine(first, dt.time(0), tzinfo=LONDON)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON)
    cases = db.session.scalars(
        select(Case).where(Case.destroyed_at.is_(None), Case.opened_at >= start, Case.opened_at < end)
    ).all()
    found = [_figures(case, terms, now) for case in cases]
    term_names = [name for name, _, _ in terms]
    if any(f.term == OUTSIDE_TERMS for f in found) or not term_names:
        term_names.append(OUTSIDE_TERMS)
    kinds = [k.value for k in KINDS]

    # One protected set for every count that adds up across terms, kinds and outcomes.
    figures = _Figures()
    cube = Counter((f.term, f.kind, f.group) for f in found)
    per_term = [
        _table(figures, {(k, g): cube[(t, k, g)] for k in kinds for g in GROUPS}, kinds, GROUPS) for t in term_names
    ]
    year = _table(
        figures, {(k, g): sum(cube[(t, k, g)] for t in term_names) for k in kinds for g in GROUPS}, kinds, GROUPS
    )
    year_cells, year_kinds, year_groups, year_grand = year
    for (k, g), index in year_cells.items():
        figures.line([cells[(k, g)] for cells, _, _, _ in per_term], index)
    for k in kinds:
        figures.line([row_totals[k] for _, row_totals, _, _ in per_term], year_kinds[k])
    for g in GROUPS:
        figures.line([column_totals[g] for _, _, column_totals, _ in per_term], year_groups[g])
    figures.line([grand for _, _, _, grand in per_term], year_grand)
    shown, withheld = rules.protect(figures.values, figures.lines)

    def outcome_grid(caption: str, table) -> Grid:  # type: ignore[no-untyped-def]
        cells, row_totals, column_totals, grand = table
        return _grid(
            caption,
            kinds,
            GROUPS,
            cells,
            row_totals,
            column_totals,
            grand,
            shown,
            withheld,
            {k.value: k.label for k in KINDS},
            GROUP_LABELS,
        )

    # The term-by-kind chart reuses the same figures: each term's kind totals.
    term_by_kind = Grid(
        caption="Reports by term and kind",
        row_labels=tuple(term_names),
        column_labels=tuple(k.label for k in KINDS),
        rows=tuple(tuple(shown[row_totals[k]] for k in kinds) for _, row_totals, _, _ in per_term),
        row_totals=tuple(shown[grand] for _, _, _, grand in per_term),
        column_totals=tuple(shown[year_kinds[k]] for k in kinds),
        grand_total=shown[year_grand],
        withheld=withheld,
    )
    return OversightReport(
        school_name=school_name,
        year_label=f"{start_year} to {start_year + 1}",
        terms=tuple(term_names),
        kind_by_outcome_year=outcome_grid("Reports by kind and outcome, whole year", year),
        kind_by_outcome_terms=tuple(
            outcome_grid(f"Reports by kind and outcome, {name}", table)
            for name, table in zip(term_names, per_term, strict=True)
        ),
        term_by_kind=term_by_kind,
        lado_by_term=_term_table(
            "Consulting the LADO: on time or late, by term",
            found,
            term_names,
            LADO_STATUSES,
            LADO_LABELS,
            lambda f: Counter([f.lado_status] if f.lado_status else []),
        ),
        lado_time_by_term=_term_table(
            "Time from receipt to LADO consultation, by term",
            found,
            term_names,
            LADO_BUCKETS,
            LADO_BUCKET_LABELS,
            lambda f: Counter([_bucket(f.lado_hours)] if f.lado_hours is not None else []),
        ),
        lado_median_hours=_medians(found, term_names, lambda f: f.lado_hours),
        closure_median_days=_medians(found, term_names, lambda f: f.days_to_close),
        activity_by_term=_term_table(
            "Pattern reviews and referrals, by term",
            found,
            term_names,
            ACTIVITY,
            ACTIVITY_LABELS,
            lambda f: Counter(
                {
                    "pattern_reviews": f.pattern_reviews,
                    "dbs_referrals": int(f.dbs_referred),
                    "tra_referrals": int(f.tra_referred),
                }
            ),
        ),
        generated_at=now.astimezone(LONDON).strftime("%-d %B %Y"),
    )


def _bucket(hours: float | None) -> str:
    assert hours is not None
    if hours <= 24:
        return "within_1_day"
    return "1_to_3_days" if hours <= 72 else "over_3_days"


def _term_table(caption, found, term_names, columns, labels, count) -> Grid:  # type: ignore[no-untyped-def]
    """A terms x columns table with its totals, protected on its own (its figures add up only
    among themselves)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for f in found:
        for column, n in count(f).items():
            counts[(f.term, column)] += n
    figures = _Figures()
    cells, row_totals, column_totals, grand = _table(figures, counts, term_names, columns)
    shown, withheld = rules.protect(figures.values, figures.lines)
    return _grid(
        caption, term_names, columns, cells, row_totals, column_totals, grand, shown, withheld, column_labels=labels
    )


def _medians(found, term_names, value) -> tuple[Figure, ...]:  # type: ignore[no-untyped-def]
    """Medians per term and for the year, each only where 3 or more cases lie behind it."""
    per_term = [
        Figure(name, _median_text([v for f in found if f.term == name and (v := value(f)) is not None]))
        for name in term_names
    ]
    return (*per_term, Figure("Whole year", _median_text([v for f in found if (v := value(f)) is not None])))


def _median_text(values: list[float]) -> str:
    median = rules.median_or_suppressed([round(v) for v in values])
    return median.text


def years_with_cases() -> list[int]:
    """The academic years that have any case, newest first (and this year, always)."""
    opened = db.session.scalars(select(Case.opened_at).where(Case.destroyed_at.is_(None)))
    years = {rules.academic_year_start(o.astimezone(LONDON).date()) for o in opened}
    years.add(rules.academic_year_start(utcnow().astimezone(LONDON).date()))
    return sorted(years, reverse=True)


def record_view(actor: Actor, start_year: int, action: str = "oversight.viewed") -> None:
    audit.record(action, actor_user_id=actor.user_id, object_type="oversight_report", object_id=str(start_year))
    db.session.commit()
