"""The governing board's anonymised oversight figures (DOMAIN.md section 4): which numbers to hide.

Governors other than the case manager see only aggregate figures, with "numbers below 3
suppressed, and totals that would reveal a suppressed number too". This module decides which
figures a page or PDF may print; it never returns a hidden number, so a template cannot leak one.

The rules, and why:

* **0, 1 and 2 are all shown as "fewer than 3".** DOMAIN.md says "numbers below 3", and 0 is
  one. It matters: if 0 were printed as "0", "fewer than 3" would mean "1 or 2", so a reader
  would learn that at least one case exists, and subtraction would often pin a number exactly —
  a row of 1, 1 and 5 with a total of 7 leaves 2 to share between two cells that are each at
  least 1, so both must be 1. Some tables (1, 1 and 0, total 2) could not be protected at all.
  With 0 hidden too, "fewer than 3" honestly means 0, 1 or 2. The cost — a governor sees
  "fewer than 3" rather than "0 late" — is the price of the board's view being anonymous; the
  case manager sees the exact figures.
* **A figure hidden only to protect another is shown as "not shown"**, distinct words so
  that no number is ever misdescribed ("fewer than 3" is never printed for 5). A reader can
  work out that a "not shown" figure is 3 or more, and the protection check below assumes so.
* **Totals and differences.** In every line — a row with its total, a column with its total,
  the totals row or totals column with the grand total, a year with its terms — a reader can
  subtract. So, repeating until nothing changes: (a) a line with exactly one hidden member
  gets a second (the smallest shown part, or the total when every part is hidden); and
  (b) the page is read the way a careful reader who knows these rules would — each "fewer
  than 3" as 0 to 2, each "not shown" as 3 or more, every line adding up — and any "fewer
  than 3" that only one whole number fits gets a further figure hidden in one of its lines
  (see `_Reader`). Rule (a) alone is not enough: 2, 2 and 5 with a total of 9 hides two
  cells, yet 9 - 5 = 4 can only be 2 + 2.
* **Decisions never look at a hidden small number.** Which extra figures are hidden depends
  only on what the reader will see, so knowing these rules tells a reader nothing about
  whether a "fewer than 3" is 0, 1 or 2.
* **Withheld.** If no pattern of hidden figures protects a table (rare, and only with very
  small numbers), every figure in it becomes "not shown" and `withheld` is set: the page
  should then say the table is not shown because the numbers are too small.

Limits the service must respect: figures in different tables that are the same number (a
kind's total for the year in two tables, a year total beside its terms) must be protected
together — one call to `protect` with every line through them — or a number hidden in one
table can be worked out from another; and a figure shown beside a table (for example "on
time" beside "late") must be part of the line it completes.

Pure: no Flask, no database. Dates are London calendar dates; the service converts times first.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

SUPPRESSION_THRESHOLD = 3
FEWER_THAN_3 = "fewer than 3"
NOT_SHOWN = "not shown"
FEWER_THAN_3_CASES = "fewer than 3 cases"

# Words for the page's key, so every table explains its markers the same way.
FEWER_THAN_3_MEANS = "'fewer than 3' means 0, 1 or 2"
NOT_SHOWN_MEANS = (
    "'not shown' means the number is 3 or more, hidden so that a smaller number cannot be worked out from it"
)
WITHHELD_MEANS = "This table is not shown because the numbers are too small to show without identifying anyone"


class Hidden(StrEnum):
    """Why a figure is hidden."""

    SMALL = "small"  # 0, 1 or 2
    PROTECTS = "protects"  # 3 or more, hidden so that a small figure cannot be worked out
    WITHHELD = "withheld"  # the whole table is hidden


@dataclass(frozen=True)
class Cell:
    """One figure as the board may see it: the number, or None and the reason it is hidden."""

    value: int | None
    hidden: Hidden | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.hidden is None):
            raise ValueError("A figure is either shown (with its number) or hidden (with a reason)")

    @property
    def suppressed(self) -> bool:
        return self.hidden is not None

    @property
    def text(self) -> str:
        if self.hidden is None:
            return str(self.value)
        return FEWER_THAN_3 if self.hidden is Hidden.SMALL else NOT_SHOWN


@dataclass(frozen=True)
class SuppressedTable:
    """A table ready to print. Totals are empty (and `grand_total` None) when asked for without."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: Mapping[tuple[str, str], Cell]
    row_totals: Mapping[str, Cell]
    column_totals: Mapping[str, Cell]
    grand_total: Cell | None
    withheld: bool = False

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[(row, column)]

    def row(self, label: str) -> tuple[Cell, ...]:
        return tuple(self.cells[(label, column)] for column in self.column_labels)


