"""The board's anonymised oversight figures (DOMAIN.md section 4): numbers below 3 are hidden, and so is
any total or difference that would give one away."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casetracker.domain.oversight import (
    FEWER_THAN_3,
    FEWER_THAN_3_CASES,
    NOT_SHOWN,
    Cell,
    Hidden,
    SuppressedTable,
    academic_year_dates,
    academic_year_label,
    academic_year_start,
    median_or_suppressed,
    protect,
    suppress_count,
    suppress_parts,
    suppress_periods,
    suppress_table,
    term_for,
)

F3, NS = FEWER_THAN_3, NOT_SHOWN
Line = tuple[tuple[int, ...], int]


# --- helpers: the table as a reader sees it, and a brute-force reader -------------------------


def as_text(table: SuppressedTable) -> list[list[str]]:
    """Each row's cells then its total, then the totals row and the grand total."""
    assert table.grand_total is not None
    rows = [[*(cell.text for cell in table.row(r)), table.row_totals[r].text] for r in table.row_labels]
    totals = [*(table.column_totals[c].text for c in table.column_labels), table.grand_total.text]
    return [*rows, totals]


def flatten(table: SuppressedTable) -> tuple[list[Cell], list[Line]]:
    """Every figure of a table with totals, and the lines a reader can subtract along."""
    rows, columns = table.row_labels, table.column_labels
    assert table.grand_total is not None
    figures = [table.cell(r, c) for r in rows for c in columns]
    figures += [table.row_totals[r] for r in rows] + [table.column_totals[c] for c in columns] + [table.grand_total]
    width, body = len(columns), len(rows) * len(columns)
    row_total = [body + i for i in range(len(rows))]
    column_total = [body + len(rows) + j for j in range(width)]
    grand = body + len(rows) + width
    lines: list[Line] = [(tuple(range(i * width, (i + 1) * width)), row_total[i]) for i in range(len(rows))]
    lines += [(tuple(range(j, body, width)), column_total[j]) for j in range(width)]
    lines += [(tuple(column_total), grand), (tuple(row_total), grand)]
    return figures, lines


def pinned(figures: Sequence[Cell], lines: Sequence[Line], cap: int) -> list[int]:
    """The "fewer than 3" figures that only one whole number fits, trying every set of numbers
    consistent with the page: "fewer than 3" as 0 to 2, "not shown" as 3 to `cap`, and every line
    adding up. Exact (up to `cap`), and independent of how the module checks itself."""
    domains = [
        range(f.value, f.value + 1)
        if f.value is not None
        else range(0, 3)
        if f.hidden is Hidden.SMALL
        else range(3, cap + 1)
        for f in figures
    ]

    def fits(chosen: list[int | None]) -> bool:
        def low(i: int) -> int:
            value = chosen[i]
            return domains[i][0] if value is None else value

        def high(i: int) -> int:
            value = chosen[i]
            return domains[i][-1] if value is None else value

        return all(
            sum(low(p) for p in parts) <= high(total) and sum(high(p) for p in parts) >= low(total)
            for parts, total in lines
        )

    def consistent(index: int, value: int) -> bool:
        chosen: list[int | None] = [None] * len(figures)

        def place(i: int) -> bool:
            if i == len(figures):
                return True
            for option in [value] if i == index else domains[i]:
                chosen[i] = option
                if fits(chosen) and place(i + 1):
                    return True
            chosen[i] = None
            return False

        return place(0)

    return [
        i
        for i, f in enumerate(figures)
        if f.hidden is Hidden.SMALL and sum(consistent(i, value) for value in range(3)) < 2
    ]


def lines_with_one_hidden(figures: Sequence[Cell], lines: Sequence[Line]) -> list[Line]:
    return [(parts, total) for parts, total in lines if sum(figures[m].suppressed for m in (*parts, total)) == 1]


