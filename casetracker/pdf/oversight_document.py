"""The plain data an oversight report is shown and rendered from: figures already protected.

Built by services/oversight.py; shown by templates/oversight/report.html and rendered by
pdf/oversight.py. It holds no number that the suppression rules hid: a hidden figure is a Cell
whose value is None, which prints as "fewer than 3" or "not shown".
"""

from __future__ import annotations

from dataclasses import dataclass

from casetracker.domain import oversight as rules


@dataclass(frozen=True)
class Figure:
    """A labelled figure ready to print (a median, or "fewer than 3 cases")."""

    label: str
    text: str


@dataclass(frozen=True)
class Grid:
    """A table ready to print: rows of cells with a total column, and a totals row."""

    caption: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    rows: tuple[tuple[rules.Cell, ...], ...]
    row_totals: tuple[rules.Cell, ...]
    column_totals: tuple[rules.Cell, ...]
    grand_total: rules.Cell
    withheld: bool = False


@dataclass(frozen=True)
class OversightReport:
    school_name: str
    year_label: str
    terms: tuple[str, ...]
    kind_by_outcome_year: Grid
    kind_by_outcome_terms: tuple[Grid, ...]
    term_by_kind: Grid
    lado_by_term: Grid
    lado_time_by_term: Grid
    lado_median_hours: tuple[Figure, ...]  # per term, then the year
    closure_median_days: tuple[Figure, ...]
    activity_by_term: Grid
    generated_at: str
    notes: tuple[str, ...] = (rules.FEWER_THAN_3_MEANS, rules.NOT_SHOWN_MEANS)