@dataclass(frozen=True)
class Median:
    """A median (of days, or hours) the board may see: only when it summarises 3 or more cases."""

    value: float | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def text(self) -> str:
        if self.value is None:
            return FEWER_THAN_3_CASES
        return _number_text(self.value)


def suppress_count(n: int) -> Cell:
    """A figure that stands alone (pattern reviews this term, referrals made): hidden below 3."""
    _check_count(n)
    return Cell(None, Hidden.SMALL) if n < SUPPRESSION_THRESHOLD else Cell(n)


def median_or_suppressed(values: Sequence[float]) -> Median:
    """The median of `values`, or hidden when fewer than 3 cases lie behind it.

    With one or two cases a median is a person's own figure (or the average of two).
    """
    if len(values) < SUPPRESSION_THRESHOLD:
        return Median(None)
    return Median(float(statistics.median(values)))


def suppress_table(
    rows: Mapping[str, Mapping[str, int]],
    row_order: Sequence[str],
    column_order: Sequence[str],
    with_totals: bool = True,
) -> SuppressedTable:
    """Counts by row and column (e.g. kind x outcome), with row, column and grand totals.

    A row or column missing from `rows` counts as 0. Without totals nothing can be subtracted,
    so only 0, 1 and 2 are hidden — but then the service must not print those totals anywhere.
    """
    row_labels, column_labels = tuple(row_order), tuple(column_order)
    unknown_rows = set(rows) - set(row_labels)
    unknown_columns = {column for row in rows.values() for column in row} - set(column_labels)
    if unknown_rows or unknown_columns:
        raise ValueError(f"Counts outside the table: {sorted(unknown_rows | unknown_columns)}")
    width = len(column_labels)
    values = [rows.get(r, {}).get(c, 0) for r in row_labels for c in column_labels]
    for value in values:
        _check_count(value)
    lines: list[_Line] = []
    if with_totals:
        first_row_total = len(values)
        first_column_total = first_row_total + len(row_labels)
        grand = first_column_total + width
        row_totals = [sum(values[i * width : (i + 1) * width]) for i in range(len(row_labels))]
        column_totals = [sum(values[j::width]) if width else 0 for j in range(width)]
        values += [*row_totals, *column_totals, sum(row_totals)]
        for i in range(len(row_labels)):
            lines.append((tuple(range(i * width, (i + 1) * width)), first_row_total + i))
        for j in range(width):
            lines.append((tuple(range(j, first_row_total, width)), first_column_total + j))
        lines.append((tuple(range(first_column_total, grand)), grand))
        lines.append((tuple(range(first_row_total, first_column_total)), grand))
    cells, withheld = _protect(values, lines)
    positions = [(r, c) for r in row_labels for c in column_labels]
    body = dict(zip(positions, cells, strict=False))
    rest = cells[len(positions) :]
    return SuppressedTable(
        row_labels=row_labels,
        column_labels=column_labels,
        cells=body,
        row_totals=dict(zip(row_labels, rest, strict=False)) if with_totals else {},
        column_totals=dict(zip(column_labels, rest[len(row_labels) :], strict=False)) if with_totals else {},
        grand_total=rest[-1] if with_totals else None,
        withheld=withheld,
    )


def protect(values: Sequence[int], lines: Sequence[tuple[Sequence[int], int]]) -> tuple[list[Cell], bool]:
    """Any set of figures, and the lines a reader can subtract along, protected together.

    `lines` are (indexes of the parts, index of their total). For a report whose tables share
    figures (a term's totals are parts of the year's), build one list of every figure and every
    line through it, and print only what this returns: protecting each table on its own would
    let a number hidden in one be worked out from another. Returns a cell per value, and
    whether the whole set had to be withheld.
    """
    for value in values:
        _check_count(value)
    checked: list[_Line] = []
    for parts, total in lines:
        if sum(values[p] for p in parts) != values[total]:
            raise ValueError(f"Figure {total} is not the sum of figures {tuple(parts)}")
        checked.append((tuple(parts), total))
    return _protect(values, checked)