# --- single figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "text", "shown"),
    [
        pytest.param(0, F3, False, id="0-hidden-so-fewer-than-3-never-means-at-least-one"),
        pytest.param(1, F3, False, id="1-hidden"),
        pytest.param(2, F3, False, id="2-hidden"),
        pytest.param(3, "3", True, id="3-shown"),
        pytest.param(12, "12", True, id="12-shown"),
    ],
)
def test_a_single_figure_below_3_reads_fewer_than_3(count: int, text: str, shown: bool) -> None:
    """A lone figure (pattern reviews this term) hides 0, 1 and 2 alike, and never prints a hidden number."""
    cell = suppress_count(count)
    assert cell.text == text
    assert cell.suppressed is not shown
    assert cell.value == (count if shown else None)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: suppress_count(-1), id="count"),
        pytest.param(lambda: suppress_table({"r": {"c": -1}}, ["r"], ["c"]), id="table"),
        pytest.param(lambda: suppress_parts(2, {"a": 3, "b": -1}), id="parts"),
    ],
)
def test_a_negative_count_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    """A negative count is a bug upstream, and would make every sum below untrustworthy."""
    with pytest.raises(ValueError, match="negative"):
        call()


def test_a_cell_is_either_shown_or_hidden() -> None:
    """A cell holding a number and a reason to hide it could leak the number into a template."""
    with pytest.raises(ValueError):
        Cell(2, Hidden.SMALL)
    with pytest.raises(ValueError):
        Cell(None)


# --- rows, columns and totals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param(
            [1, 5, 7],
            [[F3, NS, "7", "13"], [F3, NS, "7", "13"]],
            id="1-5-7: the 5 is hidden too, so 13 - 7 = 6 could be 1 + 5, 2 + 4 or 0 + 6",
        ),
        pytest.param(
            [0, 5, 7],
            [[F3, NS, "7", "12"], [F3, NS, "7", "12"]],
            id="0-5-7: a 0 is hidden exactly as a 1 is, so the pattern says nothing",
        ),
        pytest.param(
            [1, 1, 5],
            [[F3, F3, "5", "7"], [F3, F3, "5", "7"]],
            id="1-1-5: 7 - 5 = 2 could be 0 + 2, 1 + 1 or 2 + 0",
        ),
        pytest.param(
            [2, 2, 5],
            [[F3, F3, NS, "9"], [F3, F3, NS, "9"]],
            id="2-2-5: 9 - 5 = 4 could only be 2 + 2, so the 5 is hidden as well",
        ),
        pytest.param(
            [1, 3],
            [[F3, NS, "4"], [F3, NS, "4"]],
            id="1-3: 4 less a hidden 3-or-more leaves 0 or 1",
        ),
        pytest.param(
            [1, 0],
            [[F3, F3, F3], [F3, F3, F3]],
            id="1-0: a total below 3 is hidden too",
        ),
        pytest.param(
            [3, 4],
            [["3", "4", "7"], ["3", "4", "7"]],
            id="3-4: nothing to hide",
        ),
    ],
)
def test_a_row_total_never_gives_away_a_hidden_cell(counts: list[int], expected: list[list[str]]) -> None:
    """A total less the shown cells must never leave a single possible value for a hidden one."""
    columns = [f"c{j}" for j in range(len(counts))]
    table = suppress_table({"row": dict(zip(columns, counts, strict=True))}, ["row"], columns)
    assert as_text(table) == expected
    figures, lines = flatten(table)
    assert not lines_with_one_hidden(figures, lines)
    assert not pinned(figures, lines, cap=sum(counts))