def suppress_parts(total: int, parts: Mapping[str, int]) -> tuple[Cell, dict[str, Cell]]:
    """A whole and the parts it splits into, so that whole minus the shown parts reveals nothing.

    The parts must add up to the whole: anything not otherwise counted (reports received in a
    holiday, say) must be a part of its own, or a reader would take the gap for zero.
    """
    _check_count(total)
    for value in parts.values():
        _check_count(value)
    if sum(parts.values()) != total:
        raise ValueError("The parts must add up to the total: add a part for whatever else the total counts")
    labels = list(parts)
    values = [parts[label] for label in labels] + [total]
    cells, _ = _protect(values, [(tuple(range(len(labels))), len(labels))])
    return cells[-1], dict(zip(labels, cells, strict=False))


def suppress_periods(year_total: int, term_counts: Mapping[str, int]) -> tuple[Cell, dict[str, Cell]]:
    """A year's figure and its terms' figures: the year less the shown terms reveals no hidden term.

    Reports received outside the term dates belong in `term_counts` too (e.g. "Outside term
    dates"), so that the terms add up to the year.
    """
    return suppress_parts(year_total, term_counts)


def term_for(day: dt.date, terms: Iterable[tuple[str, dt.date, dt.date]]) -> str | None:
    """The name of the term (name, first day, last day — both inclusive) `day` falls in.

    None in a holiday. Terms do not overlap (the settings forbid it); the first match wins.
    """
    _check_date(day)
    for name, starts_on, ends_on in terms:
        if starts_on <= day <= ends_on:
            return name
    return None


def academic_year_start(day: dt.date) -> int:
    """The calendar year an academic year (1 September to 31 August) containing `day` starts in."""
    _check_date(day)
    return day.year if day.month >= 9 else day.year - 1


def academic_year_label(day: dt.date) -> str:
    """E.g. "2026 to 2027" — GOV.UK style writes ranges with "to", not a dash."""
    start = academic_year_start(day)
    return f"{start} to {start + 1}"