KINDS = ["Allegation", "Low-level concern"]
OUTCOMES = ["Substantiated", "Unfounded", "Unsubstantiated"]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param(
            {
                "Allegation": {"Substantiated": 4, "Unfounded": 1, "Unsubstantiated": 6},
                "Low-level concern": {"Substantiated": 5, "Unfounded": 3, "Unsubstantiated": 7},
            },
            [[NS, F3, "6", "11"], [NS, NS, "7", "15"], ["9", "4", "13", "26"]],
            id="one-1: hiding spreads along its row and column until no subtraction pins it",
        ),
        pytest.param(
            {
                "Allegation": {"Substantiated": 2, "Unfounded": 8, "Unsubstantiated": 6},
                "Low-level concern": {"Substantiated": 2, "Unfounded": 5, "Unsubstantiated": 7},
            },
            [[F3, NS, NS, "16"], [F3, NS, NS, "14"], [NS, NS, "13", "30"]],
            id="a-column-of-2s: its total 4 would pin 2 + 2, so it is hidden, and another total with it",
        ),
        pytest.param(
            {"Allegation": {"Substantiated": 5, "Unfounded": 3}, "Low-level concern": {"Unsubstantiated": 9}},
            [[NS, NS, F3, "8"], [F3, F3, NS, "9"], [NS, NS, "9", "17"]],
            id="zeros: missing counts are 0, hidden like 1s and 2s; a column total of 3 would pin one",
        ),
    ],
)
def test_kind_by_outcome_hides_along_rows_and_columns(
    counts: Mapping[str, Mapping[str, int]], expected: list[list[str]]
) -> None:
    """The kind x outcome table: no row, column or grand total may give away a hidden cell."""
    table = suppress_table(counts, KINDS, OUTCOMES)
    assert as_text(table) == expected
    figures, lines = flatten(table)
    assert not lines_with_one_hidden(figures, lines)
    assert not pinned(figures, lines, cap=sum(sum(row.values()) for row in counts.values()))


def test_a_table_nothing_can_protect_is_withheld_whole() -> None:
    """Two 1s over a pair of 2s: each column's total of 3 or more makes every cell at least 1, so the
    first row's total below 3 pins both 1s whatever else is hidden. Nothing may be shown at all."""
    table = suppress_table({"a": {"x": 1, "y": 1}, "b": {"x": 2, "y": 2}}, ["a", "b"], ["x", "y"])
    assert table.withheld
    assert {text for row in as_text(table) for text in row} == {NS}
    figures, _ = flatten(table)
    assert all(f.hidden is Hidden.WITHHELD and f.value is None for f in figures)


def test_without_totals_only_small_numbers_are_hidden() -> None:
    """With no totals printed nothing can be subtracted, so 5 need not be hidden to protect the 1."""
    table = suppress_table({"row": {"a": 1, "b": 5, "c": 7}}, ["row"], ["a", "b", "c"], with_totals=False)
    assert [cell.text for cell in table.row("row")] == [F3, "5", "7"]
    assert table.grand_total is None and not table.row_totals and not table.column_totals


@pytest.mark.parametrize(
    "counts",
    [
        pytest.param({"Unknown kind": {"Unfounded": 1}}, id="row"),
        pytest.param({"Allegation": {"Unknown outcome": 1}}, id="column"),
    ],
)
def test_counts_outside_the_table_are_refused(counts: Mapping[str, Mapping[str, int]]) -> None:
    """A count that fits no row or column would silently drop out of every total."""
    with pytest.raises(ValueError, match="outside the table"):
        suppress_table(counts, KINDS, OUTCOMES)


# --- any table: properties --------------------------------------------------------------------

SMALLISH = st.sampled_from([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 9, 14])


@st.composite
def tables(draw: st.DrawFn, max_rows: int, max_columns: int) -> list[list[int]]:
    rows = draw(st.integers(1, max_rows))
    columns = draw(st.integers(1, max_columns))
    return [[draw(SMALLISH) for _ in range(columns)] for _ in range(rows)]


def suppressed(grid: list[list[int]]) -> tuple[SuppressedTable, list[int]]:
    """The grid suppressed, and its original figures in `flatten` order."""
    rows = [f"r{i}" for i in range(len(grid))]
    columns = [f"c{j}" for j in range(len(grid[0]))]
    table = suppress_table(
        {r: dict(zip(columns, row, strict=True)) for r, row in zip(rows, grid, strict=True)}, rows, columns
    )
    originals = [n for row in grid for n in row]
    originals += [sum(row) for row in grid] + [sum(column) for column in zip(*grid, strict=True)] + [sum(originals)]
    return table, originals


@settings(max_examples=300, deadline=None)
@given(tables(max_rows=4, max_columns=5))
def test_any_table_hides_every_small_number_and_leaves_no_line_with_one_hidden(grid: list[list[int]]) -> None:
    """Whatever the counts: 0, 1 and 2 always read "fewer than 3", shown numbers are the true
    ones, and no row, column or totals line has exactly one hidden figure to subtract for."""
    table, originals = suppressed(grid)
    figures, lines = flatten(table)
    if table.withheld:
        assert all(f.hidden is Hidden.WITHHELD for f in figures)
        return
    for figure, original in zip(figures, originals, strict=True):
        if original < 3:
            assert figure.text == F3 and figure.value is None
        elif figure.suppressed:
            assert figure.text == NS and figure.value is None
        else:
            assert figure.value == original and figure.text == str(original)
    for parts, total in lines:
        hidden = sum(figures[m].suppressed for m in (*parts, total))
        assert hidden == 0 or hidden >= 2, (parts, total)


@settings(max_examples=300, deadline=None)
@given(tables(max_rows=2, max_columns=3))
def test_no_reader_can_work_out_a_hidden_number_in_any_small_table(grid: list[list[int]]) -> None:
    """The real test of the rules: trying every table consistent with what is shown, each
    "fewer than 3" still has at least two possible values."""
    table, originals = suppressed(grid)
    if table.withheld:
        return
    figures, lines = flatten(table)
    assert not pinned(figures, lines, cap=originals[-1] + 6)


def linked_figures(cube: list[list[list[int]]]) -> tuple[list[int], list[Line]]:
    """Terms x kinds x outcomes as the report links them: a kind x outcome table (with totals) per
    term and for the year, and each year figure the sum of the same figure over the terms."""
    values: list[int] = []
    lines: list[Line] = []

    def add(value: int) -> int:
        values.append(value)
        return len(values) - 1

    def table(grid: list[list[int]]) -> list[int]:
        cells = [[add(n) for n in row] for row in grid]
        row_totals = [add(sum(row)) for row in grid]
        column_totals = [add(sum(column)) for column in zip(*grid, strict=True)]
        grand = add(sum(map(sum, grid)))
        lines.extend((tuple(row), total) for row, total in zip(cells, row_totals, strict=True))
        lines.extend((tuple(col), total) for col, total in zip(zip(*cells, strict=True), column_totals, strict=True))
        lines.extend([(tuple(row_totals), grand), (tuple(column_totals), grand)])
        return [index for row in cells for index in row] + row_totals + column_totals + [grand]

    terms = [table(grid) for grid in cube]
    year = table([[sum(cell) for cell in zip(*rows, strict=True)] for rows in zip(*cube, strict=True)])
    lines.extend((tuple(term[k] for term in terms), index) for k, index in enumerate(year))
    return values, lines


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda terms: st.integers(1, 3).flatmap(
            lambda kinds: st.lists(
                st.lists(st.lists(SMALLISH, min_size=3, max_size=3), min_size=kinds, max_size=kinds),
                min_size=terms,
                max_size=terms,
            )
        )
    )
)
def test_linked_tables_keep_the_same_guarantees(cube: list[list[list[int]]]) -> None:
    """Terms and the year protected as one set (as the report does): small numbers hidden, shown
    numbers true, and no line — within a table or across terms — with exactly one hidden figure."""
    values, lines = linked_figures(cube)
    figures, withheld = protect(values, lines)
    if withheld:
        assert all(f.hidden is Hidden.WITHHELD for f in figures)
        return
    for figure, original in zip(figures, values, strict=True):
        if original < 3:
            assert figure.hidden is Hidden.SMALL
        else:
            assert figure.value in (None, original)
    assert not lines_with_one_hidden(figures, lines)


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.integers(1, 2), st.integers(2, 3)).flatmap(
        lambda shape: st.lists(
            st.lists(SMALLISH, min_size=shape[1], max_size=shape[1]), min_size=shape[0], max_size=shape[0]
        )
    )
)
def test_no_reader_can_work_out_a_hidden_number_across_linked_tables(terms: list[list[int]]) -> None:
    """Across terms and the year (one kind, a few outcomes, kept small for the brute-force reader):
    every "fewer than 3" still has at least two possible values."""
    values, lines = linked_figures([[row] for row in terms])
    figures, withheld = protect(values, lines)
    if not withheld:
        assert not pinned(figures, lines, cap=values[-1] + 6)