def academic_year_dates(start_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the academic year starting in `start_year`."""
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


# --- the protection itself -------------------------------------------------------------------

# A line a reader can subtract along: the indexes of the parts, and the index of their total.
_Line = tuple[tuple[int, ...], int]


def _protect(values: Sequence[int], lines: Sequence[_Line]) -> tuple[list[Cell], bool]:
    """The cells for `values`, and whether all of them had to be withheld."""
    hidden: list[Hidden | None] = [Hidden.SMALL if v < SUPPRESSION_THRESHOLD else None for v in values]
    reader = _Reader(len(values), lines)
    while lines:
        cover = _cover_for_lone_hidden(values, lines, hidden)
        if cover is None:
            exposed = reader.first_exposed(values, hidden)
            if exposed is None:
                break
            cover = _cover_for_exposed(exposed, values, reader.lines_through(exposed), hidden)
            if cover is None:
                return [Cell(None, Hidden.WITHHELD) for _ in values], True
        hidden[cover] = Hidden.PROTECTS
    return [Cell(v) if h is None else Cell(None, h) for v, h in zip(values, hidden, strict=True)], False


def _cover_in_line(line: _Line, values: Sequence[int], hidden: Sequence[Hidden | None]) -> int | None:
    """The figure to hide next in a line: its smallest shown part, else its total if shown."""
    parts, total = line
    shown = [p for p in parts if hidden[p] is None]
    if shown:
        return min(shown, key=lambda p: (values[p], p))
    return total if hidden[total] is None else None


def _cover_for_lone_hidden(
    values: Sequence[int], lines: Sequence[_Line], hidden: Sequence[Hidden | None]
) -> int | None:
    """Rule (a): a line with exactly one hidden figure gives it away by subtraction."""
    for line in lines:
        parts, total = line
        if sum(hidden[m] is not None for m in (*parts, total)) == 1:
            cover = _cover_in_line(line, values, hidden)
            if cover is not None:
                return cover
    return None


def _cover_for_exposed(
    exposed: int, values: Sequence[int], through: Sequence[_Line], hidden: Sequence[Hidden | None]
) -> int | None:
    """Another figure to hide: the smallest candidate in the exposed figure's lines, else anywhere."""
    candidates = [c for line in through if (c := _cover_in_line(line, values, hidden)) is not None]
    if not candidates:
        candidates = [i for i, reason in enumerate(hidden) if reason is None]
    return min(candidates, key=lambda i: (values[i], i)) if candidates else None


class _Reader:
    """What a reader who knows these rules can work out from the shown figures alone.

    Each figure starts as a range: a shown number exactly, "fewer than 3" as 0 to 2, "not shown"
    as 3 or more. Along every line the ranges narrow (a total lies between the sums of its
    parts' lowest and highest; a part between its total's range less the others') until nothing
    narrows. Then each "fewer than 3" is probed: fix it at one value, narrow again, and if the
    ranges contradict each other that value is impossible. A "fewer than 3" with fewer than two
    possible values is exposed. Both steps are sound — they never rule out the true numbers —
    and probing catches what a reader combining several lines would find, which narrowing
    alone misses (in a 3 x 3 table, one column fixing the sum of two hidden cells and the grand
    total fixing the sum of five left the other three only 2 + 2 + 2).
    """

    def __init__(self, size: int, lines: Sequence[_Line]) -> None:
        self.lines = list(lines)
        through: list[list[int]] = [[] for _ in range(size)]
        for index, (parts, total) in enumerate(self.lines):
            for member in (*parts, total):
                through[member].append(index)
        self.through = through

    def lines_through(self, member: int) -> list[_Line]:
        return [self.lines[i] for i in self.through[member]]

    def first_exposed(self, values: Sequence[int], hidden: Sequence[Hidden | None]) -> int | None:
        """The first "fewer than 3" the reader could pin to one number, or None."""
        low: list[float] = []
        high: list[float] = []
        for value, reason in zip(values, hidden, strict=True):
            if reason is None:
                low.append(value)
                high.append(value)
            elif reason is Hidden.SMALL:
                low.append(0)
                high.append(SUPPRESSION_THRESHOLD - 1)
            else:
                low.append(SUPPRESSION_THRESHOLD)
                high.append(math.inf)
        consistent = self._narrow(low, high, range(len(self.lines)))
        assert consistent, "the true figures always add up along the lines"
        for member, reason in enumerate(hidden):
            if reason is not Hidden.SMALL:
                continue
            possible = 0
            # Try the ends of the range first: two survivors settle it.
            first, last = int(low[member]), int(high[member])
            for candidate in dict.fromkeys([first, last, *range(first + 1, last)]):
                trial_low, trial_high = list(low), list(high)
                trial_low[member] = trial_high[member] = candidate
                possible += self._narrow(trial_low, trial_high, self.through[member])
                if possible == 2:
                    break
            if possible < 2:
                return member
        return None

    def _narrow(self, low: list[float], high: list[float], start: Iterable[int]) -> bool:
        """Narrow the ranges in place along the lines, from `start`; False on a contradiction."""
        queue = deque(start)
        waiting = set(queue)
        while queue:
            index = queue.popleft()
            waiting.discard(index)
            parts, total = self.lines[index]
            sum_low = sum(low[p] for p in parts)
            finite_high = sum(high[p] for p in parts if high[p] != math.inf)
            unbounded = sum(high[p] == math.inf for p in parts)
            narrowed = [(total, sum_low, math.inf if unbounded else finite_high)]
            for p in parts:
                others_unbounded = unbounded - (high[p] == math.inf)
                others_high = math.inf if others_unbounded else finite_high - (high[p] if high[p] != math.inf else 0)
                narrowed.append((p, low[total] - others_high, high[total] - (sum_low - low[p])))
            for member, new_low, new_high in narrowed:
                changed = False
                if new_low > low[member]:
                    low[member], changed = new_low, True
                if new_high < high[member]:
                    high[member], changed = new_high, True
                if low[member] > high[member]:
                    return False
                if changed:
                    for other in self.through[member]:
                        if other not in waiting:
                            waiting.add(other)
                            queue.append(other)
        return True


def _check_count(n: int) -> None:
    if n < 0:
        raise ValueError("A count cannot be negative")


def _check_date(day: dt.date) -> None:
    # A datetime would compare against term dates in UTC and fail near midnight; convert first.
    if isinstance(day, dt.datetime):
        raise TypeError("Pass a London calendar date, not a datetime")


def _number_text(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"