# --- a year and its terms; linked tables -------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "terms", "year_text", "term_texts"),
    [
        pytest.param(
            9,
            {"Autumn": 2, "Spring": 3, "Summer": 4},
            "9",
            {"Autumn": F3, "Spring": NS, "Summer": "4"},
            id="9 = 2 + 3 + 4: spring hidden too, so 9 - 4 = 5 could be 0 + 5, 1 + 4 or 2 + 3",
        ),
        pytest.param(
            9,
            {"Autumn": 0, "Spring": 4, "Summer": 5},
            "9",
            {"Autumn": F3, "Spring": NS, "Summer": "5"},
            id="a term with none is hidden like a term with 1",
        ),
        pytest.param(
            4,
            {"Autumn": 2, "Spring": 2},
            NS,
            {"Autumn": F3, "Spring": F3},
            id="4 = 2 + 2: the year itself would pin both terms, so it is hidden",
        ),
        pytest.param(
            3,
            {"Autumn": 1, "Spring": 1, "Summer": 1},
            "3",
            {"Autumn": F3, "Spring": F3, "Summer": F3},
            id="3 = three hidden terms: 2 + 1 + 0 fits as well as 1 + 1 + 1",
        ),
        pytest.param(
            1,
            {"Autumn": 1, "Spring": 0, "Summer": 0},
            F3,
            {"Autumn": F3, "Spring": F3, "Summer": F3},
            id="a year below 3 is hidden",
        ),
        pytest.param(
            18,
            {"Autumn": 5, "Spring": 6, "Summer": 7},
            "18",
            {"Autumn": "5", "Spring": "6", "Summer": "7"},
            id="nothing small: everything shown",
        ),
        pytest.param(
            10,
            {"Autumn": 4, "Spring": 3, "Summer": 2, "Outside term dates": 1},
            "10",
            {"Autumn": "4", "Spring": "3", "Summer": F3, "Outside term dates": F3},
            id="holiday reports are a part of their own; 10 - 7 = 3 could be 1 + 2 or 2 + 1",
        ),
    ],
)
def test_a_year_less_its_shown_terms_reveals_no_hidden_term(
    year: int, terms: dict[str, int], year_text: str, term_texts: dict[str, str]
) -> None:
    """Period to period: the year total and its terms form a line a reader can subtract along."""
    year_cell, term_cells = suppress_periods(year, terms)
    assert year_cell.text == year_text
    assert {name: cell.text for name, cell in term_cells.items()} == term_texts
    figures = [*term_cells.values(), year_cell]
    line = [(tuple(range(len(terms))), len(terms))]
    assert not lines_with_one_hidden(figures, line)
    assert not pinned(figures, line, cap=year)


def test_terms_that_do_not_add_up_to_the_year_are_refused() -> None:
    """A gap (reports in the holidays left out) would read as zero, and a reader would subtract it."""
    with pytest.raises(ValueError, match="add up"):
        suppress_periods(9, {"Autumn": 2, "Spring": 3})


def test_linked_tables_are_protected_together() -> None:
    """Each term's kinds and the year's kinds share lines: protected one by one, the year's 5
    allegations less spring's 3 would give away autumn's 2; protected together, they do not."""
    _, autumn = suppress_parts(6, {"Allegation": 2, "Low-level concern": 4})
    _, spring = suppress_parts(8, {"Allegation": 3, "Low-level concern": 5})
    _, year = suppress_parts(14, {"Allegation": 5, "Low-level concern": 9})
    assert autumn["Allegation"].text == F3
    assert year["Allegation"].value is not None and spring["Allegation"].value is not None
    assert year["Allegation"].value - spring["Allegation"].value == 2  # the leak

    # autumn allegation, autumn llc, autumn; spring ...; year ...
    values = [2, 4, 6, 3, 5, 8, 5, 9, 14]
    lines: list[Line] = [((0, 1), 2), ((3, 4), 5), ((6, 7), 8), ((0, 3), 6), ((1, 4), 7), ((2, 5), 8)]
    figures, withheld = protect(values, lines)
    assert not withheld
    assert [f.text for f in figures] == [F3, NS, "6", NS, NS, "8", "5", "9", "14"]
    assert not lines_with_one_hidden(figures, lines)
    assert not pinned(figures, lines, cap=14)


def test_protect_refuses_a_line_that_does_not_add_up() -> None:
    """The check reasons from the lines; a line that is not a true sum would make it wrong."""
    with pytest.raises(ValueError, match="not the sum"):
        protect([1, 2, 4], [((0, 1), 2)])


# --- medians ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "text", "value"),
    [
        pytest.param([], FEWER_THAN_3_CASES, None, id="none"),
        pytest.param([4.0], FEWER_THAN_3_CASES, None, id="1-case-is-a-persons-own-figure"),
        pytest.param([1.0, 2.0], FEWER_THAN_3_CASES, None, id="2-cases-hidden"),
        pytest.param([3.0, 1.0, 2.0], "2", 2.0, id="3-cases-shown"),
        pytest.param([1.0, 2.0, 3.0, 4.0], "2.5", 2.5, id="4-cases-even-count"),
    ],
)
def test_a_median_is_shown_only_over_3_or_more_cases(values: list[float], text: str, value: float | None) -> None:
    """With one or two cases a median is, or nearly is, one person's own time."""
    median = median_or_suppressed(values)
    assert median.text == text
    assert median.value == value
    assert median.suppressed is (value is None)


# --- terms and academic years -----------------------------------------------------------------

TERMS = [
    ("Autumn term", dt.date(2026, 9, 3), dt.date(2026, 12, 18)),
    ("Spring term", dt.date(2027, 1, 5), dt.date(2027, 3, 26)),
    ("Summer term", dt.date(2027, 4, 12), dt.date(2027, 7, 21)),
]


@pytest.mark.parametrize(
    ("day", "term"),
    [
        pytest.param(dt.date(2026, 9, 2), None, id="day-before-the-first-term"),
        pytest.param(dt.date(2026, 9, 3), "Autumn term", id="first-day-of-a-term"),
        pytest.param(dt.date(2026, 12, 18), "Autumn term", id="last-day-of-a-term"),
        pytest.param(dt.date(2026, 12, 25), None, id="christmas-holiday"),
        pytest.param(dt.date(2027, 1, 5), "Spring term", id="first-day-after-a-holiday"),
        pytest.param(dt.date(2027, 4, 1), None, id="easter-holiday"),
        pytest.param(dt.date(2027, 7, 21), "Summer term", id="last-day-of-the-year"),
        pytest.param(dt.date(2027, 8, 31), None, id="summer-holiday"),
    ],
)
def test_a_day_falls_in_a_term_or_in_a_holiday(day: dt.date, term: str | None) -> None:
    """Term dates are inclusive; a report in a holiday belongs to no term (and is counted apart)."""
    assert term_for(day, TERMS) == term


@pytest.mark.parametrize(
    ("day", "start", "label"),
    [
        pytest.param(dt.date(2026, 8, 31), 2025, "2025 to 2026", id="31-august-ends-a-year"),
        pytest.param(dt.date(2026, 9, 1), 2026, "2026 to 2027", id="1-september-starts-one"),
        pytest.param(dt.date(2026, 12, 31), 2026, "2026 to 2027", id="new-years-eve"),
        pytest.param(dt.date(2027, 1, 1), 2026, "2026 to 2027", id="new-years-day-same-academic-year"),
        pytest.param(dt.date(2027, 8, 31), 2026, "2026 to 2027", id="last-day"),
    ],
)
def test_academic_year_runs_1_september_to_31_august(day: dt.date, start: int, label: str) -> None:
    """Reports are grouped by the school's year, labelled in GOV.UK style with "to", not a dash."""
    assert academic_year_start(day) == start
    assert academic_year_label(day) == label
    first, last = academic_year_dates(start)
    assert first <= day <= last
    assert (first, last) == (dt.date(start, 9, 1), dt.date(start + 1, 8, 31))


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda day: term_for(day, TERMS), id="term"),
        pytest.param(academic_year_label, id="academic-year"),
    ],
)
def test_a_datetime_is_refused(call) -> None:  # type: ignore[no-untyped-def]
    """A UTC time late on 31 August is 1 September in London: the service must convert first."""
    with pytest.raises(TypeError):
        call(dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.UTC))
